/** The built standalone control plane (dist/main.js) against a real nats-server. Run `npx tsc -b apps/control-plane` first. */
import { connect } from '@nats-io/transport-node';
import { afterAll, describe, expect, it } from 'vitest';
import { EDGE_EVENTS, encodeNestEvent } from '@cdn/shared';
import { eventually, freePort } from '../../../test/support/ports';
import { APPS, start, startApp, startNats, stopAll, tempDir } from '../../../test/support/processes';
import { NODE1 } from './testing/start-control-plane';

afterAll(() => stopAll());

describe('cdn-control-plane (standalone)', () => {
  it('exits 2 naming --nats-url when it is missing', async () => {
    const proc = start(process.execPath, [APPS.controlPlane, '--port', String(await freePort())], { cwd: tempDir(), env: { CDN_NATS_URL: '' } });
    expect(await proc.exited).toBe(2);
    expect(proc.output).toContain('--nats-url');
  });

  it('serves the API, publishes routing and hears edge reports over NATS, and stops on SIGTERM', async () => {
    const nats = await startNats();
    const dir = tempDir();
    const cp = await startApp('controlPlane', ['--nats-url', nats.url, '--log-file', `${dir}/cdn_system.log`], { cwd: dir });
    await eventually(async () => (await fetch(`${cp.url}/readyz`)).status === 200);
    expect((await fetch(`${cp.url}/register_node`, { method: 'POST', body: JSON.stringify(NODE1), headers: { 'content-type': 'application/json' } })).status).toBe(200);

    const nc = await connect({ servers: nats.url });
    nc.publish(EDGE_EVENTS.report, encodeNestEvent(EDGE_EVENTS.report, { edgeId: 'edge-n', revision: 0, reportedAt: Date.now(), startedAt: Date.now() }));
    await nc.flush();
    const edges = await eventually(async () => {
      // Nest subscribes a moment after the API is up: keep reporting, as edges do.
      nc.publish(EDGE_EVENTS.report, encodeNestEvent(EDGE_EVENTS.report, { edgeId: 'edge-n', revision: 0, reportedAt: Date.now(), startedAt: Date.now() }));
      const body = (await (await fetch(`${cp.url}/edges`)).json()) as { revision: number; edges: { id: string; lag: number }[] };
      return body.edges.length === 1 ? body : undefined;
    });
    expect(edges!.revision).toBeGreaterThan(0);
    expect(edges!.edges[0]).toMatchObject({ id: 'edge-n', lag: edges!.revision });
    await nc.close();

    expect(cp.output).toContain(`Control plane listening on http://127.0.0.1:${cp.port}`);
    await cp.stop('SIGTERM');
    expect(await cp.exited).toBe(0);
    await nats.stop();
  });
});

describe('cdn-control-plane (standalone) while NATS is away', () => {
  it('/healthz answers while NATS is unreachable', async () => {
    const natsPort = await freePort();
    const natsUrl = `nats://127.0.0.1:${natsPort}`;
    const dir = tempDir();
    const cp = await startApp('controlPlane', ['--nats-url', natsUrl, '--log-file', '-'], { cwd: dir });
    const started = Date.now();
    expect(await (await fetch(`${cp.url}/healthz`)).json()).toEqual({ status: 'ok' });
    expect(Date.now() - started).toBeLessThan(1_000);
    const ready = await fetch(`${cp.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ error: 'not_ready', reasons: [`connecting to NATS at ${natsUrl}`] });
    const nodes = await fetch(`${cp.url}/nodes`);
    expect(nodes.status).toBe(503);
    expect(await nodes.json()).toMatchObject({ error: 'not_ready', message: expect.stringContaining(`connecting to NATS at ${natsUrl}`) });
    expect(await (await fetch(`${cp.url}/metrics`)).text()).toMatch(/cdn_cp_startup_refused_requests_total [1-9]/);

    // Once NATS is there, the start completes by itself.
    await startNats({ port: natsPort });
    await eventually(async () => (await fetch(`${cp.url}/readyz`)).status === 200, 20_000);
    expect((await fetch(`${cp.url}/nodes`)).status).toBe(200);
    await cp.stop();
  });

  it('keeps cache operations in NATS across a restart, and refuses a purge while NATS is down', async () => {
    const nats = await startNats();
    const dir = tempDir();
    const args = ['--nats-url', nats.url, '--log-file', '-'];
    const first = await startApp('controlPlane', args, { cwd: dir });
    await eventually(async () => (await fetch(`${first.url}/readyz`)).status === 200);
    const accepted = await fetch(`${first.url}/cache/purge`, { method: 'POST', body: JSON.stringify({ urls: ['/a'] }), headers: { 'content-type': 'application/json' } });
    expect(accepted.status).toBe(202);
    const { operation_id: id } = (await accepted.json()) as { operation_id: string };
    await first.stop('SIGTERM');

    // Another directory: the operation comes from the cdn_operations bucket, not from a local file.
    const second = await startApp('controlPlane', args, { cwd: tempDir() });
    await eventually(async () => (await fetch(`${second.url}/readyz`)).status === 200);
    expect(await (await fetch(`${second.url}/operations/${id}`)).json()).toMatchObject({ operation_id: id, complete: true, expected_edges: [] });

    await nats.stop();
    const refused = await eventually(async () => {
      const res = await fetch(`${second.url}/cache/purge`, { method: 'POST', body: JSON.stringify({ urls: ['/a'] }), headers: { 'content-type': 'application/json' } });
      return res.status === 503 ? res : undefined;
    });
    expect(await refused!.json()).toMatchObject({ error: 'bus_unavailable' });
    await eventually(() => second.output.includes('WARNING control-plane: Refused a cache purge: '), 3_000);
    await second.stop();
  });
});
