/**
 * One stored answer and what RFC 9111 needs to judge it later. The same shape lives in memory (L1)
 * and, binary-framed, in Redis (L2).
 */
export interface CacheEntry {
  status: number;
  /** Flat `[name, value, ...]`, lower-case names; hop-by-hop headers, Set-Cookie, Age and Content-Length removed. */
  headers: readonly string[];
  /**
   * Flat headers judged but never sent: the targeted field meant for this CDN alone (--cache-control-target,
   * RFC 9213), stripped at store time so that a hit sends `headers` as they are, kept to judge the entry
   * again on a 304 or a request with Authorization. Usually empty.
   */
  edgeOnlyHeaders: readonly string[];
  body: Buffer;
  /** The node that produced it (X-CDN-Node on a hit). */
  nodeId: string;
  /** Edge clock (ms) when the request that produced it was sent, and when its headers arrived (RFC 9111 §4.2.3). */
  requestTime: number;
  responseTime: number;
  /** Age in seconds the answer already had when it arrived (corrected_initial_age). */
  initialAge: number;
  /** Seconds it stays fresh (explicit s-maxage / max-age / Expires, else the default TTL). */
  freshnessLifetime: number;
  /** Seconds past freshness during which it may be served while one background refresh runs (RFC 5861). */
  staleWhileRevalidate: number;
  /** Seconds past freshness during which it may be served when the node fails or answers 5xx (RFC 5861). */
  staleIfError: number;
  /** Never served stale without revalidating (must-revalidate, proxy-revalidate, s-maxage). */
  mustRevalidate: boolean;
  /** Stored, but revalidated before every use (no-cache). */
  noCache: boolean;
  /** Validators for conditional requests to the node and from clients. */
  etag: string | undefined;
  lastModified: string | undefined;
  /** Purge tags, from Surrogate-Key and Cache-Tag. */
  tags: readonly string[];
  /** Lower-case request header names the answer varies by (sorted); empty when it does not vary. */
  vary: readonly string[];
  /** Edge clock (ms) of a soft purge: the entry counts as stale from then on. */
  invalidatedAt: number | undefined;
  /** Set on a stored 206 (RFC 9111 §3.3): the body is bytes `start`.. of a representation `completeLength` bytes long. */
  partial?: PartialRange;
}

/** One contiguous run of a representation's bytes; an entry keeps at most one, so its cost stays its body. */
export interface PartialRange {
  start: number;
  completeLength: number;
}
