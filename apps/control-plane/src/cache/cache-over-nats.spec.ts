import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CacheCommand,
  CacheCommandBus,
  connectNats,
  createNatsCacheCommandBus,
  createNatsEdgeEventPublisher,
  EDGE_EVENTS,
  EdgeEventPublisher,
  InProcessBus,
  silentLogger,
} from '@cdn/shared';
import { eventually } from '../../../../test/support/ports';
import { startNats, stopAll } from '../../../../test/support/processes';
import { ControlPlane, createControlPlane } from '../control-plane';
import { tempDir, testConfig } from '../testing/start-control-plane';

let cp: ControlPlane;
let server: http.Server;
let url: string;
let cpNc: NatsConnection;
let edgeNc: NatsConnection;
let cpCommands: CacheCommandBus;
let edgeCommands: CacheCommandBus;
let edgeEvents: EdgeEventPublisher;

beforeAll(async () => {
  const nats = await startNats();
  cpNc = await connectNats({ servers: nats.url, name: 'cp', logger: silentLogger() });
  edgeNc = await connectNats({ servers: nats.url, name: 'edge', logger: silentLogger() });
  cpCommands = createNatsCacheCommandBus({ nc: cpNc, logger: silentLogger() });
  edgeCommands = createNatsCacheCommandBus({ nc: edgeNc, logger: silentLogger() });
  edgeEvents = createNatsEdgeEventPublisher({ nc: edgeNc, logger: silentLogger() });
  // Routing stays in-process here: this spec is about commands and receipts over NATS.
  const routing = new InProcessBus();
  cp = await createControlPlane({
    config: testConfig(tempDir()),
    logger: silentLogger(),
    store: routing.store,
    source: routing.source(),
    transport: { kind: 'nats', servers: nats.url },
    cacheCommands: cpCommands,
    nodeLoads: routing.nodeLoads,
  });
  server = http.createServer(cp.handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server?.closeAllConnections();
  server?.close();
  await cp?.close();
  await cpCommands?.close();
  await edgeCommands?.close();
  await Promise.all([cpNc?.close(), edgeNc?.close()]);
  await stopAll();
});

const operation = async (id: string) => (await (await fetch(`${url}/operations/${id}`)).json()) as { complete: boolean; pending_edges: string[]; receipts: unknown[] };

describe('cache operations over NATS', () => {
  it('a purge reaches an edge on NATS, and its receipt sent with the NATS EdgeEventPublisher completes the operation', async () => {
    const heard: CacheCommand[] = [];
    edgeCommands.subscribe((command) => heard.push(command));
    await edgeNc.flush();
    // The control plane's NATS transport subscribes in the background: report until it hears the edge.
    await eventually(async () => {
      edgeEvents.publish(EDGE_EVENTS.report, { edgeId: 'edge-nats', revision: 0, reportedAt: Date.now(), startedAt: Date.now() });
      const { edges } = (await (await fetch(`${url}/edges`)).json()) as { edges: unknown[] };
      return edges.length === 1;
    });

    const res = await fetch(`${url}/cache/purge`, { method: 'POST', body: JSON.stringify({ prefixes: ['/images/'] }), headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(202);
    const { operation_id: id } = (await res.json()) as { operation_id: string };
    await eventually(() => heard.length === 1);
    expect(heard[0]).toMatchObject({ type: 'purge', operationId: id, prefixes: ['/cdn/images/'], sharedTierBy: 'edge-nats' });
    expect(await operation(id)).toMatchObject({ complete: false, pending_edges: ['edge-nats'] });

    edgeEvents.publish(EDGE_EVENTS.receipt, { operationId: id, edgeId: 'edge-nats', applied: true, entriesAffected: 12, errors: [], finishedAt: Date.now() });
    await eventually(async () => (await operation(id)).complete);
    expect(await operation(id)).toMatchObject({ pending_edges: [], receipts: [{ edge: 'edge-nats', applied: true, entries_affected: 12, errors: [] }] });
  });
});
