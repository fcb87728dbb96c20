import { isIP } from 'node:net';

/**
 * Which browser pages may call the admin API. A browser sends `Origin` with every cross-site request
 * (and with same-site ones other than GET and HEAD); scripts and curl send none. An origin that is not
 * listed is refused outright, before the request does anything: CORS alone only stops a page from
 * reading the answer, while a cross-site form post or `fetch(..., {mode: 'no-cors'})` still acts.
 * A request's own host is trusted as its origin only when it is an address (or `localhost`): under DNS
 * rebinding, a hostile page's origin names the host it is sent to, but that is always a name of the
 * attacker's, never an IP address, whose requests go to that address and nowhere else.
 */
export type OriginDecision =
  | { kind: 'none' }
  /** The page was served by this listener, at an address no other site can claim: the dashboard's own forms. */
  | { kind: 'same' }
  | { kind: 'allowed'; origin: string }
  | { kind: 'refused'; origin: string };

/**
 * `allowed` holds serialized origins as --admin-cors-origin normalised them (`https://admin.example.com`);
 * `host` is the request's Host header.
 */
export function checkOrigin(origin: string | undefined, allowed: ReadonlySet<string>, host?: string): OriginDecision {
  if (origin === undefined) return { kind: 'none' };
  // Browsers serialize origins in lower case with no default port; "null" (sandboxes, file://) is never listed.
  if (allowed.has(origin)) return { kind: 'allowed', origin };
  return isOwnAddress(origin, host) ? { kind: 'same' } : { kind: 'refused', origin };
}

/** Whether `origin` is exactly `http(s)://<host>` and that host is an IP address or localhost. */
export function isOwnAddress(origin: string, host: string | undefined): boolean {
  if (host === undefined) return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.origin !== origin || (url.protocol !== 'http:' && url.protocol !== 'https:')) return false;
  // The Host header as sent, not as a URL parser would rewrite it: "0x7f.1" is not "127.0.0.1" here.
  if (url.host !== host.toLowerCase()) return false;
  const name = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return name === 'localhost' || isIP(name) !== 0;
}

/** The admin API's methods, and the request headers a page may send: its token and the JSON media type. */
export const CORS_ALLOW_METHODS = 'GET, HEAD, POST, PATCH, DELETE';
export const CORS_ALLOW_HEADERS = 'Authorization, Content-Type';
/** Browsers cache a preflight answer this long (seconds); Chromium caps it at 2 hours anyway. */
export const CORS_MAX_AGE = '600';

/** Headers for every answer to an allowed origin. No Allow-Credentials: tokens travel in a header, never in cookies. */
export function corsHeaders(origin: string): Record<string, string> {
  return { 'access-control-allow-origin': origin, 'access-control-expose-headers': 'WWW-Authenticate, Allow, X-Request-Id' };
}

/** Whether a request is a CORS preflight: OPTIONS with Access-Control-Request-Method. */
export function isPreflight(method: string | undefined, headers: { 'access-control-request-method'?: string }): boolean {
  return method === 'OPTIONS' && headers['access-control-request-method'] !== undefined;
}

/** The answer to an allowed origin's preflight (204, no body). */
export function preflightHeaders(origin: string): Record<string, string> {
  return {
    ...corsHeaders(origin),
    'access-control-allow-methods': CORS_ALLOW_METHODS,
    'access-control-allow-headers': CORS_ALLOW_HEADERS,
    'access-control-max-age': CORS_MAX_AGE,
    vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
  };
}
