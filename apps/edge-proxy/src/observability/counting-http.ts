import http from 'node:http';

/** Bytes of a chunk as write() and end() take it: a Buffer or typed array, or a string in `encoding`. */
function byteLength(chunk: unknown, encoding: unknown): number {
  if (typeof chunk === 'string') return Buffer.byteLength(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  return (chunk as Uint8Array | null | undefined)?.byteLength ?? 0;
}

/**
 * A client request that counts the body bytes Node's parser hands it (it pushes each chunk as it arrives), for
 * cdn_edge_received_bytes_total: whoever reads the body (the forward, a retry's copy) does not need to count.
 */
export class CountingRequest extends http.IncomingMessage {
  bodyBytes = 0;

  override push(chunk: unknown, encoding?: BufferEncoding): boolean {
    if (chunk !== null) this.bodyBytes += byteLength(chunk, encoding);
    return super.push(chunk, encoding);
  }
}

/**
 * A response that counts the body bytes written to it, for cdn_edge_sent_bytes_total: cache hits, relayed and
 * streamed answers, coalesced followers and JSON errors all write through here, so none of them has to count.
 * Node's own end() writes without calling write(), so nothing is counted twice.
 */
export class CountingResponse extends http.ServerResponse<CountingRequest> {
  bodyBytes = 0;

  // The loose signatures pass whatever the caller gave on to Node, which sorts out its optional arguments.
  override write(chunk: unknown, encoding?: unknown, callback?: unknown): boolean {
    this.bodyBytes += byteLength(chunk, encoding);
    return super.write(chunk, encoding as BufferEncoding, callback as () => void);
  }

  override end(chunk?: unknown, encoding?: unknown, callback?: unknown): this {
    if (typeof chunk !== 'function') this.bodyBytes += byteLength(chunk, encoding);
    return super.end(chunk, encoding as BufferEncoding, callback as () => void);
  }
}

/** What http.createServer takes to make an edge's listener count body bytes both ways. */
export const COUNTING_HTTP: Pick<http.ServerOptions, 'IncomingMessage' | 'ServerResponse'> = {
  IncomingMessage: CountingRequest,
  ServerResponse: CountingResponse as unknown as typeof http.ServerResponse,
};

/** Body bytes sent in answer to a request; 0 for HEAD (Node sends no body, whatever was written), or from a listener made without COUNTING_HTTP. */
export function sentBodyBytes(res: http.ServerResponse): number {
  return res.req?.method === 'HEAD' ? 0 : ((res as Partial<CountingResponse>).bodyBytes ?? 0);
}

/** Body bytes of a request; 0 from a listener made without COUNTING_HTTP. */
export function receivedBodyBytes(req: http.IncomingMessage): number {
  return (req as Partial<CountingRequest>).bodyBytes ?? 0;
}
