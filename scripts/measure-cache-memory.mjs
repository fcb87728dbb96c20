#!/usr/bin/env node
/**
 * Measures what the edge's memory tier really costs per entry: fills the cache of a running edge (in this
 * process, over real sockets) with small objects and compares the growth of the JS heap and of off-heap
 * buffers, and of the RSS, with the bytes the tier accounts for (cdn_edge_cache_bytes).
 *
 *   node --expose-gc scripts/measure-cache-memory.mjs [--objects 20000] [--body 1024] [--chunked] [--headers 0] [--path 0] [--json]
 *
 * --chunked sends each body in two chunks, as a node that streams (or a body split across reads) does;
 * --headers adds that many custom headers to each answer; --path lengthens each URL by that many characters.
 *
 * Needs the built programs (npm run build).
 */
import http from 'node:http';
import { parseArgs } from 'node:util';
import { Registry } from 'prom-client';
import shared from '@cdn/shared';
import edgeProxy from '@cdn/edge-proxy';

const { values } = parseArgs({ options: { objects: { type: 'string', default: '20000' }, body: { type: 'string', default: '1024' }, json: { type: 'boolean', default: false }, chunked: { type: 'boolean', default: false }, headers: { type: 'string', default: '0' }, baseline: { type: 'boolean', default: false }, path: { type: 'string', default: '0' } } });
const extraHeaders = Object.fromEntries(Array.from({ length: Number(values.headers) }, (_, i) => [`x-meta-${i}`, `value-${i}-${'v'.repeat(20)}`]));
const longer = 'p'.repeat(Number(values.path));
const OBJECTS = Number(values.objects);
const BODY_BYTES = Number(values.body);
if (typeof globalThis.gc !== 'function') {
  process.stderr.write('run with node --expose-gc\n');
  process.exit(2);
}

const body = Buffer.alloc(BODY_BYTES, 'x');
const lastModified = new Date(Date.now() - 86_400_000).toUTCString();
// A typical static object: the headers a web server sends with a small file.
const origin = http.createServer((req, res) => {
  res.writeHead(200, {
    'content-type': 'text/plain; charset=utf-8',
    // --baseline: the same traffic, nothing stored; what the RSS grows by without the cache.
    'cache-control': values.baseline ? 'no-store' : 'public, max-age=3600',
    etag: `"${req.url.length.toString(16)}-${Buffer.from(req.url).toString('base64url').slice(-12)}"`,
    'last-modified': lastModified,
    ...extraHeaders,
    ...(values.chunked ? {} : { 'content-length': body.length }),
  });
  if (!values.chunked) return void res.end(body);
  res.write(body.subarray(0, body.length >> 1));
  setImmediate(() => res.end(body.subarray(body.length >> 1)));
});
await new Promise((resolve) => origin.listen(0, '127.0.0.1', resolve));

const bus = new shared.InProcessBus();
const registry = new Registry();
const config = { ...shared.parseConfig({ name: 'measure', description: '', version: '0', options: [] }, [], {}), cacheMaxBytes: 4 * 1024 ** 3 };
const edge = edgeProxy.createEdgeProxy({
  config,
  logger: shared.silentLogger(),
  source: bus.source(),
  events: bus.events,
  cacheCommands: bus.cacheCommands,
  nodeLoads: bus.nodeLoads,
  edgeId: 'measure',
  registry,
});
await edge.start();
const server = http.createServer((req, res) => edge.handle(req, res));
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
await bus.store.putNode({ id: 'node1', url: `http://127.0.0.1:${origin.address().port}`, location: 'here', capacity: 100, status: 'active', load: 0 });
await new Promise((resolve) => setTimeout(resolve, 50));

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
function fetchOne(path) {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port: server.address().port, path, agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.headers['x-cache']));
      })
      .on('error', reject);
  });
}
async function fill(from, to) {
  let next = from;
  const worker = async () => {
    while (next < to) await fetchOne(`/cdn/static/objects/${longer}${next++}.txt`);
  };
  await Promise.all(Array.from({ length: 16 }, worker));
}
async function settle() {
  for (let i = 0; i < 6; i++) {
    globalThis.gc();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
function snapshot() {
  const m = process.memoryUsage();
  return { heap: m.heapUsed, heapTotal: m.heapTotal, external: m.external, rss: m.rss };
}
async function accounted() {
  const [bytes, entries] = await Promise.all(['cdn_edge_cache_bytes', 'cdn_edge_cache_entries'].map(async (name) => (await registry.getSingleMetric(name).get()).values[0].value));
  return { bytes, entries };
}

// Warm up every code path (and the sockets) with objects that are then dropped from the count.
await fill(-2000, 0);
await settle();
const before = snapshot();
const cacheBefore = await accounted();
await fill(0, OBJECTS);
await settle();
const after = snapshot();
const cacheAfter = await accounted();

const entries = values.baseline ? OBJECTS : cacheAfter.entries - cacheBefore.entries;
const accountedBytes = cacheAfter.bytes - cacheBefore.bytes;
const heapAndBuffers = after.heap + after.external - (before.heap + before.external);
const result = {
  objects: OBJECTS,
  bodyBytes: BODY_BYTES,
  chunked: values.chunked,
  extraHeaders: Number(values.headers),
  pathExtra: Number(values.path),
  entries,
  accountedPerEntry: Math.round(accountedBytes / entries),
  heapPerEntry: Math.round((after.heap - before.heap) / entries),
  buffersPerEntry: Math.round((after.external - before.external) / entries),
  realPerEntry: Math.round(heapAndBuffers / entries),
  rssPerEntry: Math.round((after.rss - before.rss) / entries),
  heapCommittedPerEntry: Math.round((after.heapTotal - before.heapTotal) / entries),
  realOverAccounted: Number((heapAndBuffers / accountedBytes).toFixed(3)),
  rssOverAccounted: Number(((after.rss - before.rss) / accountedBytes).toFixed(3)),
};
if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
else {
  process.stdout.write(
    `${entries} entries of ${BODY_BYTES}-byte bodies${values.chunked ? ' (chunked)' : ''}${values.headers !== '0' ? ` +${values.headers} headers` : ''}${values.path !== '0' ? ` +${values.path}-char paths` : ''}: accounted ${result.accountedPerEntry} B each; ` +
      `real ${result.realPerEntry} B each (heap ${result.heapPerEntry} + buffers ${result.buffersPerEntry}), ratio ${result.realOverAccounted}; ` +
      `RSS ${result.rssPerEntry} B each, ratio ${result.rssOverAccounted} (V8 heap committed ${result.heapCommittedPerEntry} B each)\n`,
  );
}
agent.destroy();
server.closeAllConnections();
server.close();
origin.closeAllConnections();
origin.close();
await edge.close();
