import type { RefusedNode } from './routing-bus';
import { describeIssues } from './describe-issues';
import { routeNodeSchema, type RouteNode } from './routing-table';

/**
 * Splits nodes into those fit to publish and those the routing schema refuses, with why ("url: Invalid URL").
 * Publishing goes on with the first: one bad entry (an old file, a bug) must never hold back the others.
 */
export function publishableNodes(nodes: Iterable<RouteNode>): { nodes: RouteNode[]; refused: RefusedNode[] } {
  const fit: RouteNode[] = [];
  const refused: RefusedNode[] = [];
  for (const node of nodes) {
    const checked = routeNodeSchema.safeParse(node);
    if (checked.success) fit.push(checked.data);
    else refused.push({ id: String((node as { id?: unknown }).id), reason: describeIssues(checked.error) });
  }
  return { nodes: fit, refused };
}
