import type { ServerResponse } from 'node:http';
import type { CacheOutcome } from '../observability/access-log';

/** What the access line of one /cdn request needs, filled in while it is served; kept on the response under EXCHANGE. */
export interface Exchange {
  method: string;
  /** The client's request target (/cdn/<path>?<query>), as logged. */
  path: string;
  /** performance.now() at arrival: monotonic, unlike the injectable wall clock. */
  startedAt: number;
  cache: CacheOutcome;
  /** The node that answered, or was tried last. */
  nodeId: string | undefined;
  /** X-Request-Id: the client's own when usable, else made by the edge; sent to the node and back to the client. */
  requestId: string;
}

export const EXCHANGE = Symbol('cdn.exchange');

export type ResponseWithExchange = ServerResponse & { [EXCHANGE]?: Exchange };

export function newExchange(method: string, path: string, startedAt: number, requestId: string): Exchange {
  return { method, path, startedAt, cache: 'BYPASS', nodeId: undefined, requestId };
}
