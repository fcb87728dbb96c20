import { describe, expect, it } from 'vitest';
import { formatAccessLine, methodLabel } from './access-log';

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
