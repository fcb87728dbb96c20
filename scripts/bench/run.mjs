#!/usr/bin/env node
/**
 * `npm run bench`: our edge side by side with nginx proxy_cache, Varnish and a bare Node http+Map cache, all in
 * front of one origin, in one run. Each server is pinned to CPU 0 and wrk (with the origin, nats-server and the
 * control plane) to CPU 1; every scenario runs for every target in interleaved rounds (round r: scenario s:
 * each target in turn), so that the machine's drift touches all targets alike: only the ratios within a run
 * mean much. Then a miss storm per target, then the extra measurements (extras.mjs: routing cost by node count,
 * memory, propagation to 20 edges). Prints a table per scenario and writes bench/results/bench-*.json.
 * A script, never a timed test. See scenarios.mjs for what is left out for now.
 *
 *   npm run bench                    # 3 rounds of 5 s runs
 *   npm run bench -- --quick         # 1 round of 2 s runs
 *   npm run bench -- --rounds 5 --duration 10 --only all-in-one,split-edge --no-extras
 *   npm run bench -- --extras-only --extras memory,propagation
 *   npm run bench -- --baseline ../cdn-before --only all-in-one --no-extras   # another checkout's build, side by side
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkAndWarm } from './check.mjs';
import { runExtras } from './extras.mjs';
import { parseFlags, usage, UsageError } from './flags.mjs';
import { closeConnections } from './http.mjs';
import { ensurePrograms } from './install.mjs';
import { stopAll, stopLater } from './processes.mjs';
import { formatTables, saveResults, summarize } from './report.mjs';
import { SCENARIOS } from './scenarios.mjs';
import { runStorm } from './storm.mjs';
import { startAllInOne } from './targets/all-in-one.mjs';
import { startNginx } from './targets/nginx.mjs';
import { startNodeMap } from './targets/node-map.mjs';
import { startOrigin } from './targets/origin.mjs';
import { startSplitEdge } from './targets/split-edge.mjs';
import { startVarnish } from './targets/varnish.mjs';
import { runWrk } from './wrk.mjs';
import { machine } from './machine.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const RESULTS = path.join(ROOT, 'bench/results');
const BUILT = ['apps/all-in-one/dist/main.js', 'apps/control-plane/dist/main.js', 'apps/edge-proxy/dist/main.js'];

/** --baseline: the all-in-one of another built checkout (an earlier commit), measured in the same rounds as this one's. */
function baselineTarget(checkout) {
  const root = path.resolve(checkout);
  if (!fs.existsSync(path.join(root, BUILT[0]))) throw new UsageError(`--baseline: ${path.join(root, BUILT[0])} missing: run npm ci (or npm run build) in that checkout first`);
  return {
    name: 'baseline',
    start: async (context) => ({ ...(await startAllInOne({ ...context, root, name: 'baseline' })), label: `all-in-one of ${checkout}` }),
  };
}

/** In table order; nginx first: every ratio is to it. */
const TARGETS = [
  { name: 'nginx', start: startNginx },
  { name: 'varnish', start: startVarnish },
  { name: 'node-map', start: startNodeMap },
  { name: 'all-in-one', start: startAllInOne },
  { name: 'split-edge', start: startSplitEdge },
];

let runDir;
let started = [];
let interrupted = false;

async function cleanUp({ keepDir }) {
  for (const target of started) target.stop?.();
  closeConnections();
  await stopAll();
  if (runDir && !keepDir) fs.rmSync(runDir, { recursive: true, force: true });
}

/** The targets --only names (nginx always: every ratio is to it); Varnish only when it could be installed. */
function chooseTargets(only) {
  const names = only ? only.split(',').map((s) => s.trim()) : null;
  const unknown = names?.filter((name) => !TARGETS.some((t) => t.name === name)) ?? [];
  if (unknown.length > 0) throw new UsageError(`--only: unknown target ${unknown.join(', ')}; one of ${TARGETS.map((t) => t.name).join(', ')}`);
  return TARGETS.filter((t) => t.name === 'nginx' || !names || names.includes(t.name));
}

async function countAll(origin, paths) {
  let total = 0;
  for (const urlPath of paths) total += await origin.count(urlPath);
  return total;
}

