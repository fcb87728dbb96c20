import { describe, expect, it } from 'vitest';
import type { EdgeNodeStats } from '@cdn/shared';
import { edgeReportsErrors, passiveRecords } from './passive-signals';

const stats = (requests: number, failures: number, lastError?: string, ejected = false): EdgeNodeStats => ({ inFlight: 0, requests, failures, ejected, ...(lastError ? { lastError } : {}) });

describe('edgeReportsErrors', () => {
  it('one refused request is not evidence', () => {
    expect(edgeReportsErrors(stats(1, 1, 'ECONNREFUSED'))).toBe(false);
    expect(edgeReportsErrors(stats(2, 2, 'ECONNREFUSED'))).toBe(false);
  });

  it('needs at least 3 failures, at half of the requests or more', () => {
    expect(edgeReportsErrors(undefined)).toBe(false);
    expect(edgeReportsErrors(stats(10, 0))).toBe(false);
    expect(edgeReportsErrors(stats(10, 4))).toBe(false);
    expect(edgeReportsErrors(stats(10, 5))).toBe(true);
    expect(edgeReportsErrors(stats(3, 3))).toBe(true);
    expect(edgeReportsErrors(stats(4, 2))).toBe(false);
  });

  it('counts failures with no request counted as all failures, still at least 3', () => {
    expect(edgeReportsErrors(stats(0, 2))).toBe(false);
    expect(edgeReportsErrors(stats(0, 3))).toBe(true);
  });

  it('a node the edge ejected while failing in this report is evidence, whatever the share', () => {
    // Three failures in a row may straddle two reports: 2 in the last one, 1 in this one.
    expect(edgeReportsErrors(stats(100, 1, 'ECONNREFUSED', true))).toBe(true);
  });

  it('an ejection with no failure in this report is old news, not evidence', () => {
    expect(edgeReportsErrors(stats(0, 0, undefined, true))).toBe(false);
  });
});

describe('passiveRecords', () => {
  it('counts the live edges reporting errors for each node, with the last error', () => {
    const edges: { nodes?: ReadonlyMap<string, EdgeNodeStats> }[] = [
      { nodes: new Map([['a', stats(4, 4, 'ECONNREFUSED')]]) },
      { nodes: new Map([['a', stats(3, 3, 'HTTP 503')], ['b', stats(9, 1)]]) },
      {},
    ];
    expect(Object.fromEntries(passiveRecords(['a', 'b'], edges))).toEqual({
      a: { edgesReportingErrors: 2, edgesLive: 3, lastError: 'HTTP 503' },
      b: { edgesReportingErrors: 0, edgesLive: 3 },
    });
  });

  it('one refused request in the only edge’s report makes no edge report errors', () => {
    expect(passiveRecords(['a'], [{ nodes: new Map([['a', stats(1, 1, 'ECONNREFUSED')]]) }]).get('a')).toEqual({ edgesReportingErrors: 0, edgesLive: 1 });
  });
});
