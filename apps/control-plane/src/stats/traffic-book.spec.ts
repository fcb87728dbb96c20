import { describe, expect, it } from 'vitest';
import { type EdgeTraffic, LATENCY_BUCKETS, latencyBucket } from '@cdn/shared';
import { FORGET_AFTER_MS, TrafficBook } from './traffic-book';

// A round minute, so that slot boundaries fall where the tests say.
const T0 = Date.UTC(2026, 10, 29, 12, 0, 0);
const S = 1_000;

function traffic(requests: number, over: Partial<Omit<EdgeTraffic, 'latency'>> & { ms?: number } = {}): EdgeTraffic {
  const latency = new Array<number>(LATENCY_BUCKETS).fill(0);
  latency[latencyBucket(over.ms ?? 1)] = requests;
  return { requests, hits: over.hits ?? 0, bytesSent: over.bytesSent ?? 0, bytesReceived: over.bytesReceived ?? 0, errors: over.errors ?? 0, latency };
}

describe('TrafficBook windows', () => {
  it('sums reports in total, per node and per edge', () => {
    const book = new TrafficBook(T0);
    book.record(T0 + 1 * S, 'edge-a', { total: traffic(5, { hits: 3, bytesSent: 5_000, errors: 1 }), nodes: { n1: traffic(4, { hits: 3, bytesSent: 4_000 }) } });
    book.record(T0 + 3 * S, 'edge-b', { total: traffic(2, { bytesReceived: 100 }), nodes: { n1: traffic(1), n2: traffic(1) } });
    const { windows } = book.report(T0 + 4 * S);
    expect(windows['1m'].total).toMatchObject({ requests: 7, hits: 3, bytes_sent: 5_000, bytes_received: 100, errors: 1 });
    expect(windows['1m'].total.hit_ratio).toBeCloseTo(3 / 7, 4);
    expect(windows['1m'].total.error_ratio).toBeCloseTo(1 / 7, 4);
    expect(windows['1m'].nodes).toMatchObject({ n1: { requests: 5, hits: 3, bytes_sent: 4_000 }, n2: { requests: 1, hits: 0 } });
    expect(windows['1m'].edges).toMatchObject({ 'edge-a': { requests: 5, errors: 1 }, 'edge-b': { requests: 2 } });
    expect(windows['5m'].total.requests).toBe(7);
    expect(windows['1h'].total.requests).toBe(7);
  });

  it('drops traffic from the 1m window once it is more than a minute old, and from 5m after five', () => {
    const book = new TrafficBook(T0);
    book.record(T0 + 1 * S, 'edge-a', { total: traffic(10) });
    book.record(T0 + 61 * S, 'edge-a', { total: traffic(1) });
    let windows = book.report(T0 + 62 * S).windows;
    // The 1m window is the current 5-second slot and the 11 before it: [10 s, 62 s].
    expect(windows['1m'].total.requests).toBe(1);
    expect(windows['5m'].total.requests).toBe(11);
    windows = book.report(T0 + 301 * S).windows;
    expect(windows['5m'].total.requests).toBe(1);
    expect(windows['1h'].total.requests).toBe(11);
    windows = book.report(T0 + 60 * 60 * S + 1 * S).windows;
    // The 1h window is the current minute and the 59 before it: the first minute has gone.
    expect(windows['1h'].total.requests).toBe(1);
  });

  it('shows null ratios and percentiles for a window without requests', () => {
    const book = new TrafficBook(T0);
    book.record(T0, 'edge-a', { total: traffic(0) });
    const total = book.report(T0 + 1 * S).windows['1m'].total;
    expect(total).toEqual({ requests: 0, requests_per_second: 0, hits: 0, hit_ratio: null, bytes_sent: 0, bytes_received: 0, errors: 0, error_ratio: null, latency_ms: { p50: null, p90: null, p99: null } });
  });

  it('lists an edge that reports no traffic, with zeros', () => {
    const book = new TrafficBook(T0);
    book.record(T0, 'edge-idle', { total: traffic(0) });
    expect(book.report(T0 + S).windows['5m'].edges['edge-idle'].requests).toBe(0);
  });

  it('computes percentiles from the histograms merged across edges', () => {
    const book = new TrafficBook(T0);
    book.record(T0 + S, 'edge-a', { total: traffic(50, { ms: 0.8 }) });
    book.record(T0 + S, 'edge-b', { total: traffic(50, { ms: 180 }) });
    const { latency_ms } = book.report(T0 + 2 * S).windows['1m'].total;
    expect(latency_ms.p50).toBe(1);
    expect(latency_ms.p90).toBe(190);
    expect(latency_ms.p99).toBe(199);
  });

  it('divides requests by the seconds the window covers, or by the time since the start when younger', () => {
    const book = new TrafficBook(T0);
    book.record(T0 + 5 * S, 'edge-a', { total: traffic(100) });
    // 10 s after the start: the book has seen 10 s of the minute.
    expect(book.report(T0 + 10 * S).windows['1m'].total.requests_per_second).toBe(10);
    // 2 minutes in, at a slot boundary: 11 whole slots and the current one just begun (55 s).
    expect(book.report(T0 + 120 * S).windows['1m'].total.requests_per_second).toBe(0);
    book.record(T0 + 120 * S, 'edge-a', { total: traffic(110) });
    expect(book.report(T0 + 120 * S).windows['1m'].total.requests_per_second).toBe(2);
  });

  it('gives the last 5 minutes of totals in 5-second points, oldest first', () => {
    const book = new TrafficBook(T0);
    book.record(T0 + 7 * S, 'edge-a', { total: traffic(3, { hits: 2, bytesSent: 30, errors: 1, ms: 12 }) });
    book.record(T0 + 9 * S, 'edge-b', { total: traffic(1, { ms: 12 }) });
    const { series } = book.report(T0 + 12 * S);
    expect(series.interval_seconds).toBe(5);
    expect(series.points).toHaveLength(60);
    const last = series.points[59];
    expect(last.t).toBe(new Date(T0 + 10 * S).toISOString());
    expect(last.requests).toBe(0);
    expect(series.points[58]).toEqual({ t: new Date(T0 + 5 * S).toISOString(), requests: 4, hits: 2, bytes_sent: 30, errors: 1, p50_ms: 12.5, p99_ms: 14.95 });
    expect(series.points[0].t).toBe(new Date(T0 + 10 * S - 59 * 5 * S).toISOString());
  });
});

describe('TrafficBook memory', () => {
  it('forgets nodes and edges no report named for an hour', () => {
    const book = new TrafficBook(T0);
    book.record(T0, 'edge-a', { total: traffic(1), nodes: { gone: traffic(1) } });
    book.record(T0 + FORGET_AFTER_MS - S, 'edge-b', { total: traffic(1), nodes: { kept: traffic(1) } });
    expect(book.forget(T0 + FORGET_AFTER_MS)).toBe(2);
    const { windows } = book.report(T0 + FORGET_AFTER_MS);
    expect(Object.keys(windows['1h'].nodes)).toEqual(['kept']);
    expect(Object.keys(windows['1h'].edges)).toEqual(['edge-b']);
  });

  it('counts nodes beyond the cap in the total only', () => {
    const book = new TrafficBook(T0);
    const nodes: Record<string, EdgeTraffic> = {};
    for (let i = 0; i < 5_001; i++) nodes[`n${i}`] = traffic(1);
    const recorded = book.record(T0, 'edge-a', { total: traffic(5_001), nodes });
    expect(recorded.untrackedNodes).toBe(1);
    expect(book.trackedNodes).toBe(5_000);
    expect(book.report(T0 + S).windows['1m'].total.requests).toBe(5_001);
  });
});
