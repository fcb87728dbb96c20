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
