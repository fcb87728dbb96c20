import { describe, expect, it } from 'vitest';
import { clientErrorFor, isParseError, upstreamErrorCode, upstreamTimeoutError } from './upstream-error';

describe('upstream errors', () => {
  it('maps the edge own timeout to 504 and anything else to 502', () => {
    expect(clientErrorFor(upstreamErrorCode(upstreamTimeoutError(10)))).toBe('upstream_timeout');
    expect(clientErrorFor('ECONNREFUSED')).toBe('upstream_unreachable');
    expect(clientErrorFor('ECONNRESET')).toBe('upstream_unreachable');
  });

  it('names errors without a code UNKNOWN', () => {
    expect(upstreamErrorCode(new Error('x'))).toBe('UNKNOWN');
  });

  it('tells the parser refusing a node\'s bytes from other failures', () => {
    expect(isParseError(Object.assign(new Error('Parse Error: Expected HTTP/'), { code: 'HPE_INVALID_CONSTANT' }))).toBe(true);
    expect(isParseError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))).toBe(false);
    expect(isParseError(new Error('no code'))).toBe(false);
  });
});
