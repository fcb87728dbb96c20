/**
 * Which browser pages may call the admin API. A browser sends `Origin` with every cross-site request
 * (and with same-site ones other than GET and HEAD); scripts and curl send none. An origin that is not
 * listed is refused outright, before the request does anything: CORS alone only stops a page from
 * reading the answer, while a cross-site form post or `fetch(..., {mode: 'no-cors'})` still acts.
 * The request's own host is not trusted as an origin: under DNS rebinding, a hostile page's origin
 * names the host it is sent to.
 */
export type OriginDecision = { kind: 'none' } | { kind: 'allowed'; origin: string } | { kind: 'refused'; origin: string };

/** `allowed` holds serialized origins as --admin-cors-origin normalised them (`https://admin.example.com`). */
export function checkOrigin(origin: string | undefined, allowed: ReadonlySet<string>): OriginDecision {
  if (origin === undefined) return { kind: 'none' };
  // Browsers serialize origins in lower case with no default port; "null" (sandboxes, file://) is never listed.
  return allowed.has(origin) ? { kind: 'allowed', origin } : { kind: 'refused', origin };
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
