import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { ERRORS } from '@cdn/shared';
import { answerIntact } from '../proxy/answer-integrity';
import type { AttemptTimes } from '../proxy/attempt';
import type { Dispatcher } from '../proxy/dispatcher';
import { ownRequest } from '../proxy/own-request';
import { discard } from '../proxy/relay';
import type { RoutingState } from '../routing/routing-state';
import { judgeAnswer } from './answer-judgement';
import { BodyCollector } from './body-collector';
import type { StoreEntry } from './entry-store';
import { revalidationHeaders, StoreOptions } from './http-semantics';
import { entryFromResponse } from './response-entry';
import type { CacheEntry } from './store/cache-entry';
import { variantKey } from './store/variant-key';

export type FillResult = 'stored' | 'refreshed' | 'not-storable';

export interface FillJob {
  state: RoutingState;
  /** The client target (/cdn/...) to fetch. */
  target: string;
  primary: string;
  /** Headers of the request the answer is for (they select the variant). */
  requestHeaders: IncomingHttpHeaders;
  /** A stale entry to revalidate rather than download again. */
  stale?: CacheEntry;
  /** The node to ask, and no other; by default one chosen by the table, and another on failure. */
  nodeId?: string;
  /** The address of the client whose request led to this fetch (a refresh); none for warming. */
  peer?: string;
  /** The X-Request-Id of that client's request, sent to the node with the refresh. */
  requestId?: string;
}

export interface BackgroundFillOptions {
  dispatcher: Dispatcher;
  store: StoreEntry;
  storeOptions: StoreOptions;
  maxEntryBytes: number;
  now: () => number;
}

/**
 * Fetches an answer into the cache with no client waiting: the one background refresh of a
 * stale-while-revalidate entry, and cache warming. It goes through the dispatcher like a client's request
 * (retries, passive health, forwarding headers); a stale entry is revalidated, so a 304 refreshes it without
 * downloading the body again. Rejects when no node answered, or answered 5xx.
 */
export type BackgroundFill = (job: FillJob) => Promise<FillResult>;

export function createBackgroundFill(options: BackgroundFillOptions): BackgroundFill {
  const { dispatcher, store, storeOptions, now } = options;

  async function keep(job: FillJob, request: { method: string; headers: IncomingHttpHeaders }, proxyRes: IncomingMessage, times: AttemptTimes): Promise<FillResult> {
    const { primary, stale } = job;
    const status = proxyRes.statusCode ?? 502;
    const judgement = judgeAnswer({ request, status, headers: proxyRes.headers, times, stale, now: now(), background: true }, storeOptions);
    if (judgement.kind !== 'store') discard(proxyRes);
    switch (judgement.kind) {
      case 'refreshed':
        if (judgement.fresh === undefined) return 'not-storable';
        store(variantKey(primary, judgement.fresh.vary, request.headers), primary, judgement.fresh);
        return 'refreshed';
      case 'stale-if-error':
      case 'failed':
        throw new Error(`node ${times.nodeId} answered ${status}`);
      case 'pass':
        return 'not-storable';
      case 'store': {
        const body = await collect(proxyRes, options.maxEntryBytes);
        if (body === undefined) return 'not-storable';
        const entry = entryFromResponse(proxyRes, body, judgement.decision, times.nodeId, times, storeOptions);
        if (entry === undefined) return 'not-storable';
        store(variantKey(primary, entry.vary, request.headers), primary, entry);
        return 'stored';
      }
    }
  }

  return (job) => {
    const validators = job.stale ? revalidationHeaders(job.stale) : undefined;
    // The answer is judged as one to the client's request with the validators added.
    const request = { method: 'GET', headers: validators ? { ...job.requestHeaders, ...validators } : job.requestHeaders };
    const sent = { req: ownRequest(job.requestHeaders, job.peer), path: job.target, headers: validators, nodeId: job.nodeId, requestId: job.requestId };
    return new Promise((resolve, reject) => {
      dispatcher.dispatchWithoutClient(sent, job.state, job.primary, {
        onAnswer: (proxyRes, times) => keep(job, request, proxyRes, times).then(resolve, reject),
        onFailure: (error, nodeId) => reject(new Error(nodeId === undefined ? 'no active node' : `node ${nodeId}: ${ERRORS[error].message}`)),
      });
    });
  };
}

function collect(res: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const collector = new BodyCollector(limit);
  return new Promise((resolve, reject) => {
    res.on('data', (chunk: Buffer) => {
      if (!collector.push(chunk)) {
        res.destroy();
        resolve(undefined);
      }
    });
    res.on('end', () => resolve(answerIntact(res) ? collector.body() : undefined));
    res.on('error', reject);
  });
}
