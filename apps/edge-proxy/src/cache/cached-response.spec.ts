import { describe, expect, it } from 'vitest';
import { toCachedResponse } from './cached-response';

describe('toCachedResponse', () => {
  it('keeps end-to-end headers and drops hop-by-hop and per-answer ones', () => {
    const entry = toCachedResponse(
      200,
      {
        'content-type': 'text/css',
        etag: '"v1"',
        connection: 'keep-alive, x-hop',
        'keep-alive': 'timeout=5',
        'transfer-encoding': 'chunked',
        'x-hop': '1',
        'content-length': '999',
        age: '7',
        'x-cache': 'HIT',
      },
      Buffer.from('body'),
      'node1',
      0,
    );
    expect(entry.headers).toEqual(['content-type', 'text/css', 'etag', '"v1"', 'content-length', '4']);
    expect(entry.nodeId).toBe('node1');
  });
});
