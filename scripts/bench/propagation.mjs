/**
 * Propagation: the time from a node registration, the moment the control plane's 200 reaches the runner, to 20
 * split edges having applied the routing revision that holds it. A real nats-server (JetStream), one control
 * plane and 20 edge processes, light (1 MiB caches), unpinned: nothing else runs meanwhile. Registrations go one
 * at a time, each once every edge has applied the previous one.
 *
 * "Applied" is read from each edge's own log: the line "Applied routing revision R: K nodes, ..." is written by
 * the code that has just swapped the table in (where cdn_edge_routing_revision is set), stamped with the edge's
 * clock, which on one machine is the runner's. It costs the edges nothing and is exact to the millisecond of the
 * stamp however late the runner reads it; polling 20 edges' /metrics would load the two CPUs the edges need and
 * round each time up to the polling period, and a NATS watch of the runner's own would time NATS, not the edges.
 * The node count K tells which registration a line belongs to (every registration adds one node). Times are
 * also given from the POST sent: the control plane answers once the node is stored and publishes the routing
 * change meanwhile, so an edge may apply it a few milliseconds before the answer reaches the runner (a negative
 * time from the answer).
 * --node-timeout 86400 and --health-interval 3600 keep the registered nodes, which send no heartbeats, from
 * changing status (and the routing table) while measuring.
 */
import fs from 'node:fs';
import { request } from './http.mjs';
import { waitUntil } from './processes.mjs';
import { registerOrigin } from './targets/register-origin.mjs';
import { startControlPlane, startEdge, startNats } from './targets/split-edge.mjs';

const EDGES = 20;
const APPLIED = /^(\S+) INFO\s+\S+: Applied routing revision (\d+): (\d+) nodes/gm;

/** Nearest-rank percentile of `values` (0-100). */
function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** The time each edge's log says it applied the first table of `nodes` nodes, or undefined for an edge that has not. */
function appliedAt(edges, nodes) {
  return edges.map((edge) => {
    for (const [, time, , count] of fs.readFileSync(edge.logFile, 'utf8').matchAll(APPLIED)) if (Number(count) === nodes) return Date.parse(time);
    return undefined;
  });
}

export async function measurePropagation({ dir, origin, root, options }) {
  const samples = options.quick ? 10 : 30;
  const natsUrl = await startNats({ dir, name: 'propagation.nats-server' });
  const control = await startControlPlane({ dir, root, natsUrl, name: 'propagation.control-plane', flags: ['--node-timeout', '86400', '--health-interval', '3600'] });
  const stopHeartbeats = await registerOrigin(control.base, origin, control.proc);
  const edges = await Promise.all(
    Array.from({ length: EDGES }, (_, i) => {
      const name = `propagation.edge-${String(i + 1).padStart(2, '0')}`;
      return startEdge({ dir, root, natsUrl, name, edgeId: name, flags: ['--cache-max-bytes', '1MiB'] });
    }),
  );
  const registrations = [];
  for (let i = 0; i < samples; i++) {
    const id = `propagation-${i}`;
    const sentAt = Date.now();
    const answer = await request(`${control.base}/register_node`, { method: 'POST', json: { id, url: `${origin.url}/node/${id}`, location: 'bench', capacity: 100 } });
    const answeredAt = Date.now();
    if (answer.status !== 200 && answer.status !== 201) throw new Error(`propagation: registering ${id} answered ${answer.status}: ${answer.body}`);
    const nodes = i + 2; // the origin, and this registration's node with those before it
    let times;
    await waitUntil(`${EDGES} edges applying the registration of ${id}`, async () => (times = appliedAt(edges, nodes)).every((t) => t !== undefined), { timeoutMs: 30_000, proc: control.proc });
    registrations.push({ id, postMs: answeredAt - sentAt, edgeMs: times.map((t) => t - answeredAt) });
  }
  stopHeartbeats();
  const all = registrations.map((r) => Math.max(...r.edgeMs));
  const allFromSent = registrations.map((r) => r.postMs + Math.max(...r.edgeMs));
  const each = registrations.flatMap((r) => r.edgeMs);
  const spread = (values) => ({ p50: percentile(values, 50), p99: percentile(values, 99), min: Math.min(...values), max: Math.max(...values) });
  return { edges: EDGES, samples, allEdgesMs: spread(all), allEdgesFromSentMs: spread(allFromSent), eachEdgeMs: spread(each), postMs: spread(registrations.map((r) => r.postMs)), registrations };
}

const row = (what, { p50, p99, min, max }) => `  ${what.padEnd(34)} ${String(p50).padStart(6)} ${String(p99).padStart(6)} ${String(min).padStart(6)} ${String(max).padStart(6)}`;

export function formatPropagation({ edges, samples, allEdgesMs, allEdgesFromSentMs, eachEdgeMs, postMs }) {
  return [
    '',
    `propagation: node registration → ${edges} split edges applied it (${samples} registrations; one nats-server, one control plane; ms, from the edges' log stamps)`,
    `  ${''.padEnd(34)} ${'p50'.padStart(6)} ${'p99'.padStart(6)} ${'min'.padStart(6)} ${'max'.padStart(6)}`,
    row(`POST answered → all ${edges} edges`, allEdgesMs),
    row(`POST sent → all ${edges} edges`, allEdgesFromSentMs),
    row('POST answered → each edge', eachEdgeMs),
    row('POST sent → answered', postMs),
  ].join('\n');
}
