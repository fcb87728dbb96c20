import type { IncomingHttpHeaders } from 'node:http';
import type { CacheEntry } from '../store/cache-entry';
import { type Directives, deltaSeconds, parseCacheControl, parseDeltaSeconds, MAX_DELTA_SECONDS } from './cache-control';
import { singlePartRange } from './content-range';
import { forEachListMember, headerValue } from './header-values';
import { DEFAULT_HEURISTIC_MAX, heuristicFreshness } from './heuristic-freshness';
import { parseHttpDate } from './http-date';
import { type CacheControlTargets, CDN_TARGETS, selectDirectives } from './targeted-cache-control';

/** Edge-wide storage settings (from the command line). */
export interface StoreOptions {
  /** --cache-time: freshness lifetime in seconds for a storable answer with no explicit freshness, only for statuses cacheable by default. */
  defaultTtl: number;
  /** --stale-if-error: seconds of stale-if-error for answers that do not say. */
  staleIfErrorDefault: number;
  /** --cache-set-cookie: store answers with Set-Cookie (the caller never stores the cookie header itself). */
  storeSetCookie: boolean;
  /** --cache-heuristic-max: cap in seconds of heuristic freshness, which applies when defaultTtl is 0; 0 turns it off. Default 86400. */
  heuristicMax?: number;
  /** The targeted fields obeyed over Cache-Control (RFC 9213); default CDN-Cache-Control alone. */
  targets?: CacheControlTargets;
  /** Told of decisions worth counting; none by default. */
  observer?: StorageObserver;
}

/** Hooks for the edge's metrics and debug log; decideStorage stays a function of its arguments otherwise. */
export interface StorageObserver {
  /** A targeted field decided (Cache-Control and Expires were ignored). */
  targeted(field: string): void;
  /** The answer was found storable with heuristic freshness of `seconds`. */
  heuristic(seconds: number): void;
}

/** The metadata decideStorage computes for a stored entry. */
export type StoreMeta = Pick<
  CacheEntry,
  'initialAge' | 'freshnessLifetime' | 'staleWhileRevalidate' | 'staleIfError' | 'mustRevalidate' | 'noCache' | 'etag' | 'lastModified' | 'tags' | 'vary'
>;

/** Stable reasons for not storing, for logs and metric labels. */
export type NotStoredReason =
  | 'method'
  | 'status'
  | 'no-store'
  | 'private'
  | 'authorization'
  | 'set-cookie'
  | 'vary-star'
  | 'no-freshness'
  | 'content-range';

export type StoreDecision = { store: false; reason: NotStoredReason } | { store: true; meta: StoreMeta };

/** Statuses "heuristically cacheable" (RFC 9110 §15.1): only these get the default TTL; these and `public` answers get heuristic freshness. */
export const CACHEABLE_BY_DEFAULT: ReadonlySet<number> = new Set([200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 501]);

/** Statuses this cache understands, for must-understand (RFC 9111 §5.2.2.3). */
const UNDERSTOOD_STATUS: ReadonlySet<number> = new Set([
  200, 201, 202, 203, 204, 205, 206, 300, 301, 302, 303, 307, 308, 400, 401, 403, 404, 405, 406, 408, 409, 410, 411, 412,
  413, 414, 415, 416, 417, 421, 422, 426, 500, 501, 502, 503, 504, 505,
]);

const NOT_STORED = {
  method: { store: false, reason: 'method' },
  status: { store: false, reason: 'status' },
  noStore: { store: false, reason: 'no-store' },
  private: { store: false, reason: 'private' },
  authorization: { store: false, reason: 'authorization' },
  setCookie: { store: false, reason: 'set-cookie' },
  varyStar: { store: false, reason: 'vary-star' },
  noFreshness: { store: false, reason: 'no-freshness' },
  contentRange: { store: false, reason: 'content-range' },
} as const satisfies Record<string, StoreDecision>;

const NO_STRINGS: readonly string[] = Object.freeze([]);

