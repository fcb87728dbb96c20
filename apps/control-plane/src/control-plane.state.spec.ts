import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { controlPlaneStarter, eventually, LEVEL, messages, NODE1, NODE2, tempDir } from './testing/start-control-plane';

const start = controlPlaneStarter();

const readFile = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));

describe('cdn_nodes.json', () => {
  it('holds every answered change in the seed format', async () => {
    const cp = await start();
    await cp.call('POST', '/register_node', JSON.stringify(NODE1));
    const saved = readFile(cp.file);
    expect(saved).toEqual({
      node1: {
        url: 'http://cdn1.example.com',
        location: 'Beijing',
        capacity: 100,
        heartbeat_interval: 10,
        last_heartbeat: expect.any(String),
        is_active: true,
        fail_count: 0,
        current_load: 0,
      },
    });
    expect(fs.readFileSync(cp.file, 'utf8')).toMatch(/^\{\n {4}"node1": \{\n {8}"url"/);
  });

  it('is loaded again after a restart, in order', async () => {
    const dir = tempDir();
    const first = await start({ dir });
    await first.call('POST', '/register_node', JSON.stringify(NODE2));
    await first.call('POST', '/register_node', JSON.stringify(NODE1));
    await first.call('POST', '/heartbeat/node1', JSON.stringify({ current_load: 3 }));
    const listed = (await first.call('GET', '/nodes')).body;
    await first.close();

    const second = await start({ dir });
    expect((await second.call('GET', '/nodes')).body).toEqual(listed);
    expect(messages(second.logs, LEVEL.info)).toContain(`Loaded 2 node(s) from ${second.file}`);
  });

  it('a restored backup (the manual’s example file) is loaded', async () => {
    const dir = tempDir();
    const backup = {
      node1: { url: 'http://cdn1.example.com', location: 'Beijing', capacity: 100, heartbeat_interval: 10, last_heartbeat: new Date().toISOString(), is_active: true, fail_count: 0, current_load: 5 },
    };
    fs.writeFileSync(`${dir}/cdn_nodes.json`, JSON.stringify(backup, null, 4));
    const cp = await start({ dir });
    expect((await cp.call('GET', '/nodes')).body.nodes).toEqual([
      { id: 'node1', url: 'http://cdn1.example.com', location: 'Beijing', capacity: 100, current_load: 5, status: 'active', last_heartbeat: backup.node1.last_heartbeat },
    ]);
  });

  it('--reset-config starts empty and writes {}', async () => {
    const dir = tempDir();
    const first = await start({ dir });
    await first.call('POST', '/register_node', JSON.stringify(NODE1));
    const cp = await start({ dir, config: { resetConfig: true } });
    expect((await cp.call('GET', '/nodes')).body).toEqual({ nodes: [] });
    expect(readFile(cp.file)).toEqual({});
  });

  it('one bad node in cdn_nodes.json keeps the other 1,039', async () => {
    const dir = tempDir();
    const node = (i: number) => ({ url: `http://10.0.${i >> 8}.${i & 255}:8080`, location: 'Beijing', capacity: 100, heartbeat_interval: 10, last_heartbeat: new Date().toISOString(), is_active: true, fail_count: 0, current_load: 0 });
    const saved: Record<string, unknown> = {};
    for (let i = 0; i < 1_040; i++) saved[`node${i}`] = node(i);
    saved.node517 = { ...node(517), capacity: 'lots' };
    const original = JSON.stringify(saved, null, 4);
    fs.writeFileSync(`${dir}/cdn_nodes.json`, original);

    const cp = await start({ dir, timings: { stateSnapshotMs: 100 } });
    const listed = (await cp.call('GET', '/nodes')).body.nodes as { id: string }[];
    expect(listed).toHaveLength(1_039);
    expect(listed.some((n) => n.id === 'node517')).toBe(false);
    expect((await cp.call('GET', '/readyz')).status).toBe(200);
    const errors = messages(cp.logs, LEVEL.error);
    expect(errors[0]).toMatch(/^Node "node517" in .*cdn_nodes\.json is invalid and was not loaded: capacity: /);
    expect(errors[1]).toMatch(/^Loaded 1039 node\(s\) from .* and left out 1 invalid node\(s\); the file as it was is kept as .*cdn_nodes\.json\.corrupt-/);
    expect(await cp.registry.metrics()).toContain('cdn_cp_state_invalid_nodes 1');
    const kept = fs.readdirSync(dir).filter((f) => f.startsWith('cdn_nodes.json.corrupt-'));
    expect(kept).toHaveLength(1);
    expect(fs.readFileSync(`${dir}/${kept[0]}`, 'utf8')).toBe(original);
    // The next save rewrites the file without the bad node.
    await eventually(() => Object.keys(readFile(cp.file)).length === 1_039, 5_000);
  });

  it('an unparsable nodes file keeps the server not ready', async () => {
    const dir = tempDir();
    fs.writeFileSync(`${dir}/cdn_nodes.json`, '{"node1": {"url": ');
    const cp = await start({ dir });
    const ready = await cp.call('GET', '/readyz');
    expect(ready.status).toBe(503);
    const kept = fs.readdirSync(dir).filter((f) => f.startsWith('cdn_nodes.json.corrupt-'));
    expect(kept).toHaveLength(1);
    expect(ready.body.error).toBe('not_ready');
    expect(ready.body.reasons).toEqual([expect.stringContaining(`${cp.file} is unusable (not valid JSON`)]);
    expect(ready.body.reasons[0]).toContain(`a copy is kept as ${dir}/${kept[0]}`);
    expect(ready.body.reasons[0]).toContain('restart with --reset-config');
    const errors = messages(cp.logs, LEVEL.error);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/unusable \(not valid JSON: .*\); kept a copy as .*cdn_nodes\.json\.corrupt-/);

    // Nothing changes until an operator acts: no registration, no routing published, the file left as it is.
    const refused = await cp.call('POST', '/register_node', JSON.stringify(NODE1));
    expect(refused).toMatchObject({ status: 503, body: { error: 'state_not_loaded' } });
    let revision = -1;
    const source = cp.bus.source();
    await source.start((table) => (revision = table.revision));
    expect(revision).toBe(0);
    expect(fs.readFileSync(cp.file, 'utf8')).toBe('{"node1": {"url": ');
    expect(fs.readFileSync(`${dir}/${kept[0]}`, 'utf8')).toBe('{"node1": {"url": ');
    await cp.close();

    // Acting means restarting with the file fixed, or with --reset-config.
    const reset = await start({ dir, config: { resetConfig: true } });
    expect((await reset.call('GET', '/readyz')).status).toBe(200);
    expect(readFile(reset.file)).toEqual({});
  });
});
