import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connect } from '@nats-io/transport-node';
import { connectNats, createNatsRoutingStore, EDGE_EVENTS, silentLogger } from '@cdn/shared';
import { startOrigin } from '../../../test/support/origin';
import { eventually, freePort } from '../../../test/support/ports';
import { APPS, start, startApp, startNats, stopAll, tempDir } from '../../../test/support/processes';
import { request, routeNode } from '../test/edge-harness';

afterAll(stopAll);

describe('standalone edge (dist/main.js)', () => {
  it('exits 2 naming --nats-url when it is missing', async () => {
    const proc = start(process.execPath, [APPS.edge, '--port', '1'], { cwd: tempDir(), env: { CDN_NATS_URL: '' } });
    expect(await proc.exited).toBe(2);
    expect(proc.output).toContain('--nats-url');
  });

  it('listens before NATS is up, follows the table on NATS, forwards, reports, and stops cleanly on SIGTERM', async () => {
    const natsPort = await freePort();
    const origin = await startOrigin('node1');
    const cwd = tempDir();
    const edge = await startApp('edge', ['--nats-url', `nats://127.0.0.1:${natsPort}`, '--edge-id', 'edge-a', '--log-file', 'edge.log'], { cwd });
    expect((await request(`${edge.url}/healthz`)).status).toBe(200);
    expect((await request(`${edge.url}/readyz`)).status).toBe(503);
    expect((await request(`${edge.url}/cdn/hello`)).json()).toMatchObject({ error: 'not_ready' });

    const nats = await startNats({ port: natsPort });

    const watcher = await connect({ servers: nats.url });
    const reports: unknown[] = [];
    const subscription = watcher.subscribe(EDGE_EVENTS.report, { callback: (_err, msg) => void reports.push(msg.json()) });
    const nc = await connectNats({ servers: nats.url, name: 'test-control-plane', logger: silentLogger() });
    const store = createNatsRoutingStore({ nc, logger: silentLogger() });
    await store.replaceAll([routeNode('node1', origin.url)], { cacheEnabled: true });

    const answer = await eventually(async () => {
      const a = await request(`${edge.url}/cdn/hello?x=1`);
      return a.status === 200 ? a : undefined;
    });
    expect(answer?.headers['x-cdn-node']).toBe('node1');
    expect(origin.requests.at(-1)?.url).toBe('/hello?x=1');
    await eventually(() => reports.some((r) => (r as { data?: { edgeId?: string } }).data?.edgeId === 'edge-a'));

    await edge.stop('SIGTERM');
    expect(await edge.exited).toBe(0);
    const log = fs.readFileSync(path.join(cwd, 'edge.log'), 'utf8');
    expect(log).toContain('Edge edge-a listening on http://127.0.0.1:');
    expect(log).toMatch(/Forwarding GET \/cdn\/hello\?x=1 to node1/);
    expect(log).toMatch(/GET \/cdn\/hello\?x=1 200 MISS node1 response_time [\d.]+\n/);

    subscription.unsubscribe();
    await store.close();
    await nc.close();
    await watcher.close();
    await origin.close();
  });
});
