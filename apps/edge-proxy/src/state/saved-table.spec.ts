import { describe, expect, it } from 'vitest';
import { buildRoutingTable, RouteNode } from '@cdn/shared';
import { decodeSavedTable, encodeSavedTable, encodeSavedTableInSlices, SavedTable } from './saved-table';

const node = (id: string, extra: Partial<RouteNode> = {}): RouteNode => ({ id, url: `http://127.0.0.1:9/${id}`, location: 'eu', capacity: 10, status: 'active', load: 0, ...extra });
const T = Date.parse('2026-05-06T07:08:09.010Z');
const saved: SavedTable = { table: buildRoutingTable(12, [node('b'), node('a', { lat: 1, lon: 2 })], { cacheEnabled: false }), appliedAt: T - 500, savedAt: T, edgeId: 'edge-a' };

/** The file's JSON, to damage one part of it. */
const fileOf = (s: SavedTable) => JSON.parse(encodeSavedTable(s));

describe('saved routing table codec', () => {
  it('reads back what it wrote: revision, nodes, the cache switch, when and by which edge', () => {
    const decoded = decodeSavedTable(encodeSavedTable(saved));
    expect(decoded).toEqual({ ok: true, saved, leftOut: [] });
  });

  it('writes one node per line under a readable head', () => {
    const text = encodeSavedTable(saved);
    expect(text.split('\n').filter((line) => line.trim().startsWith('{"id":'))).toHaveLength(2);
    expect(fileOf(saved)).toMatchObject({ format: 1, edge_id: 'edge-a', revision: 12, saved_at: '2026-05-06T07:08:09.010Z', settings: { cacheEnabled: false } });
  });

  it('writes the same text a slice of nodes at a time, pausing between slices', async () => {
    const many: SavedTable = { ...saved, table: buildRoutingTable(5, Array.from({ length: 2_500 }, (_, i) => node(`n${i}`)), { cacheEnabled: true }) };
    let pauses = 0;
    const text = await encodeSavedTableInSlices(many, async () => void pauses++);
    expect(text).toBe(encodeSavedTable(many));
    expect(pauses).toBe(2);
  });

  it('writes a table without nodes as an empty list, and reads it back', () => {
    const empty: SavedTable = { ...saved, table: buildRoutingTable(3, [], { cacheEnabled: true }) };
    expect(decodeSavedTable(encodeSavedTable(empty))).toEqual({ ok: true, saved: empty, leftOut: [] });
  });

  it('leaves out a node that fails the routing schema and keeps the others, as the live source does', () => {
    const file = fileOf(saved);
    file.nodes[0].capacity = -1;
    const decoded = decodeSavedTable(JSON.stringify(file));
    expect(decoded.ok && decoded.saved.table.nodes.map((n) => n.id)).toEqual(['b']);
    expect(decoded.ok && decoded.leftOut).toEqual([{ entry: 'node a', reason: expect.stringContaining('capacity') }]);
  });

  it('names a left-out node by its position when its id is no valid id', () => {
    const file = fileOf(saved);
    file.nodes[1].id = 'no spaces allowed';
    const decoded = decodeSavedTable(JSON.stringify(file));
    expect(decoded.ok && decoded.leftOut).toEqual([{ entry: 'node #1', reason: expect.stringContaining('id') }]);
  });

  it('keeps the first of two nodes with one id', () => {
    const file = fileOf(saved);
    file.nodes.push({ ...file.nodes[0], capacity: 99 });
    const decoded = decodeSavedTable(JSON.stringify(file));
    expect(decoded.ok && decoded.saved.table.nodes.find((n) => n.id === 'a')?.capacity).toBe(10);
    expect(decoded.ok && decoded.leftOut).toEqual([{ entry: 'node a', reason: 'listed twice; the first is kept' }]);
  });

  it('leaves out settings that fail the schema: the cache is on, as for a bucket without them', () => {
    const file = fileOf(saved);
    file.settings = { cacheEnabled: 'no' };
    const decoded = decodeSavedTable(JSON.stringify(file));
    expect(decoded.ok && decoded.saved.table.settings).toEqual({ cacheEnabled: true });
    expect(decoded.ok && decoded.leftOut.map((l) => l.entry)).toEqual(['settings']);
  });

  it.each([
    ['text that is not JSON', '{"format": 1, "revision"', /not valid JSON/],
    ['another format', JSON.stringify({ ...fileOf(saved), format: 2 }), /format/],
    ['no revision', JSON.stringify({ ...fileOf(saved), revision: undefined }), /revision/],
    ['a negative revision', JSON.stringify({ ...fileOf(saved), revision: -1 }), /revision/],
    ['no time of saving', JSON.stringify({ ...fileOf(saved), saved_at: 'yesterday' }), /saved_at/],
    ['nodes that are not a list', JSON.stringify({ ...fileOf(saved), nodes: {} }), /nodes/],
    ['nodes of which not one is valid', JSON.stringify({ ...fileOf(saved), nodes: [{ id: 'a' }, 7] }), /none of its 2 nodes is valid/],
    ['an empty file', '', /not valid JSON/],
  ])('refuses as a whole %s', (_what, text, reason) => {
    const decoded = decodeSavedTable(text);
    expect(decoded.ok).toBe(false);
    expect(!decoded.ok && decoded.reason).toMatch(reason);
  });
});
