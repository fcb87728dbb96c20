/** GET /stats through the control plane's own bus and HTTP handler, time driven by the test's clock. */
import { afterEach, describe, expect, it } from 'vitest';
import { EDGE_EVENTS, EdgeReport, EdgeTraffic, LATENCY_BUCKETS, latencyBucket } from '@cdn/shared';
import { eventually, LEVEL, messages, RunningControlPlane, startControlPlane } from './testing/start-control-plane';

let cp: RunningControlPlane | undefined;
afterEach(async () => cp?.close());

function traffic(requests: number, hits: number, ms: number): EdgeTraffic {
  const latency = new Array<number>(LATENCY_BUCKETS).fill(0);
  latency[latencyBucket(ms)] = requests;
  return { requests, hits, bytesSent: requests * 1024, bytesReceived: 0, errors: 0, latency };
}

const report = (edgeId: string, extra: Partial<EdgeReport>): EdgeReport => ({ edgeId, revision: 1, reportedAt: Date.now(), startedAt: Date.now() - 60_000, ...extra });

async function stats(): Promise<any> {
  const answer = await cp!.call('GET', '/stats');
  expect(answer.status).toBe(200);
  return answer.body;
}

async function reportsCounted(result: string): Promise<number | undefined> {
  return (await cp!.registry.getSingleMetric('cdn_cp_stats_reports_total')!.get()).values.find((v) => v.labels.result === result)?.value;
}

describe('GET /stats', () => {
  it('sums the traffic edges report, per node and per edge, and lets it age out of each window', async () => {
    cp = await startControlPlane();
    cp.bus.events.publish(EDGE_EVENTS.report, report('edge-a', { traffic: { total: traffic(10, 5, 2), nodes: { node1: traffic(10, 5, 2) } } }));
    cp.bus.events.publish(EDGE_EVENTS.report, report('edge-b', { traffic: { total: traffic(30, 30, 0.4), nodes: { node2: traffic(30, 30, 0.4) } } }));
    await eventually(async () => (await stats()).windows['1m'].total.requests === 40);
    const { windows } = await stats();
    expect(windows['1m'].total).toMatchObject({ requests: 40, hits: 35, hit_ratio: 0.875, bytes_sent: 40 * 1024, errors: 0, error_ratio: 0 });
    expect(windows['1m'].nodes.node1).toMatchObject({ requests: 10, hit_ratio: 0.5 });
    expect(windows['1m'].edges['edge-b']).toMatchObject({ requests: 30, hit_ratio: 1 });
    // 30 requests of 0.25-0.5 ms and 10 of 1-2 ms: p50 is among the fast ones, p90 among the slow.
    expect(windows['1m'].total.latency_ms.p50).toBeCloseTo(0.25 + 0.25 * (20 / 30), 3);
    expect(windows['1m'].total.latency_ms.p90).toBeCloseTo(1 + (36 - 30) / 10, 3);
    expect(await reportsCounted('counted')).toBe(2);

    cp.clock.advance(65_000);
    const later = await stats();
    expect(later.windows['1m'].total.requests).toBe(0);
    expect(later.windows['5m'].total.requests).toBe(40);
    expect(later.windows['1h'].nodes.node1.requests).toBe(10);

    cp.clock.advance(60 * 60_000);
    const { windows: afterAnHour } = await stats();
    expect(afterAnHour['1h'].total.requests).toBe(0);
    expect(afterAnHour['1h'].nodes).toEqual({});
  });

  it('keeps an edge whose traffic it cannot read live, and warns once', async () => {
    cp = await startControlPlane();
    const bad = { ...report('edge-old', {}), traffic: { total: { ...traffic(1, 0, 1), latency: [1] } } };
    cp.bus.events.publish(EDGE_EVENTS.report, bad as EdgeReport);
    cp.bus.events.publish(EDGE_EVENTS.report, bad as EdgeReport);
    await eventually(async () => (await cp!.call('GET', '/edges')).body.edges.length === 1);
    const warnings = messages(cp.logs, LEVEL.warn).filter((m) => m.startsWith("Ignored the traffic in edge edge-old's reports"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/latency/);
    expect((await stats()).windows['1m'].total.requests).toBe(0);
    expect(await reportsCounted('absent')).toBe(2);
  });
});
