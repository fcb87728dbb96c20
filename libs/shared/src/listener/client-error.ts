import type { Socket } from 'node:net';
import { ERRORS, errorBody, type ErrorCode } from '../errors';

/** Why the listener closed a connection; the `reason` label of *_connections_closed_total. */
export type CloseReason =
  | 'header_timeout'
  | 'idle_timeout'
  | 'keepalive_timeout'
  | 'bad_request'
  | 'headers_too_large'
  | 'connection_limit'
  | 'evicted_silent';

/** A client that sent something Node's parser refused gets this long to read the answer before its socket is cut. */
const LINGER_MS = 2_000;

const REASON_PHRASES: Partial<Record<number, string>> = { 400: 'Bad Request', 405: 'Method Not Allowed', 408: 'Request Timeout', 413: 'Payload Too Large', 431: 'Request Header Fields Too Large' };

/** The whole raw answer for a catalogue code, built once: there is no ServerResponse to write it with. */
function rawAnswer(code: ErrorCode, message?: string): Buffer {
  const { status } = ERRORS[code];
  const body = JSON.stringify(errorBody(code, message));
  const head = `HTTP/1.1 ${status} ${REASON_PHRASES[status] ?? ''}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n`;
  return Buffer.from(head + body, 'latin1');
}

const ANSWERS = {
  bad_request: rawAnswer('bad_request'),
  request_timeout: rawAnswer('request_timeout'),
  headers_too_large: rawAnswer('headers_too_large'),
  payload_too_large: rawAnswer('payload_too_large'),
  method_not_allowed: rawAnswer('method_not_allowed', 'CONNECT is not served: this is not a forward proxy.'),
} as const;

/** What a parser error means for the client, as Node's own default answers do, but with the catalogue's JSON. */
export function clientErrorCode(errorCode: string | undefined): keyof typeof ANSWERS | undefined {
  switch (errorCode) {
    case 'ECONNRESET':
    case 'EPIPE':
      return undefined; // the client is gone: nothing to answer
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return 'request_timeout';
    case 'HPE_HEADER_OVERFLOW':
      return 'headers_too_large';
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return 'payload_too_large';
    default:
      return 'bad_request';
  }
}

/** The close reason a parser error is counted under (undefined: the client left by itself). */
export function closeReasonOf(code: keyof typeof ANSWERS | undefined): CloseReason | undefined {
  if (code === 'request_timeout') return 'header_timeout';
  if (code === 'headers_too_large') return 'headers_too_large';
  return code === undefined ? undefined : 'bad_request';
}

/**
 * Answers a request Node's parser refused (the server's 'clientError'), then closes the connection.
 * Written straight to the socket, only when no answer to an earlier request on it has begun (pipelining):
 * bytes of a second answer must never be mixed into the first. The socket is half-closed and read to
 * the end for a moment, so that a client still sending its oversized head sees the answer, not a reset.
 */
export function answerClientError(socket: Socket, code: keyof typeof ANSWERS | undefined): void {
  if (code === undefined || !socket.writable || answerInFlight(socket)?.headersSent) {
    socket.destroy();
    return;
  }
  socket.end(ANSWERS[code]);
  const linger = setTimeout(() => socket.destroy(), LINGER_MS);
  linger.unref();
  socket.once('close', () => clearTimeout(linger));
}

/**
 * The answer Node is writing on this socket, if any: set from the moment a request is handed to the handler
 * until its answer is finished. Node keeps it in `_httpMessage` and its own clientError default reads it the same way.
 */
export function answerInFlight(socket: Socket): { headersSent: boolean } | undefined {
  return (socket as Socket & { _httpMessage?: { headersSent: boolean } | null })._httpMessage ?? undefined;
}
