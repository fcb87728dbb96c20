#!/usr/bin/env node
/**
 * The bench's origin (a program: `node origin.mjs <port>`). GET /1k, /100k, /1m: that many bytes, cacheable for an
 * hour; /nostore/1k: 1 KiB marked no-store; /storm/<anything>: 1 KiB, cacheable, after STORM_DELAY_MS so that a
 * miss storm's requests overlap; POST /post: reads the body, answers a short no-store text; /health for probes.
 * /fill/<anything>: 1 MiB, cacheable (distinct URLs to fill a cache); /1g: 1 GiB, cacheable, generated as it is
 * sent (too large for any edge's cache, and never held in the origin's memory either).
 * /node/<id>/<path> is <path>: one origin can stand for thousands of registered nodes, each with its own base path.
 * GET /__count?path=<p> tells how many requests it saw for path <p> (the runner's way to see what reached it).
 */
import http from 'node:http';

const STORM_DELAY_MS = 1_000;
const cacheable = { 'cache-control': 'public, max-age=3600', 'content-type': 'application/octet-stream' };
const bodies = new Map([
  ['/1k', Buffer.alloc(1024, 'a')],
  ['/100k', Buffer.alloc(100 * 1024, 'b')],
  ['/1m', Buffer.alloc(1024 * 1024, 'c')],
]);
const oneK = bodies.get('/1k');
const oneM = bodies.get('/1m');
const STREAM_CHUNK = Buffer.alloc(64 * 1024, 'g');
const STREAM_BYTES = 2 ** 30;
const seen = new Map();

function send(res, status, headers, body) {
  res.writeHead(status, { ...headers, 'content-length': body.length });
  res.end(body);
}

/** Writes `total` bytes of STREAM_CHUNK, waiting for the socket to drain, so the origin's memory stays flat. */
function stream(res, total) {
  res.writeHead(200, { ...cacheable, 'content-length': total });
  let left = total;
  const more = () => {
    while (left > 0) {
      const chunk = left >= STREAM_CHUNK.length ? STREAM_CHUNK : STREAM_CHUNK.subarray(0, left);
      left -= chunk.length;
      if (!res.write(chunk)) return void res.once('drain', more);
    }
    res.end();
  };
  more();
}

const server = http.createServer((req, res) => {
  const [rawPath, query = ''] = (req.url ?? '/').split('?');
  const path = rawPath.replace(/^\/node\/[^/]+/, '');
  if (path === '/__count') {
    const asked = new URLSearchParams(query).get('path') ?? '';
    return send(res, 200, { 'content-type': 'application/json', 'cache-control': 'no-store' }, Buffer.from(JSON.stringify({ path: asked, count: seen.get(asked) ?? 0 })));
  }
  seen.set(path, (seen.get(path) ?? 0) + 1);
  if (req.method === 'POST' && path === '/post') {
    let bytes = 0;
    req.on('data', (chunk) => (bytes += chunk.length));
    req.on('end', () => send(res, 200, { 'content-type': 'text/plain', 'cache-control': 'no-store' }, Buffer.from(`got ${bytes} bytes\n`)));
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, { allow: 'GET, HEAD' }, Buffer.from('method not allowed\n'));
  if (path === '/health') return send(res, 200, { 'content-type': 'application/json', 'cache-control': 'no-store' }, Buffer.from('{"status":"ok"}\n'));
  if (path === '/nostore/1k') return send(res, 200, { 'content-type': 'application/octet-stream', 'cache-control': 'no-store' }, oneK);
  if (path === '/1g') return stream(res, STREAM_BYTES);
  if (path.startsWith('/fill/')) return send(res, 200, cacheable, oneM);
  if (path.startsWith('/storm/')) return void setTimeout(() => send(res, 200, cacheable, oneK), STORM_DELAY_MS);
  const body = bodies.get(path);
  if (body) return send(res, 200, cacheable, body);
  send(res, 404, { 'cache-control': 'no-store' }, Buffer.from('not found\n'));
});

server.keepAliveTimeout = 60_000;
server.listen(Number(process.argv[2]), '127.0.0.1');
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));
