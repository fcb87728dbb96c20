import type { ServerResponse } from 'node:http';
import { ERRORS, ErrorCode, errorBody } from '@cdn/shared';
import { EXCHANGE, type ResponseWithExchange } from '../proxy/exchange';

/** The JSON bodies of the catalogue, serialised once: an error answer allocates nothing new. */
const ERROR_BODIES = new Map<ErrorCode, Buffer>(
  (Object.keys(ERRORS) as ErrorCode[]).map((code) => [code, Buffer.from(JSON.stringify(errorBody(code)))]),
);

/** A JSON answer; one to a /cdn request carries its X-Request-Id. */
export function sendJson(res: ServerResponse, status: number, body: Buffer | string, extraHeaders?: Record<string, string>): void {
  const length = Buffer.byteLength(body);
  const exchange = (res as ResponseWithExchange)[EXCHANGE];
  const headers: Record<string, string | number> = { ...extraHeaders, 'content-type': 'application/json; charset=utf-8', 'content-length': length };
  if (exchange !== undefined) headers['x-request-id'] = exchange.requestId;
  res.writeHead(status, headers);
  res.end(body);
}

/**
 * Answers with the catalogue's JSON error. Once headers are out a status can no longer be sent,
 * so the client's connection is destroyed instead: a truncated body must not look complete.
 */
export function sendError(res: ServerResponse, code: ErrorCode, extraHeaders?: Record<string, string>): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, ERRORS[code].status, ERROR_BODIES.get(code)!, extraHeaders);
}
