/**
 * Routing cost: our all-in-one server with 10, 1,000 and 10,000 nodes registered, measured on cache hits and on
 * forwarding (no-store) with the comparison's wrk settings. A ratio near 1 to the 10-node figure means the cost of
 * a request does not grow with the table.
 *
 * Every node is the one origin under a base path of its own (/node/<id>, which the origin strips), written to the
 * server's --nodes-file: registering 10,000 nodes through the admin API takes about 40 s and measures
 * registration, not routing. The nodes send no heartbeats, so --node-timeout 86400 keeps them active, and
 * --health-interval 3600 puts the first probe round an hour after start: probing 10,000 nodes every 5 s would
 * load the origin and, in the all-in-one server, the very CPU being measured. So no probe runs while measuring.
 * The three servers run at once on the server CPU and the rounds take them in turn, as the comparison does.
 */
import { checkAndWarm } from './check.mjs';
import { summarize } from './report.mjs';
import { MiB, rss } from './rss.mjs';
import { SCENARIOS } from './scenarios.mjs';
import { startAllInOne } from './targets/all-in-one.mjs';
import { runWrk } from './wrk.mjs';

const NODE_COUNTS = [10, 1_000, 10_000];
const MEASURED = SCENARIOS.filter((s) => s.id === 'hit-1k' || s.id === 'pass-1k');
const QUIET = ['--node-timeout', '86400', '--health-interval', '3600'];

/** A nodes file of `count` active nodes, all of them `origin` under /node/<id>. */
function nodesOn(origin, count) {
  const now = new Date().toISOString();
  const ids = Array.from({ length: count }, (_, i) => `n${String(i).padStart(5, '0')}`);
  return Object.fromEntries(ids.map((id) => [id, { url: `${origin.url}/node/${id}`, location: 'bench', capacity: 100, heartbeat_interval: 10, last_heartbeat: now, is_active: true, fail_count: 0, current_load: 0 }]));
}

export async function measureRoutingCost({ dir, cpu, loadCpu, origin, root, options }) {
  const servers = [];
  for (const count of NODE_COUNTS) {
    const target = await startAllInOne({ dir, cpu, origin, root, name: `routing-${count}`, flags: QUIET, nodes: nodesOn(origin, count) });
    await checkAndWarm(target, MEASURED, origin);
    servers.push({ ...target, count, label: String(count), rssMiB: rss(target.pid) / MiB });
  }
  const wrk = (server, scenario, seconds) => runWrk({ url: `${server.base}/cdn${scenario.path}`, connections: scenario.connections, seconds, cpu: loadCpu });
  // A Node server's first seconds under load go to compiling its hot paths: one unmeasured second each first.
  for (const server of servers) for (const scenario of MEASURED) await wrk(server, scenario, 1);
  const probesBefore = await origin.count('/health');
  const runs = [];
  for (let round = 0; round < options.rounds; round++) {
    for (const scenario of MEASURED) {
      for (const server of servers.map((_, i) => servers[(i + round) % servers.length])) {
        const result = await wrk(server, scenario, options.duration);
        runs.push({ round: round + 1, scenario: scenario.id, target: server.name, ...result });
        console.log(`bench: routing round ${round + 1} ${scenario.id.padEnd(8)} ${server.label.padStart(5)} nodes ${result.rps.toFixed(0).padStart(7)} req/s`);
      }
    }
  }
  const summary = summarize(MEASURED, servers, runs).map(({ rows, ...scenario }) => ({
    ...scenario,
    rows: rows.map(({ ratioToNginx: _none, ...row }) => ({ ...row, ratioTo10: row.rps / rows[0].rps })),
  }));
  const probesWhileMeasuring = (await origin.count('/health')) - probesBefore;
  return { probesWhileMeasuring, rssMiB: Object.fromEntries(servers.map((s) => [s.count, Math.round(s.rssMiB)])), summary, runs };
}

export function formatRoutingCost({ summary, rssMiB, probesWhileMeasuring }, { rounds, duration }) {
  const lines = [];
  for (const { title, connections, rows } of summary) {
    lines.push('', `routing cost, ${title}: our all-in-one with N nodes registered (wrk -c${connections}, ${rounds} × ${duration} s, medians)`);
    lines.push(`  ${'nodes'.padStart(6)} ${'req/s'.padStart(9)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'× 10 nodes'.padStart(11)}`);
    for (const row of rows) {
      lines.push(`  ${row.label.padStart(6)} ${row.rps.toFixed(0).padStart(9)} ${row.p50Ms.toFixed(2).padStart(8)} ${row.p99Ms.toFixed(2).padStart(8)} ${row.ratioTo10.toFixed(2).padStart(11)}`);
    }
  }
  lines.push('  × 10 nodes: req/s against the 10-node server (1.00: the cost of a request does not grow with the nodes)');
  lines.push(`  RSS after warming: ${Object.entries(rssMiB).map(([count, mib]) => `${count} nodes ${mib} MiB`).join(', ')}`);
  lines.push(`  health probes that reached the origin while measuring: ${probesWhileMeasuring} (--health-interval 3600)`);
  return lines.join('\n');
}
