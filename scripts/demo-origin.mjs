#!/usr/bin/env node
/**
 * A small origin to try the CDN with (`npm run demo:origin`): answers GET and HEAD for any path with a
 * short text that names the path and the time it was made, /health with {"status":"ok"}, and logs every
 * request it serves, so that a cache hit shows as a request that never arrives here.
 * Listens on 127.0.0.1:8000; set PORT (and HOST) to change it.
 */
import http from 'node:http';

const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 8000);

const server = http.createServer((req, res) => {
  const path = (req.url ?? '/').split('?')[0];
  const status = req.method === 'GET' || req.method === 'HEAD' ? 200 : 405;
  const body =
    path === '/health'
      ? '{"status":"ok"}\n'
      : status === 200
        ? `Hello from the demo origin: ${path}, made at ${new Date().toISOString()}\n`
        : '{"error":"method_not_allowed","message":"The demo origin serves GET and HEAD only."}\n';
  res.writeHead(status, {
    'content-type': path === '/health' || status !== 200 ? 'application/json' : 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    ...(status === 200 && path !== '/health' ? { 'cache-control': 'public, max-age=60' } : { 'cache-control': 'no-store' }),
    ...(status === 405 ? { allow: 'GET, HEAD' } : {}),
  });
  res.end(req.method === 'HEAD' ? undefined : body);
  if (path !== '/health') console.log(`demo-origin: ${req.method} ${req.url} ${status}`);
});

server.on('error', (err) => {
  console.error(`demo-origin: error: cannot listen on ${host}:${port}: ${err.code ?? err.message}; set PORT to another port`);
  process.exit(1);
});
server.listen(port, host, () => console.log(`demo-origin: serving http://${host}:${port}/ (any path; /health for probes)`));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
