import { describe, expect, it } from 'vitest';
import { isHopByHop, stripHopByHop, stripRequestHopByHop } from './hop-by-hop';

describe('hop-by-hop filtering', () => {
  it.each(['connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-authenticate', 'proxy-authorization'])('%s never crosses a hop', (name) => {
    expect(isHopByHop(name, undefined)).toBe(true);
  });

  it('treats headers named by Connection as hop-by-hop', () => {
    expect(isHopByHop('x-session', 'close, X-Session')).toBe(true);
    expect(isHopByHop('x-other', 'close, X-Session')).toBe(false);
  });

  it('keeps end-to-end headers', () => {
    const headers = { 'content-type': 'a', connection: 'close', upgrade: 'h2c', etag: '"x"' };
    stripHopByHop(headers);
    expect(headers).toEqual({ 'content-type': 'a', etag: '"x"' });
  });
});

describe('request hop-by-hop filtering', () => {
  it('drops connection-level headers but keeps Transfer-Encoding for framing', () => {
    const headers = { connection: 'close', 'proxy-authorization': 'Basic x', 'transfer-encoding': 'chunked', accept: '*/*' };
    stripRequestHopByHop(headers);
    expect(headers).toEqual({ 'transfer-encoding': 'chunked', accept: '*/*' });
  });
});
