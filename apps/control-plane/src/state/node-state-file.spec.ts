import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoredNode } from '@cdn/shared';
import { writeFileAtomic } from './atomic-write';
import { loadNodesFile, serializeEntries, serializeNode, serializeNodes, writeNodesFile } from './node-state-file';

const NODE: StoredNode = {
  url: 'http://cdn1.example.com',
  location: 'Beijing',
  capacity: 100,
  heartbeat_interval: 10,
  last_heartbeat: '2024-01-01T12:00:00',
  is_active: true,
  fail_count: 0,
  current_load: 5,
};
const NOW = Date.parse('2024-05-06T07:08:09.010Z');

let dir: string;
let file: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cp-state-'));
  file = path.join(dir, 'cdn_nodes.json');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it('replaces the file and leaves no temp file behind', async () => {
    fs.writeFileSync(file, 'old');
    await writeFileAtomic(file, 'new');
    expect(fs.readFileSync(file, 'utf8')).toBe('new');
    expect(fs.readdirSync(dir)).toEqual(['cdn_nodes.json']);
  });

  it('creates the directory the file goes in', async () => {
    const nested = path.join(dir, 'state', 'nodes.json');
    await writeFileAtomic(nested, '{}');
    expect(fs.readFileSync(nested, 'utf8')).toBe('{}');
  });

  it('leaves the old file whole when the write fails', async () => {
    fs.writeFileSync(file, 'old');
    // A directory in the target's place makes the rename fail after the temp file was written.
    const target = path.join(dir, 'taken');
    fs.mkdirSync(path.join(target, 'child'), { recursive: true });
    await expect(writeFileAtomic(target, 'new')).rejects.toThrow();
    expect(fs.readFileSync(file, 'utf8')).toBe('old');
    expect(fs.readdirSync(dir).sort()).toEqual(['cdn_nodes.json', 'taken']);
  });
});