async function main() {
  const options = parseFlags(process.argv.slice(2));
  if (options.help) return console.log(usage());
  const wanted = options['extras-only'] ? [] : chooseTargets(options.only);
  if (options.baseline && wanted.length > 0) wanted.push(baselineTarget(options.baseline));
  const missing = BUILT.filter((file) => !fs.existsSync(path.join(ROOT, file)));
  if (missing.length > 0) throw new Error(`${missing.join(', ')} missing: run npm run build first`);
  const { varnish, notes } = await ensurePrograms({ withVarnish: wanted.some((t) => t.name === 'varnish') });
  const chosen = wanted.filter((t) => t.name !== 'varnish' || varnish);

  const pinning = os.availableParallelism() >= 2;
  if (!pinning) notes.push('fewer than 2 CPUs: nothing pinned, servers and wrk share the CPU');
  const cpu = pinning ? 0 : undefined;
  const loadCpu = pinning ? 1 : undefined;

  runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdn-bench-'));
  console.log(`bench: run directory ${runDir}`);
  const origin = await startOrigin({ dir: runDir, cpu: loadCpu });
  const stopTargets = stopLater();
  for (const { name, start } of chosen) {
    const target = await start({ dir: runDir, cpu, loadCpu, origin, root: ROOT }).catch((err) => {
      throw new Error(`${name}: did not start: ${err.message}`);
    });
    started.push(target);
    await checkAndWarm(target, SCENARIOS, origin);
    console.log(`bench: ${target.label} ready at ${target.base}${target.prefix}`);
  }

  const hitPaths = [...new Set(SCENARIOS.filter((s) => s.hit).map((s) => s.path))];
  const originHitsBefore = await countAll(origin, hitPaths);
  const runs = [];
  const total = options.rounds * SCENARIOS.length * started.length;
  for (let round = 0; round < options.rounds; round++) {
    for (const scenario of SCENARIOS) {
      // Each round starts with the next target, so that none is always first after a change of scenario.
      const order = started.map((_, i) => started[(i + round) % started.length]);
      for (const target of order) {
        const url = `${target.base}${target.prefix}${scenario.path}`;
        const result = await runWrk({ url, connections: scenario.connections, seconds: options.duration, script: scenario.script, cpu: loadCpu });
        runs.push({ round: round + 1, scenario: scenario.id, target: target.name, ...result });
        console.log(`bench: [${runs.length}/${total}] round ${round + 1} ${scenario.id.padEnd(9)} ${target.name.padEnd(11)} ${result.rps.toFixed(0).padStart(7)} req/s`);
      }
    }
  }

  // A hit scenario that reached the origin while measuring was not measuring hits (an entry expired or was evicted).
  const originHitsDuring = (await countAll(origin, hitPaths)) - originHitsBefore;
  if (originHitsDuring > 0) notes.push(`the hit paths reached the origin ${originHitsDuring} times while measuring (0 expected): some "hits" were misses`);

  const storms = [];
  for (const target of started) storms.push({ target: target.name, label: target.label, ...(await runStorm(target, origin, options['storm-clients'])) });

  // The extras start servers of their own: the comparison's would only take CPU from them and probe the origin.
  for (const target of started) target.stop?.();
  await stopTargets();
  const extras = await runExtras(options.extras, { dir: runDir, cpu, loadCpu, origin, root: ROOT, options });

  const summary = summarize(SCENARIOS, started, runs);
  if (started.length > 0) console.log(formatTables(summary, storms, options));
  if (extras.text) console.log(extras.text);
  for (const note of notes) console.log(`note: ${note}`);
  const file = saveResults(RESULTS, { date: new Date().toISOString(), machine: machine(), options, pinning: { servers: cpu, load: loadCpu }, notes, originHitsDuring, summary, storms, runs, extras: extras.results });
  console.log(`\nbench: results in ${path.relative(ROOT, file)}`);
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    interrupted = true;
    console.error(`\nbench: ${signal}: stopping every server`);
    await cleanUp({ keepDir: false });
    process.exit(130);
  });
}

main().then(
  async () => {
    await cleanUp({ keepDir: parseFlags(process.argv.slice(2)).keep });
  },
  async (err) => {
    if (interrupted) return; // the signal handler stops everything and exits
    console.error(`bench: ${err.message}`);
    if (runDir) console.error(`bench: logs kept in ${runDir}`);
    await cleanUp({ keepDir: true });
    process.exit(err instanceof UsageError ? 2 : 1);
  },
);