/**
 * Whether a shared cache may store a node's answer to a client's request (RFC 9111 §3, §3.5, §4.2,
 * RFC 5861), and if so the metadata needed to judge it later. Times are edge-clock ms.
 */
export function decideStorage(
  request: { method: string; headers: IncomingHttpHeaders },
  response: { status: number; headers: IncomingHttpHeaders },
  times: { requestTime: number; responseTime: number },
  options: StoreOptions,
): StoreDecision {
  // HEAD answers carry no body: storing one would serve an empty body to a later GET.
  if (request.method !== 'GET') return NOT_STORED.method;
  const status = response.status;
  // A 304 is never stored: it updates an entry (see freshenWithNotModified).
  if (status < 200 || status > 599 || status === 304) return NOT_STORED.status;
  // RFC 9111 §3.3: a 206 is kept as one known range of a representation of known length, nothing vaguer.
  if (status === 206 && singlePartRange(response.headers) === undefined) return NOT_STORED.contentRange;

  // RFC 9213 §2.1: a targeted field, when there is a valid one, replaces Cache-Control and Expires for this cache.
  const selected = selectDirectives(response.headers, options.targets ?? CDN_TARGETS);
  const directives = selected.directives;
  if (selected.field !== undefined) options.observer?.targeted(selected.field);
  // must-understand: an understood status lets the cache ignore no-store; otherwise nothing is stored.
  if (directives.has('must-understand')) {
    if (!UNDERSTOOD_STATUS.has(status)) return NOT_STORED.status;
  } else if (directives.has('no-store')) {
    return NOT_STORED.noStore;
  }
  if (parseCacheControl(request.headers['cache-control']).has('no-store')) return NOT_STORED.noStore;
  if (directives.get('private') === true) return NOT_STORED.private;
  if (
    request.headers.authorization !== undefined &&
    !directives.has('public') &&
    !directives.has('s-maxage') &&
    !directives.has('must-revalidate')
  ) {
    return NOT_STORED.authorization;
  }
  if (response.headers['set-cookie'] !== undefined && !options.storeSetCookie) return NOT_STORED.setCookie;

  const vary = varyNames(response.headers.vary);
  if (vary === undefined) return NOT_STORED.varyStar;

  const mustRevalidate = directives.has('must-revalidate') || directives.has('proxy-revalidate') || directives.has('s-maxage');
  const noCache = directives.get('no-cache') === true;
  // Defaults never loosen an answer that asked to be revalidated; an explicit stale-if-error may (RFC 5861 §4).
  const strict = mustRevalidate || noCache;

  const date = parseHttpDate(headerValue(response.headers, 'date')) ?? times.responseTime;
  const expires = selected.field === undefined ? headerValue(response.headers, 'expires') : undefined;
  const freshnessLifetime = explicitFreshness(directives, expires, date) ?? implicitFreshness(status, directives, response.headers, date, strict, options);
  if (freshnessLifetime === undefined) return NOT_STORED.noFreshness;
  const staleIfError = deltaSeconds(directives, 'stale-if-error') ?? (strict ? 0 : options.staleIfErrorDefault);
  const staleWhileRevalidate = strict ? 0 : deltaSeconds(directives, 'stale-while-revalidate') ?? 0;

  return {
    store: true,
    meta: {
      initialAge: initialAge(response.headers, times),
      freshnessLifetime,
      staleWhileRevalidate,
      staleIfError,
      mustRevalidate,
      noCache,
      etag: headerValue(response.headers, 'etag'),
      lastModified: headerValue(response.headers, 'last-modified'),
      tags: purgeTags(response.headers),
      vary,
    },
  };
}

/**
 * Explicit freshness in seconds: s-maxage (shared caches only), then max-age, then Expires − Date
 * (RFC 9111 §4.2.1), `date` being the answer's Date or, without one, when it arrived (ms). A present but
 * malformed max-age counts as 0 (stale), as does an invalid Expires. `expires` is undefined when a
 * targeted field decides (RFC 9213 §2.1).
 */
