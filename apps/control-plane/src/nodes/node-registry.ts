import type { RouteNode } from '@cdn/shared';
import type { StoredNodes } from '../state/node-state-file';
import { fromStoredNode, NodeState, toRouteNode } from './node-state';

/** The control plane's node table, in registration order (a Map keeps insertion order). */
export class NodeRegistry {
  private readonly nodes = new Map<string, NodeState>();
  /** Node id by the SHA-256 of its token, to tell "another node's token" from "no token of ours". */
  private readonly byTokenHash = new Map<string, string>();

  constructor(stored: StoredNodes = new Map(), now = Date.now()) {
    for (const [id, node] of stored) this.set(fromStoredNode(id, node, now));
  }

  get(id: string): NodeState | undefined {
    return this.nodes.get(id);
  }

  /** Adds a node at the end, or replaces one in place (re-registration keeps its position). */
  set(node: NodeState): void {
    const before = this.nodes.get(node.id);
    if (before?.tokenSha256 !== node.tokenSha256) {
      if (before?.tokenSha256) this.byTokenHash.delete(before.tokenSha256);
      if (node.tokenSha256) this.byTokenHash.set(node.tokenSha256, node.id);
    }
    this.nodes.set(node.id, node);
  }

  delete(id: string): boolean {
    const node = this.nodes.get(id);
    if (node?.tokenSha256) this.byTokenHash.delete(node.tokenSha256);
    return this.nodes.delete(id);
  }

  /** The id of the node whose token hashes to `sha256` (hex), if any. */
  nodeWithTokenHash(sha256: string): string | undefined {
    return this.byTokenHash.get(sha256);
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
