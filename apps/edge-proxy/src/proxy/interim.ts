import { STATUS_CODES, type IncomingMessage, type InformationEvent, type ServerResponse } from 'node:http';
import { isHopByHop } from '../http/hop-by-hop';

/** Interim answers passed on per request at most: a node that floods them gets the rest dropped (they bypass back-pressure). */
export const MAX_INTERIM_PER_REQUEST = 16;

/**
 * Node's own writeEarlyHints and writeProcessing write their heads with _writeRaw, which queues them before the
 * final answer (behind a pipelined earlier answer, too). writeEarlyHints itself cannot pass a node's 103 on as it
 * is: it drops a 103 without Link and throws on Link values its pattern rejects (two links in one field).
 */
type RawWritable = ServerResponse & { _writeRaw(data: string, encoding: BufferEncoding): boolean };

/**
 * The head of a node's interim answer as clients get it: the node's fields in its order, less the hop-by-hop
 * ones (RFC 9110 §7.6.1) and Content-Length (an interim answer has no content, RFC 9110 §15.2). The parser
 * has already refused CR and LF in names and values, so they cannot split the head.
 */
export function interimHead(info: Pick<InformationEvent, 'statusCode' | 'headers' | 'rawHeaders'>): string {
  const raw = info.rawHeaders;
  const connection = typeof info.headers.connection === 'string' ? info.headers.connection : undefined;
  let head = `HTTP/1.1 ${info.statusCode} ${STATUS_CODES[info.statusCode] ?? ''}\r\n`;
  for (let i = 0; i < raw.length; i += 2) {
    const lower = raw[i].toLowerCase();
    if (lower === 'content-length' || isHopByHop(lower, connection)) continue;
    head += `${raw[i]}: ${raw[i + 1]}\r\n`;
  }
  return `${head}\r\n`;
}

/**
 * Writes an interim head to a client whose answer has not started; true when it did. An HTTP/1.0 client
 * gets none: it would take the 1xx for its answer (RFC 9110 §15.2).
 */
export function relayInterim(req: IncomingMessage, res: ServerResponse, head: string): boolean {
  if (res.headersSent || res.destroyed || req.httpVersionMajor !== 1 || req.httpVersionMinor === 0) return false;
  (res as RawWritable)._writeRaw(head, 'latin1');
  return true;
}
