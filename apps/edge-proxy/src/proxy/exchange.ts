import type { ClientRequest, ServerResponse } from 'node:http';
import type { CacheOutcome } from '../observability/access-log';

/** What the edge knows about one /cdn request while it is served; kept on the response under EXCHANGE. */
export interface Exchange {
  method: string;
  /** The client's request target (/cdn/<path>?<query>), as logged. */
  path: string;
  /** performance.now() at arrival: monotonic, unlike the injectable wall clock. */
  startedAt: number;
  cache: CacheOutcome;
  nodeId: string | undefined;
  /** Set on a cache miss whose answer may be stored under this key. */
  cacheKey: string | undefined;
  /** The request to the node, once it has a socket. */
  upstream: ClientRequest | undefined;
  /** Fires when the node has not answered in time. */
  timer: NodeJS.Timeout | undefined;
  /** An error answer (or a destroyed socket) has already been given: later errors are ignored. */
  failed: boolean;
}

export const EXCHANGE = Symbol('cdn.exchange');

export type ResponseWithExchange = ServerResponse & { [EXCHANGE]?: Exchange };

export function newExchange(method: string, path: string, startedAt: number): Exchange {
  return { method, path, startedAt, cache: 'BYPASS', nodeId: undefined, cacheKey: undefined, upstream: undefined, timer: undefined, failed: false };
}

export function exchangeOf(res: ServerResponse): Exchange | undefined {
  return (res as ResponseWithExchange)[EXCHANGE];
}
