import type { NodeState } from './node-state';

/** DI token of the NodeChanges the node table is changed through. */
export const NODE_CHANGES = Symbol('NODE_CHANGES');

/** What node `id` becomes from what it is (undefined: removed). Must be pure: it may run more than once. */
export type NextNode = (before: NodeState | undefined) => NodeState | undefined;

/**
 * How a change to the node table is made durable before it takes effect: in cdn_nodes.json (one control
 * plane, DurableChanges) or in the replicated node bucket (ReplicatedNodeChanges).
 */
export interface NodeChanges {
  /**
   * Stores node `id` as `next(it)`, then calls `apply`, which makes the same change in memory with its
   * side effects (logs, routing, alerts). Rejects with a 503 CdnError without calling `apply` when the
   * change could not be stored.
   */
  commit(what: string, id: string, next: NextNode, apply: () => void): Promise<void>;
  /** Nodes being added and not in the table yet: limits on the node count must count them. */
  pendingAdditions(): number;
  isPending(id: string): boolean;
  /** Sets who is told of changes other replicas make (one control plane has none). */
  onRemoteChange(listener: RemoteChangeListener): void;
}

/** Told of a node another replica changed, once the table holds the change (`after` undefined: removed). */
export type RemoteChangeListener = (id: string, before: NodeState | undefined, after: NodeState | undefined) => void;
