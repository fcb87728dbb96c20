import { afterEach, describe, expect, it } from 'vitest';
import { buildRoutingTable, RoutingTable } from '@cdn/shared';
import { Origin, startOrigin } from '../../../test/support/origin';
import { EdgeHarness, request, routeNode, startEdge } from '../test/edge-harness';
import { createLateBoundSource, LateBoundSource } from './bus/late-bound';

const T = Date.parse('2026-05-06T07:08:09.010Z');
const SAVED_AT = T - 90_000;
let edge: EdgeHarness | undefined;
let origin: Origin;
let source: LateBoundSource;
let applied: RoutingTable[];

afterEach(async () => {
  await edge?.close();
  await origin?.close();
});

/** An edge whose routing source, like NATS here, is not there yet, started with a saved table of revision 12. */
async function edgeWithSavedTable(settings = { cacheEnabled: true }) {
  origin = await startOrigin('saved-node');
  source = createLateBoundSource();
  applied = [];
  edge = await startEdge({
    source,
    now: () => T,
    edge: {
      savedTable: { table: buildRoutingTable(12, [routeNode('node1', origin.url)], settings), savedAt: SAVED_AT, from: '/var/lib/cdn-edge', leftOut: 1 },
      onTableApplied: (table) => applied.push(table),
      waitingFor: () => 'NATS at nats://127.0.0.1:4222',
    },
  });
  return edge;
}

const metric = async (e: EdgeHarness, line: string) => (await e.registry.metrics()).split('\n').find((l) => l.startsWith(line));

describe('an edge started from a saved routing table', () => {
  it('serves from it at once, and /readyz says it is the saved table, when it was saved and how old it is', async () => {
    const e = await edgeWithSavedTable();
    const answer = await request(`${e.url}/cdn/hello`);
    expect(answer.status).toBe(200);
    expect(answer.headers['x-cdn-node']).toBe('node1');
    const ready = await request(`${e.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.json()).toEqual({
      status: 'ready',
      revision: 12,
      table: 'saved',
      saved_at: '2026-05-06T07:06:39.010Z',
      age_seconds: 90,
      waiting_for: 'NATS at nats://127.0.0.1:4222',
    });
  });

  it('says so at WARNING, with its time, revision, size, age and directory', async () => {
    const e = await edgeWithSavedTable();
    expect(e.logs.filter((l) => l.level === 40).map((l) => l.msg)).toContain(
      'Serving the routing table saved at 2026-05-06T07:06:39.010Z (revision 12, 1 nodes, 1 active; 1 min old) from /var/lib/cdn-edge until NATS at nats://127.0.0.1:4222 answers',
    );
  });

  it('shows its source and age in metrics, and counts the entries of the file left out', async () => {
    const e = await edgeWithSavedTable();
    expect(await metric(e, 'cdn_edge_routing_table_source{source="saved"}')).toBe('cdn_edge_routing_table_source{source="saved"} 1');
    expect(await metric(e, 'cdn_edge_routing_table_source{source="live"}')).toBe('cdn_edge_routing_table_source{source="live"} 0');
    expect(await metric(e, 'cdn_edge_routing_table_age_seconds')).toBe('cdn_edge_routing_table_age_seconds 90');
    expect(await metric(e, 'cdn_edge_routing_rejected_entries_total{stage="saved"}')).toBe('cdn_edge_routing_rejected_entries_total{stage="saved"} 1');
  });

  it('follows the cache switch saved with it', async () => {
    const e = await edgeWithSavedTable({ cacheEnabled: false });
    await request(`${e.url}/cdn/cached`);
    expect((await request(`${e.url}/cdn/cached`)).headers['x-cache']).toBe('BYPASS');
  });

  it('reports that its table is the saved one, and when it was saved', async () => {
    const e = await edgeWithSavedTable();
    expect(e.reports.at(-1)).toMatchObject({ edgeId: 'edge-test', revision: 12, table: 'saved', tableSavedAt: SAVED_AT });
  });

  it('does not write the saved table back: only live tables are handed on to be saved', async () => {
    await edgeWithSavedTable();
    expect(applied).toEqual([]);
  });

  it('gives way to the live table as soon as it arrives, even at a lower revision: the live bucket wins', async () => {
    const e = await edgeWithSavedTable();
    await e.bus.store.putNode(routeNode('node2', origin.url));
    await source.attach(e.bus.source());
    await e.settle();

    expect((await request(`${e.url}/readyz`)).json()).toEqual({ status: 'ready', revision: 1, table: 'live' });
    expect((await request(`${e.url}/cdn/after`)).headers['x-cdn-node']).toBe('node2');
    expect(e.logs.filter((l) => l.level === 40).map((l) => l.msg)).toContain(
      'Reconciled to live routing revision 1 (was serving saved revision 12); the live revision is lower, so the routing bucket was recreated since the table was saved, and the live bucket wins',
    );
    expect(applied.map((t) => t.revision)).toEqual([1]);
    expect(e.reports.at(-1)).toMatchObject({ revision: 1, table: 'live' });
    expect(e.reports.at(-1)).not.toHaveProperty('tableSavedAt');
    expect(await metric(e, 'cdn_edge_routing_table_source{source="live"}')).toBe('cdn_edge_routing_table_source{source="live"} 1');
    expect(await metric(e, 'cdn_edge_routing_table_age_seconds')).toBe('cdn_edge_routing_table_age_seconds 0');
  });

  it('logs the reconciliation at INFO when the live revision is the same or newer', async () => {
    const e = await edgeWithSavedTable();
    for (let i = 0; i < 13; i++) await e.bus.store.putSettings({ cacheEnabled: true });
    await source.attach(e.bus.source());
    await e.settle();
    expect(e.logs.filter((l) => l.level === 30).map((l) => l.msg)).toContain('Reconciled to live routing revision 13 (was serving saved revision 12)');
  });
});

describe('saving applied tables', () => {
  it('never stops the edge from serving, even when the saver throws', async () => {
    origin = await startOrigin('node');
    edge = await startEdge({
      edge: {
        onTableApplied: () => {
          throw new Error('disk on fire');
        },
      },
    });
    await edge.putNodes(routeNode('node1', origin.url));
    expect((await request(`${edge.url}/cdn/still-serving`)).headers['x-cdn-node']).toBe('node1');
    expect(edge.logs.filter((l) => l.level === 50).map((l) => l.msg)).toContain('The listener of applied routing tables failed on revision 1');
  });
});

describe('an edge without a saved table and without its routing source', () => {
  it('stays 503 not_ready, saying what it waits for and that it has no saved table', async () => {
    source = createLateBoundSource();
    edge = await startEdge({ source, edge: { waitingFor: () => 'NATS at nats://127.0.0.1:4222', noSavedTable: 'no --state-dir to start from' } });
    const ready = await request(`${edge.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(ready.json()).toEqual({
      error: 'not_ready',
      message: 'No routing table yet: waiting for NATS at nats://127.0.0.1:4222; no --state-dir to start from.',
      reasons: ['waiting for NATS at nats://127.0.0.1:4222', 'no --state-dir to start from'],
    });
    const cdn = await request(`${edge.url}/cdn/hello`);
    expect(cdn.status).toBe(503);
    expect(cdn.json()).toMatchObject({ error: 'not_ready' });
    expect(await metric(edge, 'cdn_edge_routing_table_source{source="saved"}')).toBe('cdn_edge_routing_table_source{source="saved"} 0');
    expect(await metric(edge, 'cdn_edge_routing_table_source{source="live"}')).toBe('cdn_edge_routing_table_source{source="live"} 0');
  });
});
