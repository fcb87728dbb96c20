import { describe, expect, it } from 'vitest';
import type { EdgeNodeStats } from '@cdn/shared';
import { edgeReportsErrors, passiveRecords } from './passive-signals';

const stats = (requests: number, failures: number, lastError?: string) => ({ inFlight: 0, requests, failures, ejected: false, ...(lastError ? { lastError } : {}) });

describe('edgeReportsErrors', () => {
  it('needs at least one failure and a failure ratio of one half', () => {
    expect(edgeReportsErrors(undefined)).toBe(false);
    expect(edgeReportsErrors(stats(10, 0))).toBe(false);
    expect(edgeReportsErrors(stats(10, 4))).toBe(false);
    expect(edgeReportsErrors(stats(10, 5))).toBe(true);
    expect(edgeReportsErrors(stats(0, 2))).toBe(true);
  });
});

describe('passiveRecords', () => {
  it('counts the live edges reporting errors for each node, with the last error', () => {
    const edges: { nodes?: Record<string, EdgeNodeStats> }[] = [{ nodes: { a: stats(4, 4, 'ECONNREFUSED') } }, { nodes: { a: stats(2, 2, 'HTTP 503'), b: stats(9, 1) } }, {}];
    expect(Object.fromEntries(passiveRecords(['a', 'b'], edges))).toEqual({
      a: { edgesReportingErrors: 2, edgesLive: 3, lastError: 'HTTP 503' },
      b: { edgesReportingErrors: 0, edgesLive: 3 },
    });
  });
});
