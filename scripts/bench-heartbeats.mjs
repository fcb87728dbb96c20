#!/usr/bin/env node
/**
 * Heartbeats at scale in the split deployment: starts its own nats-server (JetStream, temp dir, free port), a
 * probe target for the nodes' /health, and control-plane replicas (the built program, `npm run build` first);
 * registers --nodes nodes (spread over the replicas, --concurrency at a time; each heartbeats from then on, as a
 * real node would, unmeasured), then sends every node a heartbeat every --interval seconds for --seconds seconds,
 * evenly paced and spread over the replicas on keep-alive connections, and measures that. Prints and saves (bench/results/heartbeats-<timestamp>.json): heartbeats sent, achieved rate,
 * errors, latency and pacing lag, CPU% and RSS of each replica (and which one led) and of nats-server, and the
 * nodes by status at the end (none may be inactive). Exits 1 when errors, an inactive node or a rate short of
 * the target say the load was not sustained.
 *
 *   npm run bench:heartbeats                      # 10,000 nodes, every 10 s, 30 s, 2 replicas
 *   npm run bench:heartbeats -- --seconds 60 --with-load --cpu-prof
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CONTROL_PLANE = path.join(ROOT, 'apps/control-plane/dist/main.js');
const PROBE_TARGET = path.join(ROOT, 'scripts/demo-origin.mjs');
const RESULTS = path.join(ROOT, 'bench/results');
/** Heartbeats in flight at once: past it, the pacing waits (and the lag shows it). */
const MAX_IN_FLIGHT = 1_024;

/** Every flag the script takes: name, default, accepted range, meaning. */
const FLAGS = [
  { name: 'seconds', value: 30, min: 1, max: 86_400, help: 'length of the heartbeat phase' },
  { name: 'nodes', value: 10_000, min: 1, max: 1_000_000, help: 'nodes registered, each heartbeating' },
  { name: 'interval', value: 10, min: 1, max: 3_600, help: 'seconds between two heartbeats of one node' },
  { name: 'replicas', value: 2, min: 1, max: 9, help: 'control-plane replicas' },
  { name: 'node-timeout', value: 30, min: 1, max: 86_400, help: "the replicas' --node-timeout (three heartbeat intervals)" },
  { name: 'health-interval', value: 5, min: 1, max: 86_400, help: "the replicas' --health-interval (the leader probes every node this often)" },
  { name: 'concurrency', value: 64, min: 1, max: 4_096, help: 'registrations in flight at once' },
  { name: 'with-load', value: false, help: 'heartbeats carry a changing {"current_load"} (edges then get every change)' },
  { name: 'cpu-prof', value: false, help: 'run the replicas with --cpu-prof; profiles are kept in the run directory' },
];

function parseFlags(argv) {
  const options = Object.fromEntries(FLAGS.map((f) => [f.name, f.value]));
  for (let i = 0; i < argv.length; i++) {
    const flag = FLAGS.find((f) => `--${f.name}` === argv[i]);
    if (argv[i] === '--help') {
      console.log(FLAGS.map((f) => `  --${f.name.padEnd(16)} ${f.help}${typeof f.value === 'number' ? ` (default ${f.value}, ${f.min}-${f.max})` : ''}`).join('\n'));
      process.exit(0);
    }
    if (!flag) fail(`unknown option ${argv[i]}; --help lists them`);
    if (typeof flag.value === 'boolean') {
      options[flag.name] = true;
      continue;
    }
    const text = argv[++i];
    const value = Number(text);
    if (!Number.isInteger(value) || value < flag.min || value > flag.max) fail(`--${flag.name} must be an integer ${flag.min}-${flag.max}, got "${text ?? ''}"`);
    options[flag.name] = value;
  }
  return options;
}

function fail(message) {
  console.error(`bench-heartbeats: ${message}`);
  process.exit(2);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer().on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(what, check, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await sleep(100);
  }
}

const listening = (port) =>
  new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => resolve(socket.destroy() || true));
    socket.once('error', () => resolve(false));
  });

/** A child process whose output goes to a log file of the run directory. */
function run(name, command, args, { dir, env = {} }) {
  const log = fs.openSync(path.join(dir, `${name}.log`), 'a');
  const child = spawn(command, args, { cwd: dir, env: { ...process.env, ...env }, stdio: ['ignore', log, log] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return { name, child, exited, log: path.join(dir, `${name}.log`) };
}

async function stop(proc) {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  proc.child.kill('SIGTERM');
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), 10_000);
  await proc.exited;
  clearTimeout(timer);
}

