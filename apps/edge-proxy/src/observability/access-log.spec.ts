import { describe, expect, it } from 'vitest';
import { AccessFields, formatAccessFields, formatAccessLine, methodLabel } from './access-log';

describe('formatAccessLine', () => {
  it('ends with the response time in ms, for awk $NF', () => {
    const line = formatAccessLine('GET', '/cdn/a.js?v=1', 200, 'MISS', 'node1', 12.3456);
    expect(line).toBe('GET /cdn/a.js?v=1 200 MISS node1 response_time 12.346');
    expect(line.split(/\s+/).at(-1)).toBe('12.346');
  });

  it('writes - when no node was involved', () => {
    expect(formatAccessLine('GET', '/cdn/a', 503, 'BYPASS', undefined, 0.5)).toBe('GET /cdn/a 503 BYPASS - response_time 0.500');
  });
});

describe('methodLabel', () => {
  it('keeps known methods and folds the rest', () => {
    expect(methodLabel('PATCH')).toBe('PATCH');
    expect(methodLabel('PROPFIND')).toBe('OTHER');
  });
});

describe('formatAccessFields', () => {
  const fields: AccessFields = {
    method: 'GET',
    path: '/cdn/a.js?v=1',
    status: 200,
    cache: 'HIT',
    nodeId: 'node1',
    bytes: 1024,
    elapsedMs: 0.41234,
    client: '203.0.113.7',
    requestId: 'abc-1',
  };
  const parsed = (f: AccessFields) => JSON.parse(`{${formatAccessFields(f)}}`) as Record<string, unknown>;

  it('names every field of the access line, numbers as numbers', () => {
    expect(parsed(fields)).toEqual({
      method: 'GET',
      path: '/cdn/a.js?v=1',
      status: 200,
      cache: 'HIT',
      node: 'node1',
      bytes: 1024,
      duration_ms: 0.412,
      client: '203.0.113.7',
      request_id: 'abc-1',
    });
  });

  it('writes null for no node and no client address', () => {
    expect(parsed({ ...fields, nodeId: undefined, client: undefined })).toMatchObject({ node: null, client: null });
  });

  it.each([
    ['quotes', '/cdn/"a"'],
    ['backslashes', '/cdn/a\\b\\'],
    ['control characters', '/cdn/a\u0000\u0001\n\r\t\u001f\u007f'],
    ['line separators', '/cdn/a\u2028\u2029'],
    ['unicode', '/cdn/caf\u00e9/\u6587\u4ef6/\ud83d\ude00'],
    ['a lone surrogate', '/cdn/\ud800x'],
    ['a forged field', '/cdn/a","status":999,"x":"'],
  ])('parses back to the same path with %s', (_, path) => {
    const record = parsed({ ...fields, path, method: 'G"ET', requestId: 'id\\"' });
    expect(record.path).toBe(path);
    expect(record.method).toBe('G"ET');
    expect(record.request_id).toBe('id\\"');
    expect(record.status).toBe(200);
  });
});