describe('the node state file', () => {
  it('is written in the seed format: keyed by id, 4-space indents', async () => {
    await writeNodesFile(file, new Map([['node1', NODE]]));
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toBe(serializeNodes(new Map([['node1', NODE]])));
    expect(text).toContain('\n    "node1": {\n        "url": "http://cdn1.example.com",');
  });

  it('written node by node, is the text JSON.stringify gives the whole object with 4-space indents', () => {
    const nodes = { node1: NODE, 'n.2-x_y': { ...NODE, state: 'draining' as const, lat: 39.9, lon: -116.4, location: 'CN/"Bei\\jing"\n' } };
    expect(serializeEntries(Object.entries(nodes).map(([id, node]) => [id, serializeNode(node)] as const))).toBe(`${JSON.stringify(nodes, null, 4)}\n`);
    expect(serializeNodes(new Map(Object.entries(nodes)))).toBe(`${JSON.stringify(nodes, null, 4)}\n`);
    expect(serializeEntries([])).toBe('{}\n');
  });

  it('loads the seed manual example, including its zone-less timestamps', async () => {
    fs.writeFileSync(file, JSON.stringify({ node1: NODE, node2: { ...NODE, url: 'http://cdn2.example.com', location: 'Shanghai' } }, null, 4));
    const result = await loadNodesFile(file, { reset: false, now: NOW });
    expect(result).toEqual({
      kind: 'loaded',
      nodes: new Map([
        ['node1', NODE],
        ['node2', { ...NODE, url: 'http://cdn2.example.com', location: 'Shanghai' }],
      ]),
      invalid: [],
    });
  });

  it('reports a missing file', async () => {
    expect(await loadNodesFile(file, { reset: false, now: NOW })).toEqual({ kind: 'missing' });
  });

  it('copies a file that is not JSON aside and leaves it in place, to be fixed', async () => {
    fs.writeFileSync(file, '{"node1": {');
    const result = await loadNodesFile(file, { reset: false, now: NOW });
    expect(result).toEqual({ kind: 'unusable', reason: expect.stringContaining('not valid JSON'), keptAs: `${file}.corrupt-2024-05-06T07-08-09-010Z` });
    expect(fs.readFileSync(file, 'utf8')).toBe('{"node1": {');
    expect(fs.readFileSync(`${file}.corrupt-2024-05-06T07-08-09-010Z`, 'utf8')).toBe('{"node1": {');
  });

  it('loads the valid nodes of a file with invalid ones, naming each bad field, and keeps the file as it was', async () => {
    const original = JSON.stringify({ node1: { ...NODE, capacity: 'lots' }, node2: NODE, 'bad id!': NODE });
    fs.writeFileSync(file, original);
    const result = await loadNodesFile(file, { reset: false, now: NOW });
    expect(result).toEqual({
      kind: 'loaded',
      nodes: new Map([['node2', NODE]]),
      invalid: [
        { id: 'node1', problems: expect.stringMatching(/^capacity: /) },
        { id: 'bad id!', problems: expect.stringMatching(/^id: /) },
      ],
      keptAs: `${file}.corrupt-2024-05-06T07-08-09-010Z`,
    });
    expect(fs.readFileSync(`${file}.corrupt-2024-05-06T07-08-09-010Z`, 'utf8')).toBe(original);
  });

  it('refuses as a whole a file whose every node is invalid: an empty table would route nothing', async () => {
    fs.writeFileSync(file, JSON.stringify({ node1: { ...NODE, capacity: 'lots' } }));
    expect(await loadNodesFile(file, { reset: false, now: NOW })).toMatchObject({ kind: 'unusable', reason: expect.stringContaining('node1: capacity') });
  });

  it('refuses JSON that is not an object of nodes', async () => {
    fs.writeFileSync(file, '[1, 2]');
    expect(await loadNodesFile(file, { reset: false, now: NOW })).toMatchObject({ kind: 'unusable', reason: expect.stringContaining('an array') });
  });

  it('reuses the newest copy when the same bad file is loaded again, so a restart loop does not fill the disk', async () => {
    fs.writeFileSync(file, 'not json');
    const first = await loadNodesFile(file, { reset: false, now: NOW });
    const second = await loadNodesFile(file, { reset: false, now: NOW + 60_000 });
    expect(second).toEqual(first);
    fs.writeFileSync(file, 'other garbage');
    const third = await loadNodesFile(file, { reset: false, now: NOW + 120_000 });
    expect(third).not.toEqual(first);
    expect(fs.readdirSync(dir).filter((f) => f.includes('.corrupt-'))).toHaveLength(2);
  });

  // Hole 1 and hole 6: an older version saved what registration now refuses.
  it.each([
    ['__proto__', NODE, 'id: is reserved'],
    ['constructor', NODE, 'id: is reserved'],
    ['..', NODE, 'id: must not be'],
    ['node1', { ...NODE, url: 'http:/127.0.0.1:31101' }, 'url: is not written the way URL parsers read it; write it as http://127.0.0.1:31101/'],
    ['node1', { ...NODE, url: 'http://cdn1.example.com/?token=abc' }, 'url: must not have a query'],
    ['node1', { ...NODE, location: 'Beijing\n2024-01-01 ERROR forged' }, 'location: must not contain control characters'],
    ['node1', { ...NODE, capacity: 1e308 }, 'capacity: must be a positive number up to 1000000'],
  ])('does not load node %j that registration would refuse (%#)', async (id, node, reason) => {
    fs.writeFileSync(file, `{${JSON.stringify(id)}: ${JSON.stringify(node)}, "good": ${JSON.stringify(NODE)}}`);
    const result = await loadNodesFile(file, { reset: false, now: NOW });
    expect(result).toMatchObject({ kind: 'loaded', invalid: [{ id, problems: expect.stringContaining(reason) }] });
    expect(result.kind === 'loaded' && [...result.nodes.keys()]).toEqual(['good']);
  });

  it('--reset-config starts empty and writes {}', async () => {
    await writeNodesFile(file, new Map([['node1', NODE]]));
    expect(await loadNodesFile(file, { reset: true, now: NOW })).toEqual({ kind: 'reset' });
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({});
  });
});
