import type { IncomingHttpHeaders } from 'node:http';
import { decideStorage, freshenWithNotModified, StoreDecision, StoreOptions, usableOnError } from './http-semantics';
import type { CacheEntry } from './store/cache-entry';

/** Everything a node's answer is judged on. */
export interface AnswerToJudge {
  /** The request the answer is for (its headers select the variant, and may forbid storing). */
  request: { method: string; headers: IncomingHttpHeaders };
  status: number;
  headers: IncomingHttpHeaders;
  /** Edge clock (ms) when the request went out and when the answer's headers came back. */
  times: { requestTime: number; responseTime: number };
  /** The entry the edge was revalidating, if any. */
  stale: CacheEntry | undefined;
  now: number;
  /** No client waits for this answer (background refresh, warming): a 5xx is a failure, never stored. */
  background: boolean;
}

/**
 * What becomes of a node's answer (RFC 9111):
 * - refreshed: a 304 to the edge's revalidation; `fresh` is the updated entry to store (none when the 304
 *   does not match it), `entry` what to serve;
 * - stale-if-error: a 5xx while the stale entry may stand in for it;
 * - failed: a 5xx no client waits for;
 * - store / pass: the answer itself, storable or not (with the reason); `modified` when it replaces a stale entry.
 */
export type Judgement =
  | { kind: 'refreshed'; fresh: CacheEntry | undefined; entry: CacheEntry }
  | { kind: 'stale-if-error'; entry: CacheEntry }
  | { kind: 'failed' }
  | { kind: 'store'; decision: Extract<StoreDecision, { store: true }>; modified: boolean }
  | { kind: 'pass'; decision: Extract<StoreDecision, { store: false }>; modified: boolean };

/** Judges a node's answer for the cache; pure, so the client fetches and the background fills agree. */
export function judgeAnswer(answer: AnswerToJudge, options: StoreOptions): Judgement {
  const { request, status, times, stale } = answer;
  if (stale && status === 304) {
    const fresh = freshenWithNotModified(stale, answer, request, times, options);
    return { kind: 'refreshed', fresh, entry: fresh ?? stale };
  }
  if (status >= 500) {
    if (stale && usableOnError(stale, answer.now)) return { kind: 'stale-if-error', entry: stale };
    if (answer.background) return { kind: 'failed' };
  }
  const decision = decideStorage(request, answer, times, options);
  const modified = stale !== undefined;
  return decision.store ? { kind: 'store', decision, modified } : { kind: 'pass', decision, modified };
}
