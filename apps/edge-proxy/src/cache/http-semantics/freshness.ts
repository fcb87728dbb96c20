import type { CacheEntry } from '../store/cache-entry';
import type { RequestPolicy } from './request-policy';

/** What a cache may do with a stored entry for one request. */
export type Usability =
  /** Serve it (HIT). */
  | 'fresh'
  /** Serve it stale now and refresh once in the background (STALE). */
  | 'stale-while-revalidate'
  /** Must ask the node first (a conditional request when it has validators). */
  | 'revalidate';

/** Extra seconds an entry with validators is kept past its stale windows: a later 304 saves its body. */
export const REVALIDATION_MARGIN_SECONDS = 300;

/** Seconds (may be fractional): initialAge + time resident (RFC 9111 §4.2.3 current_age). */
export function currentAge(entry: CacheEntry, now: number): number {
  const resident = now - entry.responseTime;
  return entry.initialAge + (resident > 0 ? resident / 1000 : 0);
}

/** Whole seconds for the Age header. */
export function ageHeader(entry: CacheEntry, now: number): string {
  return String(Math.floor(currentAge(entry, now)));
}

/**
 * Seconds the entry has been stale at `now` (<= 0 while fresh). A soft purge ends freshness at
 * invalidatedAt when that comes before the natural expiry, so stale windows count from the purge.
 */
export function staleness(entry: CacheEntry, now: number): number {
  const natural = currentAge(entry, now) - entry.freshnessLifetime;
  const invalidatedAt = entry.invalidatedAt;
  if (invalidatedAt === undefined || invalidatedAt > now) return natural;
  return Math.max(natural, (now - invalidatedAt) / 1000);
}

function isSoftPurged(entry: CacheEntry, now: number): boolean {
  return entry.invalidatedAt !== undefined && entry.invalidatedAt <= now;
}

/** Whether `entry` may answer a request with `policy` at `now` (RFC 9111 §4.2, §5.2.1; RFC 5861 §3). */
export function usability(entry: CacheEntry, now: number, policy: RequestPolicy): Usability {
  if (entry.noCache || policy.revalidate) return 'revalidate';
  const age = currentAge(entry, now);
  // Request max-age: the client wants nothing older, stale or not.
  if (policy.maxAge !== undefined && age > policy.maxAge) return 'revalidate';
  const stale = isSoftPurged(entry, now) || age >= entry.freshnessLifetime;
  if (!stale) {
    // min-fresh: the client wants it to stay fresh at least that much longer.
    if (policy.minFresh !== undefined && entry.freshnessLifetime - age < policy.minFresh) return 'revalidate';
    return 'fresh';
  }
  if (entry.mustRevalidate) return 'revalidate';
  const stalenessSeconds = staleness(entry, now);
  // max-stale: the client accepts this much staleness, which makes the entry good enough as it is.
  if (policy.maxStale !== undefined && (policy.maxStale === true || stalenessSeconds <= policy.maxStale)) return 'fresh';
  if (policy.minFresh === undefined && stalenessSeconds < entry.staleWhileRevalidate) return 'stale-while-revalidate';
  return 'revalidate';
}

/**
 * When the node failed or answered 5xx: may this stale entry be served instead? decideStorage already
 * set staleIfError to 0 for must-revalidate / no-cache answers unless they gave stale-if-error
 * explicitly, which RFC 5861 §4 lets override them.
 */
export function usableOnError(entry: CacheEntry, now: number): boolean {
  // A fresh entry qualifies too (the client may have asked for revalidation), unless no-cache forbids any unvalidated use.
  return staleness(entry, now) < entry.staleIfError && (entry.staleIfError > 0 || !entry.noCache);
}

/**
 * How long (ms from when it was stored) a store should keep the entry at most: what is left of its
 * freshness plus the longer stale window, plus a margin for revalidation when it has validators.
 */
export function retentionMs(entry: CacheEntry): number {
  let seconds = Math.max(0, entry.freshnessLifetime - entry.initialAge) + Math.max(entry.staleWhileRevalidate, entry.staleIfError);
  if (entry.etag !== undefined || entry.lastModified !== undefined) seconds += REVALIDATION_MARGIN_SECONDS;
  return Math.ceil(seconds * 1000);
}
