import { describe, expect, it } from 'vitest';
import { toStoredHeaders } from './stored-headers';

describe('toStoredHeaders', () => {
  it('drops hop-by-hop, per-request and edge headers and joins repeated values', () => {
    const flat = toStoredHeaders({
      'content-type': 'text/plain',
      'content-length': '5',
      age: '3',
      'set-cookie': ['a=1'],
      connection: 'close, x-hop',
      'x-hop': '1',
      'transfer-encoding': 'chunked',
      'x-cache': 'HIT',
      'x-cdn-node': 'n1',
      link: ['<a>', '<b>'] as unknown as string,
    });
    expect(flat).toEqual(['content-type', 'text/plain', 'link', '<a>, <b>']);
  });
  it('drops the fields named by qualified private and no-cache', () => {
    const flat = toStoredHeaders({ 'cache-control': 'private="X-User", no-cache="x-token", max-age=5', 'x-user': 'u', 'x-token': 't', etag: '"a"' });
    expect(flat).toEqual(['cache-control', 'private="X-User", no-cache="x-token", max-age=5', 'etag', '"a"']);
  });
});
