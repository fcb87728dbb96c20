import { describeIssues, nodeIdSchema, type StoredNode, storedNodeSchema } from '@cdn/shared';
import type { StoredNodes } from './node-state-file';

/** A saved node that failed its checks, and why (each bad field named). */
export interface InvalidNode {
  id: string;
  problems: string;
}

export type ParsedNodesFile =
  /** Every valid node, and each invalid one with its problems. */
  | { kind: 'parsed'; nodes: StoredNodes; invalid: InvalidNode[] }
  /** Not JSON, or JSON that is not an object of nodes: nothing in it can be trusted. */
  | { kind: 'unparsable'; reason: string };

/**
 * Reads cdn_nodes.json node by node, so that one bad field costs one node and not the whole table:
 * a 1,040-node file with one typo must still route to the other 1,039.
 */
export function parseNodesFile(text: string): ParsedNodesFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return { kind: 'unparsable', reason: `not valid JSON: ${(err as Error).message}` };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { kind: 'unparsable', reason: `not a JSON object of nodes keyed by id (found ${Array.isArray(data) ? 'an array' : data === null ? 'null' : typeof data})` };
  }
  const nodes = new Map<string, StoredNode>();
  const invalid: InvalidNode[] = [];
  // JSON.parse makes "__proto__" an own property like any other key, so Object.entries sees it; the id rules refuse it.
  for (const [id, value] of Object.entries(data)) {
    const problems: string[] = [];
    const idCheck = nodeIdSchema.safeParse(id);
    if (!idCheck.success) problems.push(`id: ${idCheck.error.issues[0].message}`);
    const result = storedNodeSchema.safeParse(value);
    if (!result.success) problems.push(describeIssues(result.error));
    if (result.success && problems.length === 0) nodes.set(id, result.data);
    else invalid.push({ id, problems: problems.join('; ') });
  }
  return { kind: 'parsed', nodes, invalid };
}
