import { normalizeTarget } from './normalize-path';

/** Where client traffic lives on an edge: every cache key, purge target and forwarded path is under it. */
export const CDN_ROOT = '/cdn';

/**
 * The normal form of a client target under /cdn (see normalizeTarget), which edges key, forward, invalidate
 * and purge by, and the control plane turns purge and warm requests into; undefined when malformed.
 */
export function normalizeCdnTarget(target: string): string | undefined {
  return normalizeTarget(target, CDN_ROOT);
}

/**
 * The path and query of an absolute http(s) URL (or a scheme-relative `//host/...`) as written, without
 * its fragment: "/" when it has no path. Not the WHATWG parser's pathname, which rewrites `\` to `/` and
 * resolves dot segments its own way; normalizeTarget gives the one normal form. Undefined for anything else.
 */
export function targetOfUrl(url: string): string | undefined {
  const match = /^(?:https?:)?\/\/[^/?#\\]*([^#]*)/i.exec(url);
  if (!match) return undefined;
  const rest = match[1];
  return rest === '' ? '/' : rest.startsWith('?') ? `/${rest}` : rest;
}
