import type { RouteNode } from '@cdn/shared';
import type { StoredNodes } from '../state/node-state-file';
import { fromStoredNode, NodeState, toRouteNode } from './node-state';

/** The control plane's node table, in registration order (a Map keeps insertion order). */
export class NodeRegistry {
  private readonly nodes = new Map<string, NodeState>();

  constructor(stored: StoredNodes = {}, now = Date.now()) {
    for (const [id, node] of Object.entries(stored)) this.nodes.set(id, fromStoredNode(id, node, now));
  }

  get(id: string): NodeState | undefined {
    return this.nodes.get(id);
  }

  /** Adds a node at the end, or replaces one in place (re-registration keeps its position). */
  set(node: NodeState): void {
    this.nodes.set(node.id, node);
  }

  delete(id: string): boolean {
    return this.nodes.delete(id);
  }

  list(): NodeState[] {
    return [...this.nodes.values()];
  }

  get size(): number {
    return this.nodes.size;
  }

  routeNodes(): RouteNode[] {
    return this.list().map(toRouteNode);
  }
}
