import type { RoutingCorrection, SeenRoutingEntry } from '../routing/routing-bus';

/** A key's state in the bucket: its live value, or absent (never written, deleted or purged). */
export interface BucketState {
  revision: number;
  /** undefined when the key is absent. */
  value: string | undefined;
}

/** How to put one key right: write our value again, or delete what we never wrote. */
export interface LedgerFix {
  action: RoutingCorrection['action'];
  /** The value to write; undefined to delete the key. */
  write: string | undefined;
}

/**
 * What the control plane wrote to the routing bucket, key by key: the state the bucket must be in whenever no
 * write of ours is in flight. Anything else there was written by someone else. Pure: the store does the I/O.
 *
 * Until a full replace has succeeded (at start-up nothing is known of earlier runs) and after a write failed
 * (it may or may not have landed), the ledger cannot tell, and judges nothing.
 */
export class RoutingLedger {
  private readonly values = new Map<string, string>();
  private known = false;

  /** True while the ledger can tell our entries from others'. */
  get trusted(): boolean {
    return this.known;
  }

  /** Before a put: from now on `key` must hold `value`. */
  put(key: string, value: string): void {
    this.values.set(key, value);
  }

  /** Before a delete: from now on `key` must be absent. */
  delete(key: string): void {
    this.values.delete(key);
  }

  has(key: string): boolean {
    return this.values.has(key);
  }

  /** Once a full replace has written exactly these entries. */
  replace(entries: ReadonlyMap<string, string>): void {
    this.values.clear();
    for (const [key, value] of entries) this.values.set(key, value);
    this.known = true;
  }

  /** A write failed: until the next full replace, nothing can be judged. */
  distrust(): void {
    this.known = false;
  }

  keys(): IterableIterator<string> {
    return this.values.keys();
  }

  /** True when the entry is what we wrote under its key, or when the ledger cannot tell. */
  agrees(entry: Pick<SeenRoutingEntry, 'key' | 'operation' | 'value'>): boolean {
    if (!this.known) return true;
    const expected = this.values.get(entry.key);
    return entry.operation === 'PUT' ? expected === entry.value : expected === undefined;
  }

  /** What to do about `key`, whose state in the bucket is `state`; undefined when it agrees (or cannot be told). */
  fixFor(key: string, state: BucketState): LedgerFix | undefined {
    if (!this.known) return undefined;
    const expected = this.values.get(key);
    if (state.value === expected) return undefined;
    if (expected === undefined) return { action: 'removed', write: undefined };
    return { action: state.value === undefined ? 'rewritten' : 'restored', write: expected };
  }
}