export function explicitFreshness(directives: Directives, expires: string | undefined, date: number): number | undefined {
  const sMaxAge = directives.get('s-maxage');
  if (sMaxAge !== undefined) return sMaxAge === true ? 0 : parseDeltaSeconds(sMaxAge) ?? 0;
  const maxAge = directives.get('max-age');
  if (maxAge !== undefined) return maxAge === true ? 0 : parseDeltaSeconds(maxAge) ?? 0;
  if (expires === undefined) return undefined;
  const expiresAt = parseHttpDate(expires);
  if (expiresAt === undefined) return 0;
  const lifetime = Math.floor((expiresAt - date) / 1000);
  return lifetime <= 0 ? 0 : Math.min(lifetime, MAX_DELTA_SECONDS);
}

/**
 * Freshness of an answer that gives none: --cache-time when set, for statuses cacheable by default only;
 * without it, for those statuses or a `public` answer (RFC 9111 §4.2.2, RFC 9110 §15.1), a heuristic
 * from Last-Modified unless the answer asked to be revalidated (no-cache, must-revalidate,
 * proxy-revalidate), else 0 for statuses cacheable by default (stored, but revalidated before use).
 * Undefined: not storable.
 */
function implicitFreshness(status: number, directives: Directives, headers: IncomingHttpHeaders, date: number, strict: boolean, options: StoreOptions): number | undefined {
  const byDefault = CACHEABLE_BY_DEFAULT.has(status);
  if (options.defaultTtl > 0) return byDefault ? options.defaultTtl : undefined;
  if (!byDefault && !directives.has('public')) return undefined;
  const heuristic = strict ? undefined : heuristicFreshness(headerValue(headers, 'last-modified'), date, options.heuristicMax ?? DEFAULT_HEURISTIC_MAX);
  if (heuristic !== undefined) {
    options.observer?.heuristic(heuristic);
    return heuristic;
  }
  return byDefault ? 0 : undefined;
}

/** corrected_initial_age of RFC 9111 §4.2.3, in seconds. */
export function initialAge(headers: IncomingHttpHeaders, times: { requestTime: number; responseTime: number }): number {
  const date = parseHttpDate(headerValue(headers, 'date'));
  const apparentAge = date === undefined ? 0 : Math.max(0, (times.responseTime - date) / 1000);
  const responseDelay = Math.max(0, (times.responseTime - times.requestTime) / 1000);
  const correctedAgeValue = ageValue(headers.age) + responseDelay;
  return Math.min(Math.max(apparentAge, correctedAgeValue), MAX_DELTA_SECONDS);
}

/** The Age header in seconds; 0 when absent or invalid (the first value counts when repeated). */
function ageValue(age: string | string[] | undefined): number {
  if (age === undefined) return 0;
  const first = typeof age === 'string' ? age : age[0];
  if (first === undefined) return 0;
  const comma = first.indexOf(',');
  return parseDeltaSeconds((comma === -1 ? first : first.slice(0, comma)).trim()) ?? 0;
}

/** Lower-case, sorted, de-duplicated Vary names; undefined for `Vary: *` (never matches a later request). */
export function varyNames(vary: string | string[] | undefined): readonly string[] | undefined {
  if (vary === undefined) return NO_STRINGS;
  let star = false;
  const names: string[] = [];
  forEachListMember(vary, ',', (member) => {
    if (member === '*') star = true;
    const name = member.toLowerCase();
    if (!names.includes(name)) names.push(name);
  });
  if (star) return undefined;
  return names.length === 0 ? NO_STRINGS : names.sort();
}

/** Purge tags from Surrogate-Key (space separated) and Cache-Tag (comma separated), trimmed, de-duplicated. */
export function purgeTags(headers: IncomingHttpHeaders): readonly string[] {
  const surrogateKey = headers['surrogate-key'];
  const cacheTag = headers['cache-tag'];
  if (surrogateKey === undefined && cacheTag === undefined) return NO_STRINGS;
  const tags: string[] = [];
  const add = (tag: string): void => {
    if (!tags.includes(tag)) tags.push(tag);
  };
  forEachListMember(surrogateKey, ' ', add);
  forEachListMember(cacheTag, ',', add);
  return tags;
}
