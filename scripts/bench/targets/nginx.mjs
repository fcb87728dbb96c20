/**
 * Target: nginx as a caching reverse proxy (proxy_cache, keep-alive upstream), run as the current user from its
 * own prefix directory: pid, logs, temp paths and the cache zone all inside it. The access log is on, as it is
 * by default in production. sendfile stays at nginx's default (off): Debian's nginx.conf turns it on, and on
 * these virtual machines that made 100 KiB hits five times slower (1.9k against 9.7k req/s).
 * proxy_cache_lock (coalescing misses) is on for /storm/ only: on a path whose answers are never stored it
 * makes every concurrent request wait for the lock in 500 ms steps, which no one would deploy for pass-through.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, startServer, waitForPort } from '../processes.mjs';

function config({ prefix, port, originPort }) {
  // nginx run by root hands its workers to "nobody", who cannot write the run directory: keep root's.
  const user = process.getuid?.() === 0 ? `user ${os.userInfo().username};` : '';
  return `${user}
worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 4096; }
http {
  access_log ${prefix}/access.log;
  client_body_temp_path ${prefix}/client_body;
  proxy_temp_path ${prefix}/proxy_temp;
  fastcgi_temp_path ${prefix}/fastcgi_temp;
  uwsgi_temp_path ${prefix}/uwsgi_temp;
  scgi_temp_path ${prefix}/scgi_temp;
  proxy_cache_path ${prefix}/cache levels=1:2 keys_zone=bench:16m max_size=1g inactive=1h use_temp_path=off;
  upstream origin {
    server 127.0.0.1:${originPort};
    keepalive 64;
  }
  server {
    listen 127.0.0.1:${port};
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_cache bench;
    add_header X-Cache $upstream_cache_status;
    location / {
      proxy_pass http://origin;
    }
    location /storm/ {
      proxy_pass http://origin;
      proxy_cache_lock on;
    }
  }
}
`;
}

export async function startNginx({ dir, cpu, origin }) {
  const prefix = path.join(dir, 'nginx');
  fs.mkdirSync(prefix, { recursive: true });
  const port = await freePort();
  const conf = path.join(prefix, 'nginx.conf');
  fs.writeFileSync(conf, config({ prefix, port, originPort: origin.port }));
  const proc = startServer('nginx', 'nginx', ['-p', prefix, '-c', conf, '-g', 'daemon off;'], { dir, cpu });
  await waitForPort(port, proc);
  return { name: 'nginx', label: 'nginx proxy_cache', base: `http://127.0.0.1:${port}`, prefix: '' };
}
