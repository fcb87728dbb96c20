import { CacheCommand, EDGE_EVENTS } from '@cdn/shared';
import { describe, expect, it } from 'vitest';
import { controlPlaneStarter, eventually, LEVEL, messages, RunningControlPlane, tempDir } from './testing/start-control-plane';

const start = controlPlaneStarter((options) => ({ timings: { cacheResendMs: 100 }, ...options }));

/** A fake edge on the control plane's bus: reports itself live, and answers the commands `answer` accepts. */
function fakeEdge(cp: RunningControlPlane, edgeId: string, answer: (command: CacheCommand, copy: number) => boolean = () => true) {
  const heard: CacheCommand[] = [];
  const report = () => cp.bus.events.publish(EDGE_EVENTS.report, { edgeId, revision: 1, reportedAt: Date.now(), startedAt: 1 });
  const unsubscribe = cp.bus.cacheCommands.subscribe((command) => {
    if (command.type !== 'purge' && command.type !== 'warm') return;
    if (command.edges && !command.edges.includes(edgeId)) return;
    heard.push(command);
    const copy = heard.filter((c) => 'operationId' in c && c.operationId === command.operationId).length;
    if (answer(command, copy)) {
      cp.bus.events.publish(EDGE_EVENTS.receipt, { operationId: command.operationId, edgeId, applied: true, entriesAffected: 1, errors: [], finishedAt: Date.now() });
    }
  });
  return { heard, report, unsubscribe, live: async () => eventually(async () => { report(); return (await cp.call('GET', '/edges')).body.edges.some((e: { id: string; status: string }) => e.id === edgeId && e.status === 'live'); }) };
}

const purge = (cp: RunningControlPlane, body: unknown = { urls: ['/a'] }) => cp.call('POST', '/cache/purge', JSON.stringify(body));
const operation = async (cp: RunningControlPlane, id: string) => (await cp.call('GET', `/operations/${id}`)).body;

describe('delivery of cache operations', () => {
  it('a purge reaches an edge that missed the first send', async () => {
    const cp = await start();
    // The first copy is lost on the way (as on a bus that dropped it); the edge answers the next one.
    const edge = fakeEdge(cp, 'edge-a', (_command, copy) => copy >= 2);
    await edge.live();
    const { body } = await purge(cp);
    const done = await eventually(async () => {
      const view = await operation(cp, body.operation_id);
      return view.complete ? view : undefined;
    });
    expect(done).toMatchObject({ pending_edges: [], lost_edges: [], receipts: [{ edge: 'edge-a' }] });
    expect(done.sends).toBeGreaterThanOrEqual(2);
    expect(edge.heard[1]).toMatchObject({ type: 'purge', operationId: body.operation_id, edges: ['edge-a'] });
    expect(messages(cp.logs, LEVEL.info)).toContainEqual(expect.stringMatching(new RegExp(`^Cache purge ${body.operation_id}: sent again to edge-a \\(no receipt after`)));
    expect(await cp.registry.metrics()).toMatch(/cdn_cp_cache_operation_resends_total\{type="purge"\} [1-9]/);
    expect(await cp.registry.metrics()).toContain('cdn_cp_cache_operations_completed_total{type="purge",result="answered"} 1');
  });

  it('a lost edge completes the operation and is named', async () => {
    const cp = await start();
    const a = fakeEdge(cp, 'edge-a');
    const b = fakeEdge(cp, 'edge-b', () => false);
    await a.live();
    await b.live();
    const { body } = await purge(cp, { tags: ['news'] });
    await eventually(async () => (await operation(cp, body.operation_id)).receipts.length === 1);
    expect(await operation(cp, body.operation_id)).toMatchObject({ complete: false, pending_edges: ['edge-b'] });

    // edge-b falls silent; edge-a keeps reporting. Past ~10 s without a report, edge-b is lost.
    cp.clock.advance(11_000);
    a.report();
    const done = await eventually(async () => {
      const view = await operation(cp, body.operation_id);
      return view.complete ? view : undefined;
    }, 5_000);
    expect(done).toMatchObject({ pending_edges: [], lost_edges: ['edge-b'], receipts: [{ edge: 'edge-a' }] });
    expect(done.warnings).toEqual([]);
    expect(messages(cp.logs, LEVEL.warn)).toContain(`Cache purge ${body.operation_id}: edge edge-b was lost before it answered; no longer waiting for it`);
    expect(messages(cp.logs, LEVEL.warn)).toContainEqual(expect.stringContaining(`Cache operation ${body.operation_id} complete without edge(s) edge-b, lost before they answered`));
    expect(await cp.registry.metrics()).toContain('cdn_cp_cache_operations_completed_total{type="purge",result="edges_lost"} 1');

    // Back again, it is sent what it missed, and its answer is recorded.
    b.unsubscribe();
    const back = fakeEdge(cp, 'edge-b');
    await back.live();
    await eventually(async () => (await operation(cp, body.operation_id)).receipts.length === 2, 5_000);
    expect(await operation(cp, body.operation_id)).toMatchObject({ complete: true, lost_edges: [] });
  });

  it('an operation survives a control-plane restart', async () => {
    const dir = tempDir();
    const first = await start({ dir });
    const before = fakeEdge(first, 'edge-a', () => false);
    await before.live();
    const answered = fakeEdge(first, 'edge-b');
    await answered.live();
    const pending = (await purge(first, { prefixes: ['/img/'] })).body.operation_id as string;
    await eventually(async () => (await operation(first, pending)).receipts.length === 1);
    await first.close();

    // The restarted control plane answers for it, and goes on delivering it to the edge that had not answered.
    const second = await start({ dir });
    expect(await operation(second, pending)).toMatchObject({ operation_id: pending, complete: false, pending_edges: ['edge-a'], receipts: [{ edge: 'edge-b' }] });
    expect(messages(second.logs, LEVEL.info)).toContainEqual(expect.stringMatching(/^Restored 1 cache operation\(s\) from the file .*cdn_nodes\.operations\.json, 1 still waiting for receipts$/));
    const after = fakeEdge(second, 'edge-a');
    await after.live();
    await eventually(async () => (await operation(second, pending)).complete, 5_000);
    expect(after.heard[0]).toMatchObject({ operationId: pending, edges: ['edge-a'], prefixes: ['/cdn/img/'] });
  });
});
