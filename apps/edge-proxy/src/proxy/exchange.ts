import type { ClientRequest, IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorCode } from '@cdn/shared';
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
  /** Edge clock (ms) when the request went to the node, and when its response headers came back. */
  requestTime: number;
  responseTime: number;
  /** Headers added to the request to the node only (the validators of a stale entry being revalidated). */
  upstreamHeaders: Record<string, string> | undefined;
  /** Handles the node's response instead of relaying it as it is (cache fills, revalidation, invalidation). */
  respond: ((proxyRes: IncomingMessage) => void) | undefined;
  /** Attempts made so far (the first is 1); a retry goes to another node. */
  attempts: number;
  /** Called when an attempt failed before anything reached the client; returns true when it started another. */
  retry: ((code: string) => boolean) | undefined;
  /** Called when no node could answer (with the error the client would get); returns true when it answered instead. */
  onUpstreamFailure: ((error: ErrorCode) => boolean) | undefined;
  /** The request to the node, once it has a socket. */
  upstream: ClientRequest | undefined;
  /** Fires when the node has not answered in time. */
  timer: NodeJS.Timeout | undefined;
  /** An error answer (or a destroyed socket) has already been given: later errors are ignored. */
  failed: boolean;
  /** A fetch shared by several clients (coalescing): no client's departure ends it, and its owner answers failures. */
  detached: boolean;
}

export const EXCHANGE = Symbol('cdn.exchange');

export type ResponseWithExchange = ServerResponse & { [EXCHANGE]?: Exchange };

export function newExchange(method: string, path: string, startedAt: number): Exchange {
  return {
    method, path, startedAt, cache: 'BYPASS', nodeId: undefined, requestTime: 0, responseTime: 0,
    upstreamHeaders: undefined, respond: undefined, attempts: 0, retry: undefined, onUpstreamFailure: undefined, upstream: undefined, timer: undefined, failed: false, detached: false,
  };
}

export function exchangeOf(res: ServerResponse): Exchange | undefined {
  return (res as ResponseWithExchange)[EXCHANGE];
}
