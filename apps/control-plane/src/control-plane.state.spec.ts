import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { LEVEL, messages, NODE1, NODE2, RunningControlPlane, startControlPlane, tempDir } from './testing/start-control-plane';

const running: RunningControlPlane[] = [];
async function start(options: Parameters<typeof startControlPlane>[0] = {}) {
  const cp = await startControlPlane(options);
  running.push(cp);
  return cp;
}
afterEach(async () => {
  await Promise.all(running.splice(0).map((cp) => cp.close()));
});

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

  it('records heartbeats in the file', async () => {
    const cp = await start();
    await cp.call('POST', '/register_node', JSON.stringify(NODE1));
    const before = readFile(cp.file).node1.last_heartbeat;
    cp.clock.advance(5_000);
    await cp.call('POST', '/heartbeat/node1', JSON.stringify({ current_load: 9 }));
    const after = readFile(cp.file).node1;
    expect(Date.parse(after.last_heartbeat) - Date.parse(before)).toBeGreaterThanOrEqual(5_000);
    expect(after.current_load).toBe(9);
  });

  it('is loaded again after a restart, in order', async () => {
    const dir = tempDir();
    const first = await start({ dir });
    await first.call('POST', '/register_node', JSON.stringify(NODE2));
    await first.call('POST', '/register_node', JSON.stringify(NODE1));
    await first.call('POST', '/heartbeat/node1', JSON.stringify({ current_load: 3 }));
    const listed = (await first.call('GET', '/nodes')).body;
    await first.close();
    running.splice(running.indexOf(first), 1);

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

  it('a corrupt file is reported at ERROR and kept aside, never overwritten', async () => {
    const dir = tempDir();
    fs.writeFileSync(`${dir}/cdn_nodes.json`, '{"node1": {"url": ');
    const cp = await start({ dir });
    expect((await cp.call('GET', '/nodes')).body).toEqual({ nodes: [] });
    const errors = messages(cp.logs, LEVEL.error);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/unusable \(not valid JSON: .*\); kept it as .*cdn_nodes\.json\.corrupt-/);
    const kept = fs.readdirSync(dir).filter((f) => f.startsWith('cdn_nodes.json.corrupt-'));
    expect(kept).toHaveLength(1);
    expect(fs.readFileSync(`${dir}/${kept[0]}`, 'utf8')).toBe('{"node1": {"url": ');

    await cp.call('POST', '/register_node', JSON.stringify(NODE1));
    expect(Object.keys(readFile(cp.file))).toEqual(['node1']);
    expect(fs.readFileSync(`${dir}/${kept[0]}`, 'utf8')).toBe('{"node1": {"url": ');
  });
});
