/** The stream's keep-alive and its cut-off of a page that stops reading, with short periods, over real sockets. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { Writable } from 'node:stream';
import { createLogger } from '@cdn/shared';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { openEventStream } from '../../../../test/support/event-stream';
import { eventually } from '../../../../test/support/ports';
import { newNode, type NodeState } from '../nodes/node-state';
import type { Stats, StatsReport } from '../stats/stats-report';
import { DashboardFeed } from './dashboard-feed';
import type { DashboardSources } from './dashboard-frames';

const NO_TRAFFIC: Stats = { requests: 0, requests_per_second: 0, hits: 0, hit_ratio: null, bytes_sent: 0, bytes_received: 0, errors: 0, error_ratio: null, latency_ms: { p50: null, p90: null, p99: null } };
const QUIET: StatsReport = {
  generated_at: new Date(0).toISOString(),
  windows: { '1m': { total: NO_TRAFFIC, nodes: {}, edges: {} }, '5m': { total: NO_TRAFFIC, nodes: {}, edges: {} }, '1h': { total: NO_TRAFFIC, nodes: {}, edges: {} } },
  series: { interval_seconds: 5, points: [] },
};

function sources(nodes: NodeState[]): DashboardSources {
  return {
    nodes: () => nodes,
    loads: () => new Map(),
    edges: () => ({ revision: 1, edges: [] }),
    cacheEnabled: () => true,
    replica: () => ({ self: 'cp-test', leader: true }),
    stats: () => QUIET,
    settings: { nodeTimeout: 10, healthyThreshold: 2, unhealthyThreshold: 3 },
    now: Date.now,
  };
}

const servers: { server: http.Server; feed: DashboardFeed }[] = [];
afterEach(async () => {
  for (const { server, feed } of servers.splice(0)) {
    feed.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function serve(feed: DashboardFeed): Promise<string> {
  const server = http.createServer((req, res) => feed.connect(req, res));
  servers.push({ server, feed });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

function logs(): { lines: string[]; logger: ReturnType<typeof createLogger> } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line).msg);
      done();
    },
  });
  return { lines, logger: createLogger({ name: 'control-plane', level: 'DEBUG', destination }) };
}

describe('DashboardFeed', () => {
  it('sends a comment line when nothing has changed for a while, so that nothing on the way closes the stream', async () => {
    const feed = new DashboardFeed(sources([]), logs().logger, new Registry(), { tickMs: 20, keepaliveMs: 150 });
    const stream = await openEventStream(await serve(feed));
    await stream.next((e) => e.name === 'snapshot', 2_000, 0);
    await eventually(() => stream.comments >= 2, 3_000);
    expect(stream.events.map((e) => e.name)).toEqual(['snapshot']);
    stream.close();
  });

  it('cuts off a page that stops reading, and goes on feeding the others', async () => {
    const nodes = Array.from({ length: 3000 }, (_, i) => newNode({ id: `node-${i}`, url: `http://10.0.${i >> 8}.${i & 255}:8080`, location: 'Region-1', capacity: 100 }, Date.now()));
    const { lines, logger } = logs();
    const registry = new Registry();
    // The whole table (some 600 KB) at every tick.
    const feed = new DashboardFeed(sources(nodes), logger, registry, { tickMs: 200, fullTableMs: 0, maxBufferedBytes: 1024 * 1024 });
    const url = new URL(await serve(feed));
    const reader = await openEventStream(url.href);
    const stalled = net.connect(Number(url.port), url.hostname);
    stalled.on('error', () => undefined);
    stalled.write(`GET / HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`);
    stalled.pause();

    await eventually(() => lines.some((line) => /^Cut off the dashboard of 127\.0\.0\.1: more than 1048576 bytes unread; it will reconnect$/.test(line)), 15_000);
    const disconnects = await registry.getSingleMetricAsString('cdn_cp_dashboard_disconnects_total');
    expect(disconnects, disconnects).toContain('cdn_cp_dashboard_disconnects_total{reason="slow"} 1');
    const seen = reader.events.length;
    await reader.next((e) => e.name === 'nodes', 5_000, seen);
    expect(feed.size).toBe(1);
    reader.close();
    stalled.destroy();
  }, 30_000);
});
