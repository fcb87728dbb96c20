#!/usr/bin/env node
/**
 * Measures what node-table writes cost at scale: runs the built control plane in a child process (on a free
 * port, with a temporary nodes file and a routing store that only accepts, so that only the node state is
 * measured, not routing tables being rebuilt), registers NODES nodes (default 10,000), then prints p50/p99
 * latency of registrations and heartbeats, one at a time and CONCURRENCY at a time. Run `npm run build` first.
 *
 *   node scripts/bench-node-writes.mjs            # NODES=10000 SAMPLES=400 CONCURRENCY=32
 *
 * Probes and heartbeat timeouts are pushed out of the way (health interval and node timeout of an hour).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const NODES = Number(process.env.NODES ?? 10_000);
const SAMPLES = Number(process.env.SAMPLES ?? 400);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 32);

if (process.argv[2] === 'serve') {
  const { createControlPlane } = await import('@cdn/control-plane');
  const { InProcessBus, parseConfig, silentLogger } = await import('@cdn/shared');
  const bus = new InProcessBus();
  const accept = async () => undefined;
  const config = { ...parseConfig({ name: 'bench', description: '', version: '0', options: [] }, [], {}), nodesFile: process.argv[3], healthInterval: 3600, nodeTimeout: 3600 };
  const cp = await createControlPlane({
    config,
    logger: silentLogger(),
    store: { putNode: accept, deleteNode: accept, putSettings: accept, replaceAll: accept, close: accept },
    source: bus.source(),
    transport: { kind: 'in-process', bus },
    cacheCommands: bus.cacheCommands,
    nodeLoads: bus.nodeLoads,
  });
  const server = http.createServer(cp.handler).listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
  process.on('SIGTERM', () => cp.close().then(() => process.exit(0)));
} else {
  await bench();
}

async function bench() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdn-bench-'));
  const server = spawn(process.execPath, [fileURLToPath(import.meta.url), 'serve', path.join(dir, 'cdn_nodes.json')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve, reject) => {
    server.stdout.once('data', (d) => resolve(Number(String(d).trim())));
    server.once('exit', (code) => reject(new Error(`the control plane exited with ${code}`)));
  });
  const base = `http://127.0.0.1:${port}`;

  async function call(method, urlPath, body) {
    const started = performance.now();
    const res = await fetch(base + urlPath, { method, body: body === undefined ? undefined : JSON.stringify(body) });
    await res.arrayBuffer();
    if (res.status >= 300) throw new Error(`${method} ${urlPath}: ${res.status}`);
    return performance.now() - started;
  }

  const node = (i) => ({ id: `node-${i}`, url: `http://10.0.${(i >> 8) & 255}.${i & 255}:8080`, location: `region-${i % 50}`, capacity: 100 });

  async function inParallel(count, concurrency, work) {
    const times = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let i = next++; i < count; i = next++) times.push(await work(i));
      }),
    );
    return times;
  }

  function percentiles(times) {
    const sorted = [...times].sort((a, b) => a - b);
    const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))].toFixed(1);
    return `p50 ${at(0.5)} ms, p99 ${at(0.99)} ms`;
  }

  try {
    const fillStarted = performance.now();
    await inParallel(NODES, CONCURRENCY, (i) => call('POST', '/register_node', node(i)));
    const bytes = fs.statSync(path.join(dir, 'cdn_nodes.json')).size;
    console.log(`${NODES} nodes registered in ${((performance.now() - fillStarted) / 1000).toFixed(1)} s; cdn_nodes.json is ${(bytes / 1e6).toFixed(1)} MB`);

    const random = (n) => Math.floor(Math.random() * n);
    const results = {
      'registration (update), 1 at a time': await inParallel(SAMPLES, 1, () => call('POST', '/register_node', { ...node(random(NODES)), capacity: 1 + random(500) })),
      'new registration, 1 at a time': await inParallel(SAMPLES, 1, (i) => call('POST', '/register_node', node(NODES + i))),
      'heartbeat, 1 at a time': await inParallel(SAMPLES, 1, () => call('POST', `/heartbeat/node-${random(NODES)}`, { current_load: random(100) })),
      [`registration (update), ${CONCURRENCY} at a time`]: await inParallel(SAMPLES * 4, CONCURRENCY, () => call('POST', '/register_node', { ...node(random(NODES)), capacity: 1 + random(500) })),
      [`heartbeat, ${CONCURRENCY} at a time`]: await inParallel(SAMPLES * 4, CONCURRENCY, () => call('POST', `/heartbeat/node-${random(NODES)}`, { current_load: random(100) })),
    };
    for (const [what, times] of Object.entries(results)) console.log(`${what.padEnd(40)} ${percentiles(times)} (${times.length} requests)`);
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
