import type { IncomingMessage } from 'node:http';

const NO_HEADERS: readonly string[] = Object.freeze([]);

/**
 * A node's Set-Cookie lines as flat headers, for the one client whose request the node answered: a cookie is
 * that user's (RFC 6265 §8, RFC 9111 §7.3), so an answer shared with other clients (coalesced followers, a
 * revalidated entry) goes to them without it. Empty (and shared) when there is none.
 */
export function ownSetCookie(proxyRes: IncomingMessage): readonly string[] {
  if (proxyRes.headers['set-cookie'] === undefined) return NO_HEADERS;
  const raw = proxyRes.rawHeaders;
  const own: string[] = [];
  for (let i = 0; i < raw.length; i += 2) if (raw[i].toLowerCase() === 'set-cookie') own.push(raw[i], raw[i + 1]);
  return own;
}

/** Flat headers without their Set-Cookie lines: what every client of a shared answer gets. */
export function withoutSetCookie(flat: string[]): string[] {
  return flat.filter((_, i) => flat[i - (i % 2)].toLowerCase() !== 'set-cookie');
}
