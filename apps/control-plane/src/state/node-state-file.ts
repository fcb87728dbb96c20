import { promises as fs } from 'node:fs';
import { StoredNode, storedNodesSchema } from '@cdn/shared';
import { writeFileAtomic } from './atomic-write';

/** The contents of cdn_nodes.json: the seed's format, keyed by node id, in registration order. */
export type StoredNodes = Record<string, StoredNode>;

export type LoadResult =
  | { kind: 'loaded'; nodes: StoredNodes }
  | { kind: 'missing' }
  | { kind: 'reset' }
  /** The file could not be used; it was renamed to `keptAs` so that nobody loses it. */
  | { kind: 'corrupt'; reason: string; keptAs: string };

/** Pretty-printed with 4 spaces, as the seed writes it, so that diffs against old backups stay readable. */
export function serializeNodes(nodes: StoredNodes): string {
  return `${JSON.stringify(nodes, null, 4)}\n`;
}

export async function writeNodesFile(file: string, nodes: StoredNodes): Promise<void> {
  await writeFileAtomic(file, serializeNodes(nodes));
}

/**
 * Reads the saved nodes. `reset` (--reset-config) starts empty and writes `{}`. A file that does not
 * parse or does not match the seed's format is renamed to `<file>.corrupt-<timestamp>` rather than
 * overwritten by the next save: it may be the only copy of a user's hand-restored backup.
 */
export async function loadNodesFile(file: string, options: { reset: boolean; now: number }): Promise<LoadResult> {
  if (options.reset) {
    await writeNodesFile(file, {});
    return { kind: 'reset' };
  }
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    throw err;
  }
  const reason = problemWith(text);
  if (reason === undefined) return { kind: 'loaded', nodes: storedNodesSchema.parse(JSON.parse(text)) };
  const keptAs = `${file}.corrupt-${new Date(options.now).toISOString().replace(/[:.]/g, '-')}`;
  await fs.rename(file, keptAs);
  return { kind: 'corrupt', reason, keptAs };
}

function problemWith(text: string): string | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return `not valid JSON: ${(err as Error).message}`;
  }
  const result = storedNodesSchema.safeParse(data);
  if (result.success) return undefined;
  return result.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.map(String).join('.') || '(top level)'}: ${issue.message}`)
    .join('; ');
}
