import { NODE_ID_PATTERN, storedNodeSchema } from '@cdn/shared';
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
  const nodes: StoredNodes = {};
  const invalid: InvalidNode[] = [];
  for (const [id, value] of Object.entries(data)) {
    const problems: string[] = [];
    if (!NODE_ID_PATTERN.test(id)) problems.push('id: must be 1-64 characters of A-Z a-z 0-9 . _ -');
    const result = storedNodeSchema.safeParse(value);
    if (result.success && problems.length === 0) {
      nodes[id] = result.data;
      continue;
    }
    if (!result.success) for (const issue of result.error.issues) problems.push(`${issue.path.map(String).join('.') || '(node)'}: ${issue.message}`);
    invalid.push({ id, problems: problems.join('; ') });
  }
  return { kind: 'parsed', nodes, invalid };
}
