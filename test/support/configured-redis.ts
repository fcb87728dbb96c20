/** A real redis-server with a password and/or TLS, for the shared tier's security tests. */
import fs from 'node:fs';
import path from 'node:path';
import { freePort, waitForPort } from './ports';
import { Running, start, tempDir } from './processes';
import type { KeyPair } from './pki';

export type ConfiguredRedis = Running & { port: number; url: string };

/**
 * Starts redis-server on a free port, keeping nothing on disk. With `password`, it wants it (requirepass);
 * with `tls`, it speaks only TLS on that port (rediss://), with that certificate, and asks clients for none.
 */
export async function startConfiguredRedis(options: { password?: string; tls?: KeyPair & { ca: string } }): Promise<ConfiguredRedis> {
  const port = await freePort();
  const args = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', tempDir('redis-')];
  if (options.password) args.push('--requirepass', options.password);
  if (options.tls) {
    args.push('--port', '0', '--tls-port', String(port), '--tls-cert-file', options.tls.cert, '--tls-key-file', options.tls.key, '--tls-ca-cert-file', options.tls.ca, '--tls-auth-clients', 'no');
  } else {
    args.push('--port', String(port));
  }
  const proc = start('redis-server', args, { name: 'redis-server' });
  await waitForPort(port);
  const auth = options.password ? `:${encodeURIComponent(options.password)}@` : '';
  return Object.assign(proc, { port, url: `${options.tls ? 'rediss' : 'redis'}://${auth}127.0.0.1:${port}` });
}

/** A Redis Sentinel (redis-server --sentinel) watching nothing, on a free port: something that answers PING but holds no data. */
export async function startSentinel(): Promise<ConfiguredRedis> {
  const port = await freePort();
  // A Sentinel rewrites its configuration file, so it needs one of its own.
  const config = path.join(tempDir('sentinel-'), 'sentinel.conf');
  fs.writeFileSync(config, '');
  const proc = start('redis-server', [config, '--sentinel', '--port', String(port), '--bind', '127.0.0.1'], { name: 'redis-sentinel' });
  await waitForPort(port);
  return Object.assign(proc, { port, url: `redis://127.0.0.1:${port}` });
}