/** One request on a keep-alive agent: status, body text, milliseconds. */
function request(agent, port, method, urlPath, body) {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const started = performance.now();
  return new Promise((resolve) => {
    const req = http.request(
      { host: '127.0.0.1', port, method, path: urlPath, agent, headers: payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {} },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode, text, ms: performance.now() - started }));
        res.on('error', (err) => resolve({ status: 0, text: err.message, ms: performance.now() - started }));
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error('no answer within 30 s')));
    req.on('error', (err) => resolve({ status: 0, text: err.message, ms: performance.now() - started }));
    req.end(payload);
  });
}

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat. */
function cpuSeconds(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may hold spaces: fields are counted after its closing parenthesis (field 3 is the first).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** Resident memory now and at its peak, in MB, from /proc/<pid>/status. */
function memoryMb(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: Math.round(kb('VmRSS') / 1024), peak: Math.round(kb('VmHWM') / 1024) };
}

/**
 * A node heartbeats from its registration on, as a real one would: while the others register, each registered
 * node gets a beat every interval (not measured), so that none is late when the even schedule starts.
 */
function keepAlive(replicas, options) {
  const intervalMs = options.interval * 1000;
  let queue = [];
  let running = true;
  let inFlight = 0;
  let failures = 0;
  const loop = (async () => {
    while (running) {
      const now = performance.now();
      let taken = 0;
      // Due times only grow along the queue: every entry is pushed as now + interval.
      while (taken < queue.length && queue[taken].due <= now && inFlight < MAX_IN_FLIGHT) {
        const { i } = queue[taken++];
        inFlight++;
        const replica = replicas[i % replicas.length];
        void request(replica.agent, replica.port, 'POST', `/heartbeat/hb-${i}`).then((answer) => {
          inFlight--;
          if (answer.status !== 200) failures++;
          if (running) queue.push({ i, due: performance.now() + intervalMs });
        });
      }
      queue = queue.slice(taken);
      await sleep(20);
    }
  })();
  return {
    add: (i) => queue.push({ i, due: performance.now() + intervalMs }),
    async stop() {
      running = false;
      await loop;
      while (inFlight > 0) await sleep(10);
      return failures;
    },
  };
}

/** Self time by function of the samples of a .cpuprofile taken between two monotonic times (µs). */
function summarizeProfile(file, fromUs, toUs) {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  let at = profile.startTime;
  let sampled = 0;
  let idle = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (at < fromUs || at > toUs) continue;
    const { functionName, url, lineNumber } = nodes.get(profile.samples[i]).callFrame;
    sampled += delta;
    if (functionName === '(idle)') {
      idle += delta;
      continue;
    }
    const where = url ? `${url.replace(/^file:\/\//, '').replace(`${ROOT}/`, '')}:${lineNumber + 1}` : 'native';
    const key = `${functionName || '(anonymous)'}\u0000${where}`;
    self.set(key, (self.get(key) ?? 0) + delta);
  }
  const busy = sampled - idle;
  const top = [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 25)
    .map(([key, us]) => {
      const [fn, where] = key.split('\u0000');
      return { function: fn, where, self_seconds: Math.round(us / 1e4) / 100, percent_of_busy: Math.round((us / busy) * 1000) / 10 };
    });
  return { sampled_seconds: Math.round(sampled / 1e4) / 100, busy_seconds: Math.round(busy / 1e4) / 100, top };
}

/** What grew between two metricSums, leaving out what did not. */
function difference(after, before) {
  return Object.fromEntries(Object.entries(after).flatMap(([key, value]) => (value - (before[key] ?? 0) ? [[key, value - (before[key] ?? 0)]] : [])));
}

function percentile(sorted, q) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN;
}

