import type { IncomingHttpHeaders } from 'node:http';
import type { LoadOf } from '@cdn/shared';
import type { Forwarding } from '../http/forwarded-headers';
import { stripRequestHopByHop } from '../http/hop-by-hop';
import type { RoutingState } from '../routing/routing-state';
import { BodyCollector } from './body-collector';
import { decideStorage, freshenWithNotModified, revalidationHeaders, StoreOptions } from './http-semantics';
import { getFromNode } from './node-fetch';
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
  /** The node to ask; by default one chosen by the table. */
  nodeId?: string;
  /** The address of the client whose request led to this fetch (a refresh); none for warming. */
  peer?: string;
}

export interface CacheFillerOptions {
  store: (key: string, primary: string, entry: CacheEntry) => void;
  storeOptions: StoreOptions;
  maxEntryBytes: number;
  timeoutMs: number;
  now: () => number;
  random: () => number;
  loadOf: LoadOf;
  /** The same forwarding headers as a forwarded request: a refresh must not let the client's forged ones through. */
  forwarding: Forwarding;
}

/**
 * Fetches an answer from a node into the cache with no client waiting: the one background refresh of a
 * stale-while-revalidate entry, and cache warming. A stale entry is revalidated (conditional GET), so a
 * 304 refreshes it without downloading the body again.
 */
export class CacheFiller {
  constructor(private readonly options: CacheFillerOptions) {}

  async fill(job: FillJob): Promise<FillResult> {
    const { state, target, primary, requestHeaders, stale } = job;
    const { now, storeOptions } = this.options;
    const node = job.nodeId !== undefined ? state.targets.get(job.nodeId)?.node : state.balancer.pick({ key: primary, clientLocation: undefined }, this.options.loadOf, this.options.random);
    if (node === undefined) throw new Error('no active node');
    const headers: Record<string, string> = stale ? revalidationHeaders(stale) : {};
    // The variant being refreshed is the one these request headers select.
    for (const name of stale?.vary ?? []) {
      const value = requestHeaders[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const request = { method: 'GET', headers: { ...requestHeaders, ...headers } };
    const requestTime = now();
    const res = await getFromNode(state.targets.get(node.id)!, target, this.upstreamHeaders(request.headers, job.peer), this.options.timeoutMs);
    const times = { requestTime, responseTime: now() };

    if (stale && res.statusCode === 304) {
      res.resume();
      const fresh = freshenWithNotModified(stale, res, request, times, storeOptions);
      if (!fresh) return 'not-storable';
      this.options.store(variantKey(primary, fresh.vary, request.headers), primary, fresh);
      return 'refreshed';
    }
    if ((res.statusCode ?? 0) >= 500) {
      res.resume();
      throw new Error(`node ${node.id} answered ${res.statusCode}`);
    }
    const decision = decideStorage(request, { status: res.statusCode!, headers: res.headers }, times, storeOptions);
    if (!decision.store) {
      res.resume();
      return 'not-storable';
    }
    const body = await collect(res, this.options.maxEntryBytes);
    if (body === undefined) return 'not-storable';
    const entry = entryFromResponse(res, body, decision, node.id, times);
    this.options.store(variantKey(primary, entry.vary, request.headers), primary, entry);
    return 'stored';
  }

  /** What the node is sent: the client's end-to-end headers, as a forwarded request would carry them, for a GET without a body. */
  private upstreamHeaders(headers: IncomingHttpHeaders, peer: string | undefined): IncomingHttpHeaders {
    const sent = { ...headers };
    stripRequestHopByHop(sent);
    delete sent['transfer-encoding'];
    delete sent['content-length'];
    delete sent.expect;
    this.options.forwarding.rewrite(sent, peer, undefined);
    return sent;
  }
}

function collect(res: import('node:http').IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const collector = new BodyCollector(limit);
  return new Promise((resolve, reject) => {
    res.on('data', (chunk: Buffer) => {
      if (!collector.push(chunk)) {
        res.destroy();
        resolve(undefined);
      }
    });
    res.on('end', () => resolve(res.complete ? collector.body() : undefined));
    res.on('error', reject);
  });
}
