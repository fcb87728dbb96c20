/** GET /edges tells an operator which edges serve a routing table saved in their --state-dir instead of the live one. */
import { afterEach, describe, expect, it } from 'vitest';
import { EDGE_EVENTS, EdgeReport } from '@cdn/shared';
import { eventually, LEVEL, messages, RunningControlPlane, startControlPlane } from './testing/start-control-plane';

let cp: RunningControlPlane | undefined;
afterEach(async () => cp?.close());

const SAVED_AT = Date.parse('2026-05-06T07:08:09.010Z');
const startedAt = Date.now() - 60_000;
const report = (extra: Partial<EdgeReport>): EdgeReport => ({ edgeId: 'edge-a', revision: 12, reportedAt: Date.now(), startedAt, ...extra });

async function edgeView(id: string) {
  return eventually(async () => ((await cp!.call('GET', '/edges')).body.edges as { id: string }[]).find((e) => e.id === id) as Record<string, unknown> | undefined);
}

async function gauge(table: string): Promise<number | undefined> {
  const value = (await cp!.registry.getSingleMetric('cdn_cp_edge_tables')!.get()).values.find((v) => v.labels.table === table)?.value;
  return value;
}

describe('GET /edges and where each edge\'s routing table came from', () => {
  it('shows an edge serving a saved table, with when it was saved, and warns about it', async () => {
    cp = await startControlPlane();
    cp.bus.events.publish(EDGE_EVENTS.report, report({ table: 'saved', tableSavedAt: SAVED_AT }));
    expect(await edgeView('edge-a')).toMatchObject({ id: 'edge-a', revision: 12, table_source: 'saved', table_saved_at: '2026-05-06T07:08:09.010Z', status: 'live' });
    expect(messages(cp.logs, LEVEL.warn)).toContain(
      'Edge edge-a connected, serving the routing table it saved at 2026-05-06T07:08:09.010Z (revision 12) in its --state-dir, not the live one: it cannot read the routing bucket',
    );
    expect(await gauge('saved')).toBe(1);
    expect(await gauge('live')).toBe(0);
  });

  it('shows the edge on the live table once it caught up, and says so once', async () => {
    cp = await startControlPlane();
    cp.bus.events.publish(EDGE_EVENTS.report, report({ table: 'saved', tableSavedAt: SAVED_AT }));
    await edgeView('edge-a');
    cp.bus.events.publish(EDGE_EVENTS.report, report({ revision: 14, table: 'live' }));
    cp.bus.events.publish(EDGE_EVENTS.report, report({ revision: 14, table: 'live' }));
    await eventually(async () => (await edgeView('edge-a'))?.table_source === 'live');
    const view = await edgeView('edge-a');
    expect(view).not.toHaveProperty('table_saved_at');
    expect(messages(cp.logs, LEVEL.info).filter((m) => m.startsWith('Edge edge-a caught up'))).toEqual(['Edge edge-a caught up, serving routing revision 14 (was serving its saved table)']);
    expect(await gauge('saved')).toBe(0);
    expect(await gauge('live')).toBe(1);
  });

  it('takes a report without the field, from an edge that predates it, as live', async () => {
    cp = await startControlPlane();
    cp.bus.events.publish(EDGE_EVENTS.report, report({}));
    expect(await edgeView('edge-a')).toMatchObject({ table_source: 'live' });
  });

  it('ignores a report whose table source is neither live nor saved', async () => {
    cp = await startControlPlane();
    cp.bus.events.publish(EDGE_EVENTS.report, report({ table: 'disk' as never }));
    await eventually(() => messages(cp!.logs, LEVEL.warn).some((m) => m.startsWith('Ignored an invalid edge report: table:')));
    expect((await cp.call('GET', '/edges')).body.edges).toEqual([]);
  });
});
