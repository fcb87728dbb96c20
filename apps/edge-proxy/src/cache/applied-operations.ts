import type { CacheReceipt } from '@cdn/shared';

/** Operations remembered: re-sends come within seconds, or within the hour for an edge that was lost a while. */
const DEFAULT_MAX_OPERATIONS = 1_000;

/**
 * The purges and warms this edge has carried out (with the receipt it sent) or is carrying out. The
 * control plane sends a command again until it hears the receipt, so a repeat must not purge or warm
 * again: it gets the same receipt. Bounded, oldest forgotten first: an operation forgotten and sent
 * again is carried out again, which a purge and a warm both tolerate.
 */
export class AppliedOperations {
  private readonly operations = new Map<string, CacheReceipt | 'running'>();

  constructor(private readonly max = DEFAULT_MAX_OPERATIONS) {}

  /** The receipt sent for this operation, 'running' while it is carried out, undefined when never seen. */
  get(operationId: string): CacheReceipt | 'running' | undefined {
    return this.operations.get(operationId);
  }

  started(operationId: string): void {
    this.operations.set(operationId, 'running');
    for (const id of this.operations.keys()) {
      if (this.operations.size <= this.max) break;
      this.operations.delete(id);
    }
  }

  finished(receipt: CacheReceipt): void {
    // Forgotten meanwhile (a burst of other operations): nothing to remember it by.
    if (this.operations.has(receipt.operationId)) this.operations.set(receipt.operationId, receipt);
  }
}
