/** --admin-host/--admin-port keep the admin API and metrics off the port that faces clients. */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { get, post } from '../support/http';
import { startOrigin, Origin } from '../support/origin';
import { eventually, freePort } from '../support/ports';
import { startApp, startNats, stopAll } from '../support/processes';

describe('the admin listener', () => {
  let origin: Origin;
  afterEach(() => stopAll());
  afterAll(() => origin?.close());

  it('all-in-one: clients reach /cdn and the probes; the admin API and metrics only on the admin port', async () => {
    origin = await startOrigin('origin');
    const adminPort = await freePort();
    const app = await startApp('allInOne', ['--admin-port', String(adminPort)]);
    const admin = `http://127.0.0.1:${adminPort}`;
    await eventually(async () => (await get(`${admin}/healthz`)).status === 200, 5_000);

    const hijack = await post(`${app.url}/register_node`, { id: 'evil', url: origin.url, location: 'X', capacity: 1 });
    expect(hijack.status).toBe(404);
    expect(hijack.body).toMatchObject({ error: 'not_found', message: expect.stringContaining('--admin-port') });
    expect((await get(`${app.url}/metrics`)).status).toBe(404);
    expect((await get(`${app.url}/nodes`)).status).toBe(404);

    expect((await post(`${admin}/register_node`, { id: 'node1', url: origin.url, location: 'Beijing', capacity: 100 })).status).toBe(200);
    await eventually(async () => (await get(`${app.url}/cdn/a`)).status === 200, 3_000);
    expect((await get(`${app.url}/healthz`)).status).toBe(200);
    expect((await get(`${app.url}/readyz`)).status).toBe(200);
    expect((await get(`${admin}/metrics`)).text).toContain('cdn_edge_requests_total');
    expect((await get(`${admin}/cdn/a`)).status).toBe(404);
  });

  it('edge: /metrics moves to the admin port; /cdn and the probes stay on the client port', async () => {
    const nats = await startNats();
    const adminPort = await freePort();
    const edge = await startApp('edge', ['--nats-url', nats.url, '--admin-port', String(adminPort)]);
    const admin = `http://127.0.0.1:${adminPort}`;
    await eventually(async () => (await get(`${admin}/healthz`)).status === 200, 5_000);
    expect((await get(`${edge.url}/metrics`)).status).toBe(404);
    expect((await get(`${admin}/metrics`)).text).toContain('cdn_edge_');
    expect((await get(`${edge.url}/healthz`)).status).toBe(200);
    await eventually(() => edge.output.includes(`serves /metrics, /healthz and /readyz on http://127.0.0.1:${adminPort}`), 3_000);
  });
});

describe('the open admin API warning', () => {
  afterEach(() => stopAll());
  const warning = /WARNING .*The admin API on 0\.0\.0\.0:\d+ has no token: anyone who can reach it can register nodes, purge the cache and take over traffic\. Set --admin-token/;

  it('is logged when the admin API listens on every address without a token', async () => {
    const app = await startApp('allInOne', ['--host', '0.0.0.0']);
    await eventually(() => warning.test(app.output), 3_000);
    expect(app.output).toMatch(/keep it private with --admin-port <port>/);
  });

  it('is not logged on loopback, with a token, or with a private admin listener', async () => {
    const quiet = [
      await startApp('allInOne', []),
      await startApp('allInOne', ['--host', '0.0.0.0', '--admin-token', 'a-long-enough-admin-token']),
      await startApp('allInOne', ['--host', '0.0.0.0', '--admin-port', String(await freePort())]),
    ];
    for (const app of quiet) await eventually(() => app.output.includes('CDN server listening'), 3_000);
    for (const app of quiet) expect(app.output).not.toMatch(/has no token/);
  });
});
