import http from 'node:http';
import type { Socket } from 'node:net';

/** Bytes of a body chunk as Node writes or reads it. */
function chunkBytes(chunk: unknown, encoding: unknown): number {
  if (typeof chunk === 'string') return Buffer.byteLength(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  return (chunk as Uint8Array | null | undefined)?.byteLength ?? 0;
}

/**
 * A client request that counts the body bytes read from its socket (Node's parser pushes each body chunk):
 * exact whatever reads the body, streamed or buffered, and no wrapper or listener per request.
 */
export class CountedRequest extends http.IncomingMessage {
  bodyBytes: number;

  // Spelled out: the constructor TypeScript writes for a field passes ...arguments along, slower per request.
  constructor(socket: Socket) {
    super(socket);
    this.bodyBytes = 0;
  }

  override push(chunk: unknown, encoding?: BufferEncoding): boolean {
    if (chunk !== null) this.bodyBytes += chunkBytes(chunk, encoding);
    return super.push(chunk, encoding);
  }
}

/** Node passes the listener's options (highWaterMark...) as a second argument its type does not declare. */
const ServerResponseOf = http.ServerResponse as unknown as new (req: http.IncomingMessage, options?: object) => http.ServerResponse;

/**
 * A response that counts the body bytes given to it (write and end), whichever part of the edge writes them:
 * a cached entry, a node's answer piped through, an error's JSON. Headers and chunked framing are not body.
 */
export class CountedResponse extends ServerResponseOf {
  bodyBytes: number;

  constructor(req: http.IncomingMessage, options?: object) {
    super(req, options);
    this.bodyBytes = 0;
  }

  // Explicit parameters rather than ...rest: no array per call. Node sorts out which argument is which.
  override write(chunk: unknown, encoding?: unknown, callback?: unknown): boolean {
    // A HEAD answer has no body: Node drops what is written.
    if (this._hasBody) this.bodyBytes += chunkBytes(chunk, encoding);
    return (super.write as (c: unknown, e: unknown, cb: unknown) => boolean)(chunk, encoding, callback);
  }

  override end(chunk?: unknown, encoding?: unknown, callback?: unknown): this {
    if (this._hasBody && typeof chunk !== 'function') this.bodyBytes += chunkBytes(chunk, encoding);
    return (super.end as (c: unknown, e: unknown, cb: unknown) => this)(chunk, encoding, callback);
  }
}

declare module 'node:http' {
  interface ServerResponse {
    /** Node's own: false for a HEAD answer and 204/304, whose body is never sent. */
    _hasBody: boolean;
  }
}

/** The classes an edge's client listener makes its requests and responses with (http.createServer options). */
export const COUNTED_MESSAGES = {
  IncomingMessage: CountedRequest,
  // Node's type declares the constructor generic over the request class; Node calls it with the request it made.
  ServerResponse: CountedResponse as unknown as typeof http.ServerResponse,
};

/** Body bytes sent on `res`; 0 for a response not made by a counted listener. */
export function bytesSent(res: http.ServerResponse): number {
  return (res as Partial<CountedResponse>).bodyBytes ?? 0;
}

/** Body bytes read from the client of `req`; 0 for a request not made by a counted listener. */
export function bytesReceived(req: http.IncomingMessage): number {
  return (req as Partial<CountedRequest>).bodyBytes ?? 0;
}
