import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorCode } from '@cdn/shared';
import { sendError } from '../http/send-json';
import type { AttemptTimes } from './attempt';

/**
 * What a dispatch tells its caller, once: the node's answer (after any retries), or that no node could
 * answer. A client dispatch without hooks relays the answer and sends the JSON error.
 */
export interface DispatchHooks {
  /** The answer to keep; `times` say which node gave it and when. */
  onAnswer(proxyRes: IncomingMessage, times: AttemptTimes): void;
  /** No node answered: the catalogue error the client would get, and the node tried last (none when no node could be picked). */
  onFailure(error: ErrorCode, nodeId: string | undefined): void;
  /**
   * A request no client waits on (dispatchWithoutClient) got an interim answer: `head` is ready to write to the
   * clients that wait on it instead; returns how many got it. Without it (a refresh, a warm fetch) it is dropped.
   */
  onInterim?(head: string): number;
}

/** The error answer of a failed dispatch, naming the node tried last. */
export function sendUpstreamError(res: ServerResponse, error: ErrorCode, nodeId: string | undefined): void {
  sendError(res, error, nodeId === undefined ? undefined : { 'x-cdn-node': nodeId });
}
