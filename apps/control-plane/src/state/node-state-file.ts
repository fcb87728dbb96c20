import { promises as fs } from 'node:fs';
import type { StoredNode } from '@cdn/shared';
import { writeFileAtomic } from './atomic-write';
import { keepAside } from './keep-aside';
import { InvalidNode, parseNodesFile } from './parse-nodes-file';

/**
 * The saved nodes by id, in registration order. A Map in memory; the file is the seed's JSON object keyed
 * by id, read and written entry by entry so that no id can touch an object's prototype.
 */
export type StoredNodes = ReadonlyMap<string, StoredNode>;

export type LoadResult =
  /** `invalid` nodes were left out; the file as it was is kept as `keptAs` (set when some were). */
  | { kind: 'loaded'; nodes: StoredNodes; invalid: InvalidNode[]; keptAs?: string }
  | { kind: 'missing' }
  | { kind: 'reset' }
  /** Nothing usable: the file does not parse, or it held nodes and not one was valid. Copied to `keptAs`, left in place. */
  | { kind: 'unusable'; reason: string; keptAs: string };

/** Pretty-printed with 4 spaces, as the seed writes it, so that diffs against old backups stay readable. */
export function serializeNodes(nodes: StoredNodes): string {
  return serializeEntries([...nodes].map(([id, node]) => [id, serializeNode(node)]));
}

/** One node's value in the file, as serializeNodes writes it (indented for its place in the object). */
export function serializeNode(node: StoredNode): string {
  return JSON.stringify(node, null, 4).replace(/\n/g, '\n    ');
}

/**
 * The same text as serializeNodes, from each node's serializeNode: a caller that keeps the values of
 * unchanged nodes writes 10,000 nodes with a join instead of serializing them all again.
 */
export function serializeEntries(entries: readonly (readonly [id: string, value: string])[]): string {
  if (entries.length === 0) return '{}\n';
  return `{\n${entries.map(([id, value]) => `    ${JSON.stringify(id)}: ${value}`).join(',\n')}\n}\n`;
}

export async function writeNodesFile(file: string, nodes: StoredNodes): Promise<void> {
  await writeFileAtomic(file, serializeNodes(nodes));
}

/**
 * Reads the saved nodes, node by node: valid nodes load, invalid ones are reported and left out.
 * `reset` (--reset-config) starts empty and writes `{}`. Whenever something is left out, the file as it
 * was is first copied to `<file>.corrupt-<time>`, so the next save (which rewrites the file without the
 * bad nodes) loses nothing.
 */
export async function loadNodesFile(file: string, options: { reset: boolean; now: number }): Promise<LoadResult> {
  if (options.reset) {
    await writeNodesFile(file, new Map());
    return { kind: 'reset' };
  }
  let content: Buffer;
  try {
    content = await fs.readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    throw err;
  }
  const parsed = parseNodesFile(content.toString('utf8'));
  if (parsed.kind === 'unparsable') return { kind: 'unusable', reason: parsed.reason, keptAs: await keepAside(file, content, options.now) };
  const { nodes, invalid } = parsed;
  if (invalid.length === 0) return { kind: 'loaded', nodes, invalid };
  const keptAs = await keepAside(file, content, options.now);
  // An empty table from a file that held nodes would take every node out of routing: refuse it as a whole.
  if (nodes.size === 0) return { kind: 'unusable', reason: `none of its ${invalid.length} node(s) is valid (${invalid[0].id}: ${invalid[0].problems})`, keptAs };
  return { kind: 'loaded', nodes, invalid, keptAs };
}
