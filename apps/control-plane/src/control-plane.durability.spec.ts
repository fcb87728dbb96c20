import fs from 'node:fs';
import type { RoutingTable } from '@cdn/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { makeReadOnly } from './testing/read-only-dir';
import { eventually, LEVEL, messages, NODE1, NODE2, RunningControlPlane, startControlPlane } from './testing/start-control-plane';

const running: RunningControlPlane[] = [];
const undo: (() => void)[] = [];
async function start(options: Parameters<typeof startControlPlane>[0] = {}) {
  const cp = await startControlPlane({ timings: { stateSnapshotMs: 100 }, ...options });
  running.push(cp);
  return cp;
}
afterEach(async () => {
  for (const restore of undo.splice(0)) restore();
  await Promise.all(running.splice(0).map((cp) => cp.close()));
});

const readFile = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));
const metric = async (cp: RunningControlPlane, line: string) => (await cp.registry.metrics()).split('\n').find((l) => l.startsWith(line));

/** The routing table an edge of this control plane would see now. */
async function routedIds(cp: RunningControlPlane): Promise<string[]> {
  let table: RoutingTable | undefined;
  const source = cp.bus.source();
  await source.start((t) => (table = t));
  await source.close();
  return table!.nodes.map((n) => n.id).sort();
}

describe('changes that cannot be saved', () => {
  it('a read-only state directory refuses the registration with 503 and routes nothing new', async () => {
    const cp = await start();
    expect((await cp.call('POST', '/register_node', JSON.stringify(NODE1))).status).toBe(200);
    undo.push(makeReadOnly(cp.dir));

    const refused = await cp.call('POST', '/register_node', JSON.stringify(NODE2));
    expect(refused.status).toBe(503);
    expect(refused.body).toEqual({ error: 'state_not_writable', message: expect.stringContaining(`cannot be saved to ${cp.file}`), file: cp.file });
    expect((await cp.call('GET', '/nodes')).body.nodes.map((n: { id: string }) => n.id)).toEqual(['node1']);
    expect(await routedIds(cp)).toEqual(['node1']);
    expect(Object.keys(readFile(cp.file))).toEqual(['node1']);

    // Deregistrations and drains are refused alike; heartbeats are not (they wait for the next snapshot).
    expect((await cp.call('DELETE', '/nodes/node1')).body.error).toBe('state_not_writable');
    expect((await cp.call('PATCH', '/nodes/node1', JSON.stringify({ state: 'draining' }))).body.error).toBe('state_not_writable');
    expect((await cp.call('GET', '/nodes/node1')).body.status).toBe('active');
    expect((await cp.call('POST', '/heartbeat/node1')).status).toBe(200);

    const ready = await cp.call('GET', '/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ error: 'not_ready', reasons: [expect.stringContaining(`Cannot save the node state to ${cp.file}`)] });
    // One ERROR for the episode, however many saves failed; a WARNING per refused change.
    await new Promise((r) => setTimeout(r, 300));
    expect(messages(cp.logs, LEVEL.error).filter((m) => m.startsWith('Cannot save the node state'))).toHaveLength(1);
    expect(messages(cp.logs, LEVEL.warn)).toContainEqual(expect.stringMatching(/^Refused to register node node2: The node state cannot be saved/));
    expect(await metric(cp, 'cdn_cp_state_refused_changes_total{reason="not_writable"}')).toBe('cdn_cp_state_refused_changes_total{reason="not_writable"} 3');
    expect(await metric(cp, 'cdn_cp_state_problem{kind="not_writable"}')).toBe('cdn_cp_state_problem{kind="not_writable"} 1');

    // Writable again: the periodic retry succeeds, /readyz is ready and changes are taken again.
    undo.pop()!();
    await eventually(async () => (await cp.call('GET', '/readyz')).status === 200, 5_000);
    expect(messages(cp.logs, LEVEL.info)).toContainEqual(expect.stringMatching(/^Node state saved to .* again after \d+ s of failures/));
    expect((await cp.call('POST', '/register_node', JSON.stringify(NODE2))).status).toBe(200);
    expect(Object.keys(readFile(cp.file))).toEqual(['node1', 'node2']);
    expect(await routedIds(cp)).toEqual(['node1', 'node2']);
  });
});

describe('how often cdn_nodes.json is written', () => {
  it('heartbeats cost no write of their own; a shutdown saves them', async () => {
    const cp = await start({ timings: { stateSnapshotMs: 60_000 } });
    await cp.call('POST', '/register_node', JSON.stringify(NODE1));
    const writes = async () => Number((await metric(cp, 'cdn_cp_state_writes_total{result="ok"}'))!.split(' ')[1]);
    const before = await writes();
    cp.clock.advance(5_000);
    for (let i = 0; i < 20; i++) expect((await cp.call('POST', '/heartbeat/node1', JSON.stringify({ current_load: i }))).status).toBe(200);
    expect(await writes()).toBe(before);
    expect(readFile(cp.file).node1.current_load).toBe(0);
    await cp.close();
    running.splice(running.indexOf(cp), 1);
    expect(readFile(cp.file).node1.current_load).toBe(19);
    expect(Date.parse(readFile(cp.file).node1.last_heartbeat)).toBeGreaterThanOrEqual(cp.clock.now() - 1_000);
  });

  it('heartbeats reach the file with the next periodic snapshot', async () => {
    const cp = await start({ timings: { stateSnapshotMs: 100 } });
    await cp.call('POST', '/register_node', JSON.stringify(NODE1));
    await cp.call('POST', '/heartbeat/node1', JSON.stringify({ current_load: 7 }));
    await eventually(() => readFile(cp.file).node1.current_load === 7, 3_000);
  });

  it('concurrent registrations share their saves, and each is on disk when it is answered', async () => {
    const cp = await start();
    const ids = Array.from({ length: 40 }, (_, i) => `node-${i}`);
    await Promise.all(
      ids.map(async (id) => {
        const res = await cp.call('POST', '/register_node', JSON.stringify({ ...NODE1, id }));
        expect(res.status).toBe(200);
        expect(readFile(cp.file)).toHaveProperty(id);
      }),
    );
    const writes = Number((await metric(cp, 'cdn_cp_state_writes_total{result="ok"}'))!.split(' ')[1]);
    expect(writes).toBeLessThan(ids.length);
  });

  it('a re-registration that changes nothing saved is answered without waiting for a save', async () => {
    const cp = await start();
    await cp.call('POST', '/register_node', JSON.stringify(NODE1));
    undo.push(makeReadOnly(cp.dir));
    expect((await cp.call('POST', '/register_node', JSON.stringify(NODE1))).status).toBe(200);
    expect((await cp.call('POST', '/register_node', JSON.stringify({ ...NODE1, capacity: 5 }))).status).toBe(503);
  });
});
