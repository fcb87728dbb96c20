import type { CacheOperation } from './cache-operation';

/** How long an operation can be looked up after it was created. */
export const OPERATION_TTL_MS = 60 * 60_000;
/** Most operations kept: a script purging in a loop must not grow the control plane's memory without bound. */
export const MAX_OPERATIONS = 10_000;

/** Recent cache operations by id, oldest first; expired ones go on every access (no timer to stop). */
export class OperationLog {
  private readonly operations = new Map<string, CacheOperation>();

  constructor(
    private readonly clock: () => number,
    private readonly ttlMs = OPERATION_TTL_MS,
    private readonly max = MAX_OPERATIONS,
    /** Told of each operation dropped while still pending (older than the TTL, or pushed out by newer ones). */
    private readonly onExpired: (operation: CacheOperation) => void = () => undefined,
  ) {}

  add(operation: CacheOperation): void {
    this.prune();
    this.operations.set(operation.id, operation);
    // Insertion order is creation order, so the first keys are the oldest.
    for (const [id, old] of this.operations) {
      if (this.operations.size <= this.max) break;
      this.drop(id, old);
    }
  }

  get(id: string): CacheOperation | undefined {
    this.prune();
    return this.operations.get(id);
  }

  /** Operations still waiting for receipts, oldest first. */
  pending(): CacheOperation[] {
    this.prune();
    return [...this.operations.values()].filter((operation) => operation.completedAt === null);
  }

  /** Every operation kept, oldest first. */
  all(): CacheOperation[] {
    this.prune();
    return [...this.operations.values()];
  }

  /** Operations still waiting for receipts. */
  pendingCount(): number {
    this.prune();
    let pending = 0;
    for (const operation of this.operations.values()) if (operation.completedAt === null) pending++;
    return pending;
  }

  private prune(): void {
    const oldest = this.clock() - this.ttlMs;
    for (const [id, operation] of this.operations) {
      if (operation.createdAt > oldest) break;
      this.drop(id, operation);
    }
  }

  private drop(id: string, operation: CacheOperation): void {
    this.operations.delete(id);
    if (operation.completedAt === null) this.onExpired(operation);
  }
}
