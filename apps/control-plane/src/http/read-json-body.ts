import type { IncomingMessage } from 'node:http';
import { CdnError } from '@cdn/shared';
import { isClientAbort, RequestAborted } from './request-aborted';

/** The admin API's largest accepted body: a registration is a few hundred bytes. */
export const MAX_BODY_BYTES = 64 * 1024;

/** What `readJsonBody` returns for a request without a body. */
export const EMPTY_BODY = Symbol('EMPTY_BODY');

/**
 * Reads a request body and parses it as JSON. Its media type is not looked at here: AdminGate has
 * already refused (415) any admin request whose body is not sent as application/json.
 * Throws `payload_too_large` past `limit` bytes, `invalid_json` when it does not parse, and
 * RequestAborted when the client leaves before the body is complete.
 */
export async function readJsonBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<unknown> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    throw tooLarge(limit);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) {
        req.resume();
        throw tooLarge(limit);
      }
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof CdnError) throw err;
    throw isClientAbort(req, err) ? new RequestAborted(err) : err;
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return EMPTY_BODY;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new CdnError('invalid_json', `The request body is not valid JSON: ${(err as Error).message}`, undefined, { cause: err });
  }
}

function tooLarge(limit: number): CdnError {
  return new CdnError('payload_too_large', `The request body is larger than ${limit} bytes.`, { limit });
}
