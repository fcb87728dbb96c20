import type { ClientRequest, IncomingMessage, InformationEvent } from 'node:http';
import type { Readable } from 'node:stream';

/** What the forwarder reports about one attempt, to the dispatch that started it and to nothing else. */
export interface AttemptOwner {
  readonly method: string;
  /** The client's request target (/cdn/<path>?<query>). */
  readonly path: string;
  /** Headers added to the request to the node only (the validators of a stale entry being revalidated). */
  readonly headers: Record<string, string> | undefined;
  /** The X-Request-Id the node is sent (none: the request's own header goes as it is). */
  readonly requestId: string | undefined;
  /** The node sent an interim (1xx) answer before its final one; 100 Continue excepted (the listener sends its own). */
  interim(attempt: Attempt, info: InformationEvent): void;
  /** The node's response headers arrived for this attempt. */
  answered(attempt: Attempt, proxyRes: IncomingMessage): void;
  /** This attempt failed before the node answered (refused, reset, timed out). */
  failed(attempt: Attempt, err: unknown): void;
  /** The node's answer to this attempt is over (complete or cut short): it is no longer in flight. */
  answerClosed(attempt: Attempt): void;
}

/** When one attempt went out and its answer came back (edge clock, ms): what the cache needs to age the answer. */
export interface AttemptTimes {
  readonly nodeId: string;
  readonly requestTime: number;
  readonly responseTime: number;
}

/**
 * One try of a request on one node. Each attempt reports once, to its own owner: an error or an answer
 * from an attempt already given up on can never be taken for the next one's.
 */
export class Attempt implements AttemptTimes {
  requestTime = 0;
  responseTime = 0;
  /** performance.now() when it was sent: the node's answer time for cdn_edge_upstream_duration_seconds. */
  sentAt = 0;
  /** The request to the node, once it has a socket. */
  upstream: ClientRequest | undefined = undefined;
  /** The node's answer, once its headers came. */
  answer: IncomingMessage | undefined = undefined;
  /** Fires when the node has not answered in time. */
  timer: NodeJS.Timeout | undefined = undefined;
  /** It has answered or failed: anything later from it is ignored. */
  settled = false;
  /** Counted in flight by passive health until it ends. */
  inFlight = true;

  constructor(
    readonly nodeId: string,
    readonly owner: AttemptOwner,
    /** The request body to send again (a retry), instead of streaming the client's. */
    readonly body: Readable | undefined,
    /** Sent on a new connection of its own rather than a pooled one (the pooled one held an earlier answer's bytes). */
    readonly fresh = false,
  ) {}
}
