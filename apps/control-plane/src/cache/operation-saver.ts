import type { Logger } from '@cdn/shared';
import type { Counter } from 'prom-client';
import { CoalescingWriter } from '../state/coalescing-writer';
import type { CacheOperation } from './cache-operation';
import { toStoredOperation } from './store/operation-codec';
import type { OperationStore } from './store/operation-store';

/**
 * Saves operations as receipts and losses change them. Saves run one at a time, and an operation changed
 * several times meanwhile is saved once, as it is then. A save that fails is kept for the next delivery
 * round; the failure is logged once until a save succeeds again.
 */
export class OperationSaver {
  private readonly changed = new Map<string, CacheOperation>();
  private readonly writer = new CoalescingWriter(() => this.saveChanged());
  private failing = false;

  constructor(
    private readonly store: OperationStore,
    private readonly logger: Logger,
    private readonly saves: Counter<'result'>,
  ) {}

  /** Saves a new operation now; rejects when it could not be saved (the caller then refuses it). */
  async create(operation: CacheOperation): Promise<void> {
    try {
      await this.store.put(toStoredOperation(operation));
      this.saves.inc({ result: 'ok' });
    } catch (err) {
      this.saves.inc({ result: 'error' });
      throw err;
    }
  }

  /** Saves `operation` as it will be when the save starts; never rejects. */
  changedOne(operation: CacheOperation): void {
    this.changed.set(operation.id, operation);
    this.writer.request().catch(() => undefined);
  }

  /** Tries again what could not be saved. */
  retry(): void {
    if (this.changed.size > 0) this.writer.request().catch(() => undefined);
  }

  async flush(): Promise<void> {
    await this.writer.flush();
  }

  private async saveChanged(): Promise<void> {
    const batch = [...this.changed.values()];
    this.changed.clear();
    for (const [index, operation] of batch.entries()) {
      try {
        await this.store.put(toStoredOperation(operation));
        this.saves.inc({ result: 'ok' });
      } catch (err) {
        this.saves.inc({ result: 'error' });
        // Keep what is left (unless changed again meanwhile, which is newer) for the next round.
        for (const left of batch.slice(index)) if (!this.changed.has(left.id)) this.changed.set(left.id, left);
        if (!this.failing) this.logger.warn({ err }, `Could not save cache operation ${operation.id} to ${this.store.name} (${(err as Error).message}); retrying with every delivery round`);
        this.failing = true;
        return;
      }
    }
    if (this.failing) this.logger.info(`Cache operations saved to ${this.store.name} again`);
    this.failing = false;
  }
}
