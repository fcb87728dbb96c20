import type { Logger } from '@cdn/shared';
import type { NodeStateStore, SavedTable } from '../state/node-state-store';
import type { NodeChanges } from './node-changes';
import type { NodeRegistry } from './node-registry';
import { durableChanged, NodeState } from './node-state';
import { storedValue } from './stored-values';

/** One change waiting for its save: what node `id` becomes (undefined: removed), and how it takes effect. */
interface Staged {
  id: string;
  next(before: NodeState | undefined): NodeState | undefined;
  apply(): void;
}

/**
 * Changes to the node table that must be on disk before they take effect: a registration, deregistration
 * or drain is staged, the table is saved with it, and only then is it applied in memory and published
 * to the edges. When the save fails, the change is dropped: the node table, the routing and the file
 * all stay as they were, and the caller answers 503.
 */
export class DurableChanges implements NodeChanges, SavedTable {
  private staged: Staged[] = [];

  constructor(
    private readonly registry: NodeRegistry,
    private readonly state: NodeStateStore,
    private readonly logger: Logger,
  ) {
    state.bind(this);
  }

  /**
   * Saves the table with node `id` replaced by `next(it)` (removed when undefined), then calls `apply`.
   * `next` must be pure: it also previews the change for the save. Rejects (state_not_writable,
   * state_not_loaded) without calling `apply` when the save failed. A change that alters nothing that
   * must be saved takes effect at once and goes out with the next snapshot.
   */
  async commit(what: string, id: string, next: Staged['next'], apply: () => void): Promise<void> {
    const current = this.registry.get(id);
    if (!this.staged.some((c) => c.id === id) && !durableChanged(current, next(current))) {
      apply();
      this.state.markChanged();
      return;
    }
    const change: Staged = { id, next, apply };
    this.staged.push(change);
    try {
      await this.state.save();
    } catch (err) {
      this.state.refused(err);
      this.logger.warn(`Refused to ${what}: ${(err as Error).message}`);
      throw err;
    } finally {
      // Normally the save already took it out; a save that never started (state not loaded) did not.
      this.staged = this.staged.filter((c) => c !== change);
    }
  }

  /** Nodes staged to be added, not in the table yet: limits on the node count must count them. */
  pendingAdditions(): number {
    return new Set(this.staged.filter((c) => !this.registry.get(c.id)).map((c) => c.id)).size;
  }

  isPending(id: string): boolean {
    return this.staged.some((c) => c.id === id);
  }

  /** The only writer of its file: nothing changes elsewhere. */
  onRemoteChange(): void {}

  snapshot(): ReturnType<SavedTable['snapshot']> {
    const included = [...this.staged];
    const overlay = new Map<string, NodeState | undefined>();
    for (const change of included) overlay.set(change.id, change.next(overlay.has(change.id) ? overlay.get(change.id) : this.registry.get(change.id)));
    // Registration order: changed nodes stay in their place, new ones go last, removed ones go.
    const entries: [string, string][] = [];
    for (const node of this.registry.list()) {
      const saved = overlay.has(node.id) ? overlay.get(node.id) : node;
      if (saved) entries.push([saved.id, storedValue(saved)]);
    }
    for (const [id, node] of overlay) if (node && !this.registry.get(id)) entries.push([id, storedValue(node)]);
    const carried = new Set(included);
    const drop = () => (this.staged = this.staged.filter((c) => !carried.has(c)));
    return {
      entries,
      saved: () => {
        drop();
        for (const change of included) this.applySafely(change);
      },
      failed: drop,
    };
  }

  private applySafely(change: Staged): void {
    try {
      change.apply();
    } catch (err) {
      this.logger.error({ err }, `Applying a saved change to node ${change.id} failed`);
    }
  }
}
