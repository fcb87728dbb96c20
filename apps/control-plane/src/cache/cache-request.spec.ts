import { CdnError } from '@cdn/shared';
import { describe, expect, it } from 'vitest';
import { EMPTY_BODY } from '../http/read-json-body';
import { parsePurgeRequest, parseWarmRequest, toEdgeTarget } from './cache-request';

function fieldsOf(run: () => unknown): Record<string, string> {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(CdnError);
    expect((err as CdnError).code).toBe('invalid_request');
    return (err as CdnError).details?.fields as Record<string, string>;
  }
  throw new Error('expected invalid_request');
}

describe('toEdgeTarget', () => {
  it.each([
    ['/images/a.png', '/cdn/images/a.png'],
    ['/cdn/images/a.png', '/cdn/images/a.png'],
    ['/cdn', '/cdn/'],
    ['/cdn?v=1', '/cdn/?v=1'],
    ['/cdnx/a', '/cdn/cdnx/a'],
    ['/', '/cdn/'],
    ['http://cdn.example.com/cdn/a.png?v=2#top', '/cdn/a.png?v=2'],
    ['https://cdn.example.com/images/a.png', '/cdn/images/a.png'],
    ['HTTPS://cdn.example.com', '/cdn/'],
    ['/a b', '/cdn/a%20b'],
    ['/img/../a.png', '/cdn/a.png'],
    // Every spelling of one URL names the entry the edges key it by.
    ['/cdn/obj//a', '/cdn/obj/a'],
    ['/cdn/obj/%61', '/cdn/obj/a'],
    ['/cdn/obj/./a', '/cdn/obj/a'],
    ['/cdn/obj/x/../a', '/cdn/obj/a'],
    ['/cdn/../../a', '/cdn/a'],
    ['/a%2fb', '/cdn/a%2Fb'],
    ['http://cdn.example.com/cdn/a\\b', '/cdn/a%5Cb'],
  ])('%s → %s', (input, expected) => {
    expect(toEdgeTarget(input)).toBe(expected);
  });

  it.each(['images/a.png', '//evil.example.com/a', 'ftp://x/a', 'http://', 'cdn', '/a%zz', 'http://x/%2'])('refuses %s', (input) => {
    expect(toEdgeTarget(input)).toBeUndefined();
  });
});

describe('parsePurgeRequest', () => {
  it('normalises urls and prefixes, keeps tags, defaults soft to false and drops duplicates', () => {
    expect(parsePurgeRequest({ urls: ['/images/a.png', 'http://x.example/cdn/images/a.png'], prefixes: ['/css/'], tags: ['product-42'] })).toEqual({
      urls: ['/cdn/images/a.png'],
      prefixes: ['/cdn/css/'],
      tags: ['product-42'],
      soft: false,
    });
  });

  it('accepts a single non-empty list', () => {
    expect(parsePurgeRequest({ tags: ['t'], soft: true })).toEqual({ urls: [], prefixes: [], tags: ['t'], soft: true });
  });

  it('needs at least one non-empty list', () => {
    expect(fieldsOf(() => parsePurgeRequest({ urls: [], soft: true }))).toEqual({ body: expect.stringContaining('at least one of urls, prefixes and tags') });
  });

  it('names every bad field at once', () => {
    const fields = fieldsOf(() => parsePurgeRequest({ urls: 'a', prefixes: ['/ok', 'rel', 3], tags: ['has space'], soft: 'yes', url: ['/x'] }));
    expect(fields).toEqual({
      url: 'is not a known field (expected urls, prefixes, tags, soft)',
      urls: 'must be a list of strings',
      'prefixes[1]': 'must be an absolute http(s) URL or a path starting with /, with "%" followed by two hexadecimal digits',
      'prefixes[2]': 'must be a non-empty string',
      'tags[0]': 'must be a tag without spaces or control characters',
      soft: 'must be true or false',
    });
  });

  it('refuses more than 1000 items in a list', () => {
    expect(fieldsOf(() => parsePurgeRequest({ urls: Array.from({ length: 1001 }, (_, i) => `/a${i}`) }))).toEqual({ urls: 'must have at most 1000 items, got 1001' });
    expect(parsePurgeRequest({ urls: Array.from({ length: 1000 }, (_, i) => `/a${i}`) }).urls).toHaveLength(1000);
  });

  it('refuses a body that is not an object, or none', () => {
    expect(fieldsOf(() => parsePurgeRequest([]))).toEqual({ body: 'must be a JSON object' });
    expect(fieldsOf(() => parsePurgeRequest(EMPTY_BODY))).toEqual({ body: 'must be a JSON object' });
  });

  it('says what is wrong in the message', () => {
    expect(() => parsePurgeRequest({ soft: 1, tags: ['t'] })).toThrow('Invalid cache purge request: soft must be true or false');
  });
});

describe('parseWarmRequest', () => {
  it('normalises the urls', () => {
    expect(parseWarmRequest({ urls: ['/a', 'https://x.example/cdn/b?q=1'] })).toEqual({ urls: ['/cdn/a', '/cdn/b?q=1'] });
  });

  it('needs 1 to 1000 urls', () => {
    expect(fieldsOf(() => parseWarmRequest({}))).toEqual({ urls: expect.stringContaining('is required') });
    expect(fieldsOf(() => parseWarmRequest({ urls: [] }))).toEqual({ urls: expect.stringContaining('is required') });
    expect(fieldsOf(() => parseWarmRequest({ urls: Array(1001).fill('/a') }))).toEqual({ urls: 'must have at most 1000 items, got 1001' });
  });

  it('refuses purge fields', () => {
    expect(fieldsOf(() => parseWarmRequest({ urls: ['/a'], tags: ['t'] }))).toEqual({ tags: 'is not a known field (expected urls)' });
  });
});
