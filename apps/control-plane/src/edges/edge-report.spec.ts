import { describe, expect, it } from 'vitest';
import { LATENCY_BUCKETS } from '@cdn/shared';
import { parseEdgeReport } from './edge-report';

const base = { edgeId: 'edge-a', revision: 3, reportedAt: 1, startedAt: 0 };
const traffic = { requests: 2, hits: 1, bytesSent: 10, bytesReceived: 0, errors: 0, latency: new Array(LATENCY_BUCKETS).fill(0) };

describe('parseEdgeReport traffic', () => {
  it('accepts a report without traffic, as older edges send', () => {
    expect(parseEdgeReport(base)).toEqual({ ok: true, report: base });
  });

  it('keeps the traffic of a report, in total and per node', () => {
    const parsed = parseEdgeReport({ ...base, traffic: { total: traffic, nodes: { node1: traffic } } });
    expect(parsed).toEqual({ ok: true, report: { ...base, traffic: { total: traffic, nodes: { node1: traffic } } } });
  });

  it('keeps the report but drops traffic whose latency buckets are not ours, and says why', () => {
    const parsed = parseEdgeReport({ ...base, traffic: { total: { ...traffic, latency: [1, 2, 3] } } });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.report).toEqual(base);
    expect(parsed.trafficIssue).toMatch(/latency/);
  });

  it('drops traffic naming a node id no node may have', () => {
    const parsed = parseEdgeReport({ ...base, traffic: { total: traffic, nodes: { __proto__x: traffic, 'bad id': traffic } } });
    expect(parsed.ok && parsed.report.traffic).toBeUndefined();
  });
});
