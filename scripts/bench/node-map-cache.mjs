#!/usr/bin/env node
/**
 * The ceiling for one Node process (a program: `node node-map-cache.mjs <port> <origin port>`): bare `http`, a GET
 * whose answer may be stored is fetched once from the origin (concurrent misses share the one fetch) and then
 * served from a Map; anything else is streamed to the origin and back on a keep-alive agent. No log, no
 * metrics, no freshness: what a cache costs when it does nothing else.
 */
import http from 'node:http';

const [port, originPort] = process.argv.slice(2).map(Number);
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const cache = new Map(); // url → Promise<{status, headers, body}>
const passes = new Set(); // urls whose answer may not be stored: forwarded from then on
const HOP_BY_HOP = ['connection', 'keep-alive', 'transfer-encoding'];

function endToEnd(headers) {
  const copy = { ...headers };
  for (const name of HOP_BY_HOP) delete copy[name];
  return copy;
}

function forward(req, res) {
  const upstream = http.request({ host: '127.0.0.1', port: originPort, method: req.method, path: req.url, headers: req.headers, agent }, (answer) => {
    res.writeHead(answer.statusCode, endToEnd(answer.headers));
    answer.pipe(res);
  });
  upstream.on('error', () => res.destroy());
  req.pipe(upstream);
}

function fetchWhole(url) {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port: originPort, path: url, agent }, (answer) => {
        const chunks = [];
        answer.on('data', (chunk) => chunks.push(chunk));
        answer.on('end', () => resolve({ status: answer.statusCode, headers: endToEnd(answer.headers), body: Buffer.concat(chunks) }));
        answer.on('error', reject);
      })
      .on('error', reject);
  });
}

const storable = (entry) => entry.status === 200 && !/no-store|private/.test(entry.headers['cache-control'] ?? '');

function serve(res, entry) {
  res.writeHead(entry.status, entry.headers);
  res.end(entry.body);
}

http
  .createServer((req, res) => {
    if (req.method !== 'GET' || passes.has(req.url)) return forward(req, res);
    let pending = cache.get(req.url);
    if (!pending) {
      pending = fetchWhole(req.url);
      cache.set(req.url, pending);
      const url = req.url;
      pending.then(
        (entry) => storable(entry) || (cache.delete(url), passes.add(url)),
        () => cache.delete(url),
      );
    }
    pending.then((entry) => serve(res, entry), () => res.destroy());
  })
  .listen(port, '127.0.0.1');
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));
