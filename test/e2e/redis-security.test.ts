/** The built server with a Redis that wants a password and speaks only TLS: --cache-redis-url rediss://:<password>@… and --cache-redis-tls-ca. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createClient } from '@redis/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConfiguredRedis, type ConfiguredRedis } from '../support/configured-redis';
import { get, post } from '../support/http';
import { startOrigin, type Origin } from '../support/origin';
import { createTestPki, type TestPki } from '../support/pki';
import { eventually, freePort } from '../support/ports';
import { APPS, startApp, stopAll, tempDir } from '../support/processes';

const PASSWORD = 'redis-password-for-e2e';

describe('the shared tier behind a password and TLS', () => {
  let pki: TestPki;
  let redis: ConfiguredRedis;
  let origin: Origin;

  beforeAll(async () => {
    pki = createTestPki();
    redis = await startConfiguredRedis({ password: PASSWORD, tls: { ...pki.server, ca: pki.ca } });
    origin = await startOrigin('origin', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'max-age=60' });
      res.end('cached');
    });
  });

  afterAll(async () => {
    await stopAll();
    await origin?.close();
  });

  async function serverWith(args: string[]) {
    const server = await startApp('allInOne', args);
    await post(`${server.url}/register_node`, { id: 'node1', url: origin.url, location: 'Beijing', capacity: 100 });
    return server;
  }

  it('stores answers in Redis over rediss:// with --cache-redis-tls-ca, and never logs the password', async () => {
    const server = await serverWith(['--cache-redis-url', redis.url, '--cache-redis-tls-ca', pki.ca]);
    await eventually(() => server.output.includes(`Shared cache connected to rediss://:***@127.0.0.1:${redis.port}`), 10_000);
    expect((await get(`${server.url}/cdn/shared.txt`)).headers.get('x-cache')).toBe('MISS');
    const raw = createClient({ url: redis.url, socket: { tls: true, ca: fs.readFileSync(pki.ca, 'utf8') } });
    await raw.connect();
    try {
      await eventually(async () => (await raw.dbSize()) > 0, 5_000);
    } finally {
      await raw.close();
    }
    expect(server.output).not.toContain(PASSWORD);
  });

  it('a wrong Redis password: the server serves from nodes and logs one ERROR naming the URL without the password', async () => {
    const url = `rediss://:not-the-password@127.0.0.1:${redis.port}`;
    const server = await serverWith(['--cache-redis-url', url, '--cache-redis-tls-ca', pki.ca]);
    const refused = `ERROR   edge-proxy: Shared cache unavailable: rediss://:***@127.0.0.1:${redis.port} refused the password in --cache-redis-url (WRONGPASS`;
    await eventually(() => server.output.includes(refused), 10_000);
    expect((await get(`${server.url}/cdn/from-node.txt`)).status).toBe(200);
    expect((await get(`${server.url}/metrics`)).text).toMatch(/cdn_edge_cache_shared_failures_total\{kind="auth",operation="connect"\} [1-9]/);
    expect(server.output.split(refused)).toHaveLength(2);
    expect(server.output).not.toContain('not-the-password');
    expect(server.child.exitCode).toBeNull();
  });

  it('--cache-redis-tls-ca with a redis:// URL stops the start with one line naming the flag', async () => {
    const result = spawnSync(process.execPath, [APPS.allInOne, '--host', '127.0.0.1', '--port', String(await freePort()), '--cache-redis-url', 'redis://127.0.0.1:6379', '--cache-redis-tls-ca', pki.ca], {
      cwd: tempDir(),
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe("cdn-server: error: --cache-redis-tls-ca is for TLS: give a rediss:// --cache-redis-url, or leave it out");
  });
});
