import { describe, expect, it } from 'vitest';
import { formatHttpDate } from './http-date';
import { edgeOnlyHeaders, toStoredHeaders } from './stored-headers';
import { cacheControlTargets } from './targeted-cache-control';

const T0 = Date.UTC(2024, 0, 1, 0, 0, 0);
const DATE = formatHttpDate(T0 - 5_000);
const EDGE_TARGETS = cacheControlTargets('Edge-Cache-Control');

describe('toStoredHeaders', () => {
  it('drops hop-by-hop, per-request and edge headers and joins repeated values', () => {
    const flat = toStoredHeaders(
      {
        date: DATE,
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
      },
      T0,
    );
    expect(flat).toEqual(['date', DATE, 'content-type', 'text/plain', 'link', '<a>, <b>']);
  });
  it('drops the fields named by qualified private and no-cache', () => {
    const flat = toStoredHeaders({ date: DATE, 'cache-control': 'private="X-User", no-cache="x-token", max-age=5', 'x-user': 'u', 'x-token': 't', etag: '"a"' }, T0);
    expect(flat).toEqual(['date', DATE, 'cache-control', 'private="X-User", no-cache="x-token", max-age=5', 'etag', '"a"']);
  });
  it('RFC 9110 §6.6.1: dates an answer without Date with the time it was received', () => {
    expect(toStoredHeaders({ etag: '"a"' }, T0)).toEqual(['etag', '"a"', 'date', formatHttpDate(T0)]);
  });
  it('RFC 9213 §2.1: drops the fields named by a qualified private of the targeted field that decides, not of Cache-Control', () => {
    const headers = { date: DATE, 'cache-control': 'private="x-a"', 'cdn-cache-control': 'max-age=60, private="x-b"', 'x-a': 'a', 'x-b': 'b' };
    expect(toStoredHeaders(headers, T0)).toEqual(['date', DATE, 'cache-control', 'private="x-a"', 'cdn-cache-control', 'max-age=60, private="x-b"', 'x-a', 'a']);
  });
  it('keeps the edge\'s own targeted field out of what a hit sends, and CDN-Cache-Control in (RFC 9213 §3: it is for every CDN on the way)', () => {
    const headers = { date: DATE, 'edge-cache-control': 'max-age=60', 'cdn-cache-control': 'max-age=30' };
    expect(toStoredHeaders(headers, T0, EDGE_TARGETS)).toEqual(['date', DATE, 'cdn-cache-control', 'max-age=30']);
    expect(edgeOnlyHeaders(headers, EDGE_TARGETS)).toEqual(['edge-cache-control', 'max-age=60']);
  });
  it('keeps no edge-only headers without a field of the edge\'s own, or when the answer has none', () => {
    expect(edgeOnlyHeaders({ 'edge-cache-control': 'max-age=60' })).toEqual([]);
    expect(edgeOnlyHeaders({ 'cache-control': 'max-age=60' }, EDGE_TARGETS)).toEqual([]);
  });
});
