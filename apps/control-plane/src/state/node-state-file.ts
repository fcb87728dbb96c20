import { promises as fs } from 'node:fs';
import { describeIssues, nodeIdSchema, StoredNode, storedNodeSchema } from '@cdn/shared';
import { writeFileAtomic } from './atomic-write';

/**
 * The saved nodes by id, in registration order. A Map in memory; the file is the seed's JSON object keyed
 * by id, read and written entry by entry so that no id can touch an object's prototype.
 */
export type StoredNodes = ReadonlyMap<string, StoredNode>;

/** A saved node that failed the registration rules; left out of the table, kept in the copy `keptAs`. */
export interface RejectedNode {
  id: string;
  reason: string;
}

export type LoadResult =
  | { kind: 'loaded'; nodes: StoredNodes; rejected: RejectedNode[]; keptAs?: string }
  | { kind: 'missing' }
  | { kind: 'reset' }
  /** The file could not be used; it was renamed to `keptAs` so that nobody loses it. */
  | { kind: 'corrupt'; reason: string; keptAs: string };

/** Pretty-printed with 4 spaces, as the seed writes it, so that diffs against old backups stay readable. */
export function serializeNodes(nodes: StoredNodes): string {
  return `${JSON.stringify(Object.fromEntries(nodes), null, 4)}\n`;
}

export async function writeNodesFile(file: string, nodes: StoredNodes): Promise<void> {
  await writeFileAtomic(file, serializeNodes(nodes));
}

/**
 * Reads the saved nodes. `reset` (--reset-config) starts empty and writes `{}`. A file that does not
 * parse or is not an object keyed by id is renamed to `<file>.corrupt-<timestamp>` rather than
 * overwritten by the next save: it may be the only copy of a user's hand-restored backup. Nodes that
 * break the rules registration follows (an older version let some in) are left out one by one, and a copy
 * of the whole file is kept the same way, since the next save no longer holds them.
 */
export async function loadNodesFile(file: string, options: { reset: boolean; now: number }): Promise<LoadResult> {
  if (options.reset) {
    await writeNodesFile(file, new Map());
    return { kind: 'reset' };
  }
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    throw err;
  }
  const keptAs = `${file}.corrupt-${new Date(options.now).toISOString().replace(/[:.]/g, '-')}`;
  const parsed = parseNodes(text);
  if (typeof parsed === 'string') {
    await fs.rename(file, keptAs);
    return { kind: 'corrupt', reason: parsed, keptAs };
  }
  if (parsed.rejected.length === 0) return { kind: 'loaded', ...parsed };
  await fs.copyFile(file, keptAs);
  return { kind: 'loaded', ...parsed, keptAs };
}

/** The nodes of the file, or why the file as a whole is unusable. */
function parseNodes(text: string): { nodes: StoredNodes; rejected: RejectedNode[] } | string {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return `not valid JSON: ${(err as Error).message}`;
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return '(top level): must be an object keyed by node id';
  const nodes = new Map<string, StoredNode>();
  const rejected: RejectedNode[] = [];
  // JSON.parse makes "__proto__" an own property like any other key, so Object.entries sees it.
  for (const [id, value] of Object.entries(data)) {
    const idCheck = nodeIdSchema.safeParse(id);
    const node = storedNodeSchema.safeParse(value);
    if (!idCheck.success) rejected.push({ id, reason: `id: ${idCheck.error.issues[0].message}` });
    else if (!node.success) rejected.push({ id, reason: describeIssues(node.error) });
    else nodes.set(id, node.data);
  }
  return { nodes, rejected };
}
