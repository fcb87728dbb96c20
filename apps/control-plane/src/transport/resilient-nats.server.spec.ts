import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from '@nats-io/transport-node';
import { afterAll, describe, expect, it } from 'vitest';
import { EDGE_EVENTS, encodeNestEvent, InProcessBus, silentLogger } from '@cdn/shared';
import { eventually, freePort } from '../../../../test/support/ports';
import { startNats, stopAll } from '../../../../test/support/processes';
import { createControlPlane } from '../control-plane';
import { tempDir, testConfig } from '../testing/start-control-plane';

afterAll(() => stopAll());

async function serve(handler: http.RequestListener) {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('edge reports over NATS', () => {
  it('the control plane starts while NATS is down and hears edges once NATS comes up', async () => {
    const port = await freePort();
    const bus = new InProcessBus();
    const cp = await createControlPlane({
      config: testConfig(tempDir()),
      logger: silentLogger(),
      store: bus.store,
      source: bus.source(),
      transport: { kind: 'nats', servers: `nats://127.0.0.1:${port}` },
      cacheCommands: bus.cacheCommands,
      nodeLoads: bus.nodeLoads,
    });
    const { server, url } = await serve(cp.handler);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    const nats = await startNats({ port });
    const nc = await connect({ servers: nats.url });
    const report = () => nc.publish(EDGE_EVENTS.report, encodeNestEvent(EDGE_EVENTS.report, { edgeId: 'edge-late', revision: 1, reportedAt: Date.now(), startedAt: Date.now() }));
    await eventually(async () => {
      report();
      const body = (await (await fetch(`${url}/edges`)).json()) as { edges: unknown[] };
      return body.edges.length === 1;
    }, 10_000);

    await nc.close();
    server.close();
    await cp.close();
  });

  it('closes promptly while NATS is still unreachable', async () => {
    const bus = new InProcessBus();
    const cp = await createControlPlane({
      config: testConfig(tempDir()),
      logger: silentLogger(),
      store: bus.store,
      source: bus.source(),
      transport: { kind: 'nats', servers: `nats://127.0.0.1:${await freePort()}` },
      cacheCommands: bus.cacheCommands,
      nodeLoads: bus.nodeLoads,
    });
    const started = Date.now();
    await cp.close();
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
