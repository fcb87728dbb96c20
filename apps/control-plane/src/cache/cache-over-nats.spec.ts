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
  watchNatsConnection,
} from '@cdn/shared';
import { Registry } from 'prom-client';
import { eventually } from '../../../../test/support/ports';
import { startNats, stopAll } from '../../../../test/support/processes';
import { ControlPlane, createControlPlane } from '../control-plane';
import { tempDir, testConfig } from '../testing/start-control-plane';
import { createNatsOperationStore } from './store/nats-operation-store';

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

describe('cache operations when NATS fails', () => {
  /** A control plane on its own NATS, as main.ts builds it: commands on NATS, operations in the KV bucket. */
  async function natsControlPlane(natsUrl: string, dir: string) {
    const nc = await connectNats({ servers: natsUrl, name: 'cp', logger: silentLogger() });
    const commands = createNatsCacheCommandBus({ nc, logger: silentLogger() });
    const routing = new InProcessBus();
    const registry = new Registry();
    const plane = await createControlPlane({
      config: testConfig(dir),
      logger: silentLogger(),
      store: routing.store,
      source: routing.source(),
      transport: { kind: 'nats', servers: natsUrl },
      cacheCommands: commands,
      busConnection: watchNatsConnection(nc, natsUrl),
      operations: createNatsOperationStore({ nc, logger: silentLogger() }),
      nodeLoads: routing.nodeLoads,
      registry,
      timings: { cacheResendMs: 200 },
    });
    const http = await serve(plane.handler);
    return {
      ...http,
      registry,
      async close() {
        http.server.closeAllConnections();
        http.server.close();
        await plane.close();
        await commands.close();
        await nc.close();
      },
    };
  }

  it('a purge sent while NATS is down answers 503 and creates no operation', async () => {
    const nats = await startNats();
    const plane = await natsControlPlane(nats.url, tempDir());
    try {
      await nats.stop();
      const res = await eventually(async () => {
        const answer = await fetch(`${plane.url}/cache/purge`, { method: 'POST', body: JSON.stringify({ urls: ['/a'] }), headers: { 'content-type': 'application/json' } });
        return answer.status === 503 ? answer : undefined;
      });
      expect(await res!.json()).toEqual({ error: 'bus_unavailable', message: expect.stringContaining(`NATS at ${nats.url} is not connected`) });
      const metrics = await plane.registry.metrics();
      expect(metrics).toMatch(/cdn_cp_cache_operations_refused_total\{type="purge",reason="bus_unavailable"\} [1-9]/);
      expect(metrics).not.toContain('cdn_cp_cache_operations_accepted_total{type="purge"}');
      expect(metrics).toContain('cdn_cp_cache_operations_pending 0');
    } finally {
      await plane.close();
    }
  });

  it('an operation survives a control-plane restart', async () => {
    const nats = await startNats();
    const edgeConnection = await connectNats({ servers: nats.url, name: 'edge', logger: silentLogger() });
    const edge = createNatsCacheCommandBus({ nc: edgeConnection, logger: silentLogger() });
    const events = createNatsEdgeEventPublisher({ nc: edgeConnection, logger: silentLogger() });
    let answering = false;
    const heard: CacheCommand[] = [];
    edge.subscribe((command) => {
      heard.push(command);
      if (answering && command.type === 'purge') events.publish(EDGE_EVENTS.receipt, { operationId: command.operationId, edgeId: 'edge-k', applied: true, entriesAffected: 1, errors: [], finishedAt: Date.now() });
    });
    const live = async (url: string) =>
      eventually(async () => {
        events.publish(EDGE_EVENTS.report, { edgeId: 'edge-k', revision: 0, reportedAt: Date.now(), startedAt: 1 });
        return ((await (await fetch(`${url}/edges`)).json()) as { edges: unknown[] }).edges.length === 1;
      });

    const first = await natsControlPlane(nats.url, tempDir());
    await live(first.url);
    const res = await fetch(`${first.url}/cache/purge`, { method: 'POST', body: JSON.stringify({ urls: ['/kept'] }), headers: { 'content-type': 'application/json' } });
    const { operation_id: id } = (await res.json()) as { operation_id: string };
    await first.close();

    // Another control plane (another directory: nothing of the first but NATS) answers for it and delivers it.
    const second = await natsControlPlane(nats.url, tempDir());
    try {
      expect(await (await fetch(`${second.url}/operations/${id}`)).json()).toMatchObject({ operation_id: id, complete: false, pending_edges: ['edge-k'] });
      answering = true;
      await live(second.url);
      await eventually(async () => ((await (await fetch(`${second.url}/operations/${id}`)).json()) as { complete: boolean }).complete);
      expect(heard.at(-1)).toMatchObject({ operationId: id, edges: ['edge-k'] });
    } finally {
      await second.close();
      await edge.close();
      await edgeConnection.close();
    }
  });
});

async function serve(handler: http.RequestListener) {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}