/** Sums of the samples of a Prometheus metric, by the labels given. */
function metricSums(text, name) {
  const sums = {};
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-z_]+)(\{[^}]*\})? ([0-9.e+-]+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    sums[(match[2] ?? '{all}').slice(1, -1).replace(/"/g, '')] = Number(match[3]);
  }
  return sums;
}

async function main() {
  const options = parseFlags(process.argv.slice(2));
  if (!fs.existsSync(CONTROL_PLANE)) fail(`${path.relative(ROOT, CONTROL_PLANE)} is missing: run npm run build first`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdn-bench-heartbeats-'));
  const processes = [];
  const started = new Date();
  try {
    // NATS, and a target that answers the leader's probes of every node.
    const natsPort = await freePort();
    const nats = run('nats-server', 'nats-server', ['-a', '127.0.0.1', '-p', String(natsPort), '-js', '-sd', path.join(dir, 'jetstream')], { dir });
    const probePort = await freePort();
    const probeTarget = run('probe-target', process.execPath, [PROBE_TARGET], { dir, env: { HOST: '127.0.0.1', PORT: String(probePort) } });
    processes.push(nats, probeTarget);
    await waitFor('nats-server listening', () => listening(natsPort));
    await waitFor('probe target listening', () => listening(probePort));

    const replicas = [];
    for (let i = 0; i < options.replicas; i++) {
      const id = `bench-${String.fromCharCode(97 + i)}`;
      const port = await freePort();
      const nodeArgs = options['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-name', `${id}.cpuprofile`] : [];
      const args = [
        ...nodeArgs, CONTROL_PLANE,
        '--host', '127.0.0.1', '--port', String(port), '--nats-url', `nats://127.0.0.1:${natsPort}`, '--replica-id', id,
        '--node-timeout', String(options['node-timeout']), '--health-interval', String(options['health-interval']),
        '--max-nodes', String(options.nodes), '--log-file', '-',
      ];
      const proc = run(id, process.execPath, args, { dir });
      processes.push(proc);
      // FIFO keeps every socket busy: an idle one past the replica's --keepalive-timeout (5 s) would be closed under a request.
      replicas.push({ id, port, proc, agent: new http.Agent({ keepAlive: true, maxSockets: 64, scheduling: 'fifo' }) });
    }
    for (const replica of replicas) await waitFor(`${replica.id} ready (see ${replica.proc.log})`, async () => (await request(replica.agent, replica.port, 'GET', '/readyz')).status === 200, 60_000);
    const leaderNow = async () => JSON.parse((await request(replicas[0].agent, replicas[0].port, 'GET', '/cluster')).text).leader;
    await waitFor('a leader', async () => Boolean(await leaderNow()));
    console.log(`nats-server on ${natsPort}, ${replicas.length} replicas (${replicas.map((r) => `${r.id} on ${r.port}`).join(', ')}); run directory ${dir}`);

    // Registration, spread over the replicas, retried on refusal.
    const node = (i) => ({ id: `hb-${i}`, url: `http://127.0.0.1:${probePort}`, location: `region-${i % 50}`, capacity: 100, heartbeat_interval: options.interval });
    const registration = { ms: 0, refused: 0, samples: [] };
    const keeper = keepAlive(replicas, options);
    const fillStarted = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        for (let i = next++; i < options.nodes; i = next++) {
          for (let attempt = 0; ; attempt++) {
            const replica = replicas[(i + attempt) % replicas.length];
            const answer = await request(replica.agent, replica.port, 'POST', '/register_node', node(i));
            registration.samples.push(answer.ms);
            if (answer.status === 200) {
              keeper.add(i);
              break;
            }
            registration.refused++;
            if (attempt >= 4) throw new Error(`registering hb-${i} failed 5 times; last answer ${answer.status} ${answer.text.slice(0, 200)}`);
          }
        }
      }),
    );
    registration.ms = performance.now() - fillStarted;
    for (const replica of replicas) {
      await waitFor(`${replica.id} lists ${options.nodes} nodes`, async () => JSON.parse((await request(replica.agent, replica.port, 'GET', '/nodes')).text).nodes.length === options.nodes, 60_000);
    }
    const keeperFailures = await keeper.stop();
    if (keeperFailures > 0) console.log(`${keeperFailures} heartbeats sent while registering failed`);
    const registrationSorted = registration.samples.sort((a, b) => a - b);
    console.log(
      `${options.nodes} nodes registered in ${(registration.ms / 1000).toFixed(1)} s (${Math.round(options.nodes / (registration.ms / 1000))}/s, ${options.concurrency} at a time, ` +
        `p50 ${percentile(registrationSorted, 0.5).toFixed(1)} ms, p99 ${percentile(registrationSorted, 0.99).toFixed(1)} ms, ${registration.refused} refused and retried)`,
    );

    // Heartbeats: beat j is node j % N's, due at j × interval / N; a node's beats alternate between the replicas.
    const total = Math.round((options.nodes * options.seconds) / options.interval);
    const spacingMs = (options.interval * 1000) / options.nodes;
    const latencies = new Float64Array(total);
    const sentTo = new Uint8Array(total);
    const lags = new Float64Array(total);
    const errors = new Map();
    let errorCount = 0;
    let inFlight = 0;
    let freed;
    const scrape = async (replica) => (await request(replica.agent, replica.port, 'GET', '/metrics')).text;
    const metricsBefore = await Promise.all(replicas.map(scrape));
    const cpuBefore = [...replicas.map((r) => cpuSeconds(r.proc.child.pid)), cpuSeconds(nats.child.pid)];
    const beatsStarted = performance.now();
    const monotonicFrom = process.hrtime.bigint() / 1000n;
    const pending = [];
    for (let j = 0; j < total; ) {
      const now = performance.now();
      const due = beatsStarted + j * spacingMs;
      if (due > now) {
        await sleep(Math.min(due - now, 5));
        continue;
      }
      if (inFlight >= MAX_IN_FLIGHT) {
        await new Promise((resolve) => (freed = resolve));
        continue;
      }
      const beat = j++;
      const id = beat % options.nodes;
      const replica = replicas[(id + Math.floor(beat / options.nodes)) % replicas.length];
      lags[beat] = now - due;
      sentTo[beat] = replicas.indexOf(replica);
      inFlight++;
      const body = options['with-load'] ? { current_load: Math.floor(Math.random() * 100) } : undefined;
      pending.push(
        request(replica.agent, replica.port, 'POST', `/heartbeat/hb-${id}`, body).then((answer) => {
          latencies[beat] = answer.ms;
          inFlight--;
          freed?.();
          freed = undefined;
          if (answer.status === 200) return;
          errorCount++;
          const reason = `${answer.status} ${answer.text.slice(0, 160)}`;
          errors.set(reason, (errors.get(reason) ?? 0) + 1);
        }),
      );
      // Yield now and then, so that answers are read while beats are due back to back.
      if (beat % 64 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(pending);
    const elapsed = (performance.now() - beatsStarted) / 1000;
    const monotonicTo = process.hrtime.bigint() / 1000n;
    const cpuAfter = [...replicas.map((r) => cpuSeconds(r.proc.child.pid)), cpuSeconds(nats.child.pid)];
    const cpuPercent = cpuAfter.map((after, i) => Math.round(((after - cpuBefore[i]) / elapsed) * 1000) / 10);

    const ms = (v) => Math.round(v * 10) / 10;
    const leader = await leaderNow();
    const sortedLatency = Array.from(latencies).sort((a, b) => a - b);
    const sortedLag = Array.from(lags).sort((a, b) => a - b);
    const latencyOf = (sorted) => ({ p50: ms(percentile(sorted, 0.5)), p99: ms(percentile(sorted, 0.99)), max: ms(sorted.at(-1)) });
    // The slowest answer of each second of the phase: periodic stalls show as a rhythm.
    const slowestBySecond = Array.from({ length: Math.ceil(options.seconds) }, () => 0);
    for (let j = 0; j < total; j++) {
      const second = Math.min(slowestBySecond.length - 1, Math.floor((j * spacingMs) / 1000));
      slowestBySecond[second] = Math.max(slowestBySecond[second], Math.round(latencies[j]));
    }
    const byReplica = [];
    for (const [i, replica] of replicas.entries()) {
      const nodes = JSON.parse((await request(replica.agent, replica.port, 'GET', '/nodes')).text).nodes;
      const statuses = {};
      for (const n of nodes) statuses[n.status] = (statuses[n.status] ?? 0) + 1;
      const metrics = await scrape(replica);
      const during = (name) => difference(metricSums(metrics, name), metricSums(metricsBefore[i], name));
      byReplica.push({
        id: replica.id,
        leader: replica.id === leader,
        latency_ms: latencyOf(Array.from(latencies.filter((_, j) => sentTo[j] === i)).sort((a, b) => a - b)),
        cpu_percent: cpuPercent[i],
        memory_mb: memoryMb(replica.proc.child.pid),
        nodes_by_status: statuses,
        // During the heartbeat phase only.
        heartbeats_received: during('cdn_cp_heartbeats_total'),
        node_writes: during('cdn_cp_node_writes_total'),
        transitions: during('cdn_cp_node_transitions_total'),
        routing_publishes: during('cdn_cp_routing_publishes_total'),
      });
    }
    const inactive = Math.max(...byReplica.map((r) => (r.nodes_by_status.inactive ?? 0) + (r.nodes_by_status.suspect ?? 0)));
    const rate = total / elapsed;
    const target = options.nodes / options.interval;
    const result = {
      started_at: started.toISOString(),
      host: { cpus: os.cpus().length, cpu_model: os.cpus()[0]?.model, node: process.version, nats_server: execFileSync('nats-server', ['--version']).toString().trim() },
      options,
      registration: { seconds: ms(registration.ms / 1000), per_second: Math.round(options.nodes / (registration.ms / 1000)), refused_and_retried: registration.refused, p50_ms: ms(percentile(registrationSorted, 0.5)), p99_ms: ms(percentile(registrationSorted, 0.99)) },
      heartbeats: {
        sent: total,
        seconds: ms(elapsed),
        target_per_second: target,
        achieved_per_second: ms(rate),
        errors: errorCount,
        error_reasons: Object.fromEntries(errors),
        latency_ms: latencyOf(sortedLatency),
        slowest_ms_by_second: slowestBySecond,
        // CLOCK_MONOTONIC, as in the replicas' .cpuprofile timestamps.
        monotonic_us: [Number(monotonicFrom), Number(monotonicTo)],
        pacing_lag_ms: { p50: ms(percentile(sortedLag, 0.5)), p99: ms(percentile(sortedLag, 0.99)), max: ms(sortedLag.at(-1)) },
      },
      replicas: byReplica,
      nats_server: { cpu_percent: cpuPercent.at(-1), memory_mb: memoryMb(nats.child.pid) },
      inactive_nodes_at_end: inactive,
      run_directory: dir,
    };

    const h = result.heartbeats;
    console.log(
      `heartbeats: ${h.sent} sent in ${h.seconds} s, ${h.achieved_per_second}/s (target ${target}/s), ${h.errors} errors; ` +
        `latency p50 ${h.latency_ms.p50} ms, p99 ${h.latency_ms.p99} ms, max ${h.latency_ms.max} ms; pacing lag p99 ${h.pacing_lag_ms.p99} ms, max ${h.pacing_lag_ms.max} ms`,
    );
    for (const r of byReplica) {
      console.log(
        `${r.id}${r.leader ? ' (leader)' : ''}: latency p50 ${r.latency_ms.p50} ms, p99 ${r.latency_ms.p99} ms, max ${r.latency_ms.max} ms; CPU ${r.cpu_percent} % of a core, RSS ${r.memory_mb.rss} MB (peak ${r.memory_mb.peak} MB); nodes ${JSON.stringify(r.nodes_by_status)}; ` +
          `during the heartbeats: received ${JSON.stringify(r.heartbeats_received)}, node writes ${JSON.stringify(r.node_writes)}, transitions ${JSON.stringify(r.transitions)}, routing publishes ${JSON.stringify(r.routing_publishes)}`,
      );
    }
    console.log(`nats-server: CPU ${result.nats_server.cpu_percent} % of a core, RSS ${result.nats_server.memory_mb.rss} MB (peak ${result.nats_server.memory_mb.peak} MB)`);
    for (const [reason, count] of errors) console.log(`  ${count}× ${reason}`);
    console.log(`slowest answer of each second: ${slowestBySecond.join(' ')} ms`);

    if (options['cpu-prof']) {
      // The replicas write their profiles as they exit; only the samples of the heartbeat phase are summed.
      for (const replica of replicas) await stop(replica.proc);
      for (const [i, replica] of replicas.entries()) {
        const summary = summarizeProfile(path.join(dir, `${replica.id}.cpuprofile`), Number(monotonicFrom), Number(monotonicTo));
        byReplica[i].profile = summary;
        console.log(`${replica.id}${byReplica[i].leader ? ' (leader)' : ''}: ${summary.busy_seconds} s busy of ${summary.sampled_seconds} s sampled in the heartbeat phase; self time:`);
        for (const f of summary.top.slice(0, 12)) console.log(`  ${String(f.percent_of_busy).padStart(5)} %  ${f.function} (${f.where})`);
      }
    }

    fs.mkdirSync(RESULTS, { recursive: true });
    const file = path.join(RESULTS, `heartbeats-${started.toISOString().replace(/[:.]/g, '-')}.json`);
    fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`result written to ${path.relative(ROOT, file)}`);

    const problems = [];
    if (errorCount > 0) problems.push(`${errorCount} heartbeats failed`);
    if (inactive > 0) problems.push(`${inactive} nodes not active at the end`);
    if (rate < target * 0.95) problems.push(`${Math.round(rate)}/s achieved, short of ${target}/s`);
    if (problems.length) console.log(`NOT SUSTAINED: ${problems.join('; ')}`);
    process.exitCode = problems.length ? 1 : 0;
  } finally {
    // Replicas first (their profiles are written as they exit), NATS last.
    for (const proc of processes.slice(2).reverse()) await stop(proc);
    for (const proc of processes.slice(0, 2)) await stop(proc);
    if (options['cpu-prof']) console.log(`CPU profiles and logs kept in ${dir}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
