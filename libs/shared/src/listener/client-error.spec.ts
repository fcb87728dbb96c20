import { describe, expect, it } from 'vitest';
import { clientErrorCode, closeReasonOf } from './client-error';

describe('client errors', () => {
  it.each([
    ['HPE_HEADER_OVERFLOW', 'headers_too_large', 'headers_too_large'],
    ['ERR_HTTP_REQUEST_TIMEOUT', 'request_timeout', 'header_timeout'],
    ['HPE_INVALID_METHOD', 'bad_request', 'bad_request'],
    ['HPE_INVALID_URL', 'bad_request', 'bad_request'],
    ['HPE_CHUNK_EXTENSIONS_OVERFLOW', 'payload_too_large', 'bad_request'],
    ['ECONNRESET', undefined, undefined],
  ])('a parser error %s is answered %s and counted as %s', (error, answer, reason) => {
    expect(clientErrorCode(error)).toBe(answer);
    expect(closeReasonOf(clientErrorCode(error))).toBe(reason);
  });
});
