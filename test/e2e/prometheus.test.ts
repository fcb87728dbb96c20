/**
 * A real Prometheus scrapes a split control plane and two split edges over a real nats-server. Known traffic goes
 * through each edge to a real origin node (misses, then hits of the same objects), and the PromQL a dashboard or
 * an alert would run gives back what was sent: the hit ratio, bytes, answers from nodes, routing revisions; a
 * node whose origin is stopped shows as down.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, post } from '../support/http';
import { Origin, startCacheableOrigin } from '../support/origin';
import { eventually } from '../support/ports';
import { RunningPrometheus, startPrometheus } from '../support/prometheus';
import { Running, startApp, startNats, stopAll } from '../support/processes';

type App = Running & { port: number; url: string };

/** The PromQL under test, as an operator would write it. */
export const PROMQL = {
  requests: 'sum(cdn_edge_requests_total)',
  hitRatio: 'sum(cdn_edge_requests_total{cache="HIT"}) / sum(cdn_edge_requests_total)',
  hitRatioByEdge: 'sum by (instance) (cdn_edge_requests_total{cache="HIT"}) / sum by (instance) (cdn_edge_requests_total)',
  sentBytes: 'sum(cdn_edge_sent_bytes_total)',
  hitBytes: 'sum(cdn_edge_sent_bytes_total{cache="HIT"})',
  upstreamAnswers: 'sum(cdn_edge_upstream_requests_total{status_class="2xx"})',
  upstreamTimed: 'sum(cdn_edge_upstream_duration_seconds_count)',
  routingRevision: 'max(cdn_cp_routing_revision)',
  edgesOnRevision: 'count(cdn_edge_routing_revision == scalar(max(cdn_cp_routing_revision)))',
  edgeLag: 'max(cdn_cp_edge_routing_lag)',
  nodeDown: (node: string) => `cdn_cp_node_up{node="${node}"} == 0`,
  nodeUp: (node: string) => `cdn_cp_node_up{node="${node}"} == 1`,
};

/** Distinct objects fetched through each edge: each is a miss once, then a hit HITS_EACH times. */
const OBJECTS = 5;
const HITS_EACH = 3;

describe('Prometheus scraping a control plane and two edges', () => {
  let prometheus: RunningPrometheus;
  let controlPlane: App;
  let edges: App[];
  let node1: Origin;
  let node2: Origin;
  /** What the clients received, per X-Cache. */
  const sent = { requests: 0, hits: 0, misses: 0, bytes: 0, hitBytes: 0 };

  /** The value of a one-sample query; undefined while it has none. */
  async function scalar(promql: string): Promise<number | undefined> {
    const samples = await prometheus.query(promql);
    return samples.length === 1 ? samples[0].value : undefined;
  }

  beforeAll(async () => {
    const nats = await startNats();
    node1 = await startCacheableOrigin('node1');
    node2 = await startCacheableOrigin('node2');
    controlPlane = await startApp('controlPlane', ['--nats-url', nats.url, '--health-interval', '1', '--unhealthy-threshold', '2', '--probe-timeout', '1', '--node-timeout', '600']);
    edges = [await startApp('edge', ['--nats-url', nats.url, '--edge-id', 'edge-a']), await startApp('edge', ['--nats-url', nats.url, '--edge-id', 'edge-b'])];
    for (const [id, origin] of [['node1', node1], ['node2', node2]] as const) {
      await post(`${controlPlane.url}/register_node`, { id, url: origin.url, location: 'Beijing', capacity: 100 });
    }
    // Both edges serve the table with both nodes before any traffic: no request of the test may fail.
    await eventually(async () => {
      const { body } = await get(`${controlPlane.url}/edges`);
      return body.edges.length === 2 && body.edges.every((edge: { revision: number }) => edge.revision === body.revision);
    }, 10_000);
    prometheus = await startPrometheus([
      { job: 'cdn-control-plane', targets: [`127.0.0.1:${controlPlane.port}`] },
      { job: 'cdn-edge', targets: edges.map((edge) => `127.0.0.1:${edge.port}`) },
    ]);

    for (const edge of edges) {
      for (let round = 0; round <= HITS_EACH; round++) {
        for (let i = 0; i < OBJECTS; i++) {
          const answer = await fetch(`${edge.url}/cdn/object-${i}.json`);
          const body = Buffer.from(await answer.arrayBuffer());
          expect(answer.status).toBe(200);
          const cache = answer.headers.get('x-cache');
          expect(cache).toBe(round === 0 ? 'MISS' : 'HIT');
          sent.requests += 1;
          sent.bytes += body.length;
          if (cache === 'HIT') {
            sent.hits += 1;
            sent.hitBytes += body.length;
          } else sent.misses += 1;
        }
      }
    }
    // Every request is in a scrape once Prometheus counts them all.
    await eventually(async () => (await scalar(PROMQL.requests)) === sent.requests, 20_000, 250);
  }, 60_000);

  afterAll(async () => {
    await stopAll();
    await node1?.close();
    await node2?.close();
  });

  it('computes the hit ratio of the traffic sent', async () => {
    expect(sent.hits).toBe(2 * OBJECTS * HITS_EACH);
    expect(await scalar(PROMQL.hitRatio)).toBeCloseTo(sent.hits / sent.requests, 10);
    const byEdge = await prometheus.query(PROMQL.hitRatioByEdge);
    expect(byEdge.map((sample) => sample.value)).toEqual([HITS_EACH / (HITS_EACH + 1), HITS_EACH / (HITS_EACH + 1)]);
  });

  it('counts the bytes sent to clients, by X-Cache', async () => {
    expect(await scalar(PROMQL.sentBytes)).toBe(sent.bytes);
    expect(await scalar(PROMQL.hitBytes)).toBe(sent.hitBytes);
  });

  it('counts and times one answer from a node per miss', async () => {
    expect(await scalar(PROMQL.upstreamAnswers)).toBe(sent.misses);
    expect(await scalar(PROMQL.upstreamTimed)).toBe(sent.misses);
  });

  it('shows every edge on the latest routing revision', async () => {
    const revision = (await get(`${controlPlane.url}/edges`)).body.revision;
    // Eventually: on a busy machine a scrape can outlast its 1 s timeout, and the series then stays stale until the next.
    await eventually(async () => (await scalar(PROMQL.routingRevision)) === revision, 10_000, 250);
    await eventually(async () => (await scalar(PROMQL.edgesOnRevision)) === 2, 10_000, 250);
    await eventually(async () => (await scalar(PROMQL.edgeLag)) === 0, 10_000, 250);
  });

  it('shows a node whose origin stopped as down, and the other up', async () => {
    await eventually(async () => (await scalar(PROMQL.nodeUp('node2'))) === 1, 10_000, 250);
    await node2.close();
    await eventually(async () => (await scalar(PROMQL.nodeDown('node2'))) === 0, 20_000, 250);
    await eventually(async () => (await scalar(PROMQL.nodeUp('node1'))) === 1, 10_000, 250);
    expect((await get(`${controlPlane.url}/nodes/node2`)).body.status).toBe('inactive');
  });
});
