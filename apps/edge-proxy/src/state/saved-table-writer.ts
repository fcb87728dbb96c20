import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Counter, Gauge, Registry } from 'prom-client';
import type { Logger, RoutingTable } from '@cdn/shared';
import { writeFileAtomic } from './atomic-write';
import { encodeSavedTableInSlices } from './saved-table';

/** Keeps the last applied routing table in --state-dir. */
export interface SavedTableWriter {
  /** Takes the table to save and returns at once: the write happens later, off the request path. */
  save(table: RoutingTable, appliedAt: number): void;
  /** Writes what is waiting now (shutdown, tests); never rejects. */
  flush(): Promise<void>;
  /** Flushes, then takes no more tables. */
  close(): Promise<void>;
}

export interface SavedTableWriterOptions {
  file: string;
  edgeId: string;
  logger: Logger;
  registry: Registry;
  /** Wall clock in ms, for the times written in the file (tests). */
  now?: () => number;
  /** Writes start at most this often (default 1 s): a burst of changes costs one write a second, the last table wins. */
  minIntervalMs?: number;
  /** A failed write is tried again after this long (default 5 s), with the newest table. */
  retryMs?: number;
}

export function createSavedTableWriter(options: SavedTableWriterOptions): SavedTableWriter {
  return new CoalescingTableWriter(options);
}

interface Pending {
  table: RoutingTable;
  appliedAt: number;
}

/**
 * At most one write at a time, and only of the newest table: tables that arrive while a write is running or
 * waiting replace each other. A failed write is logged once per episode (until a write succeeds), counted,
 * and tried again; serving never depends on it.
 */
class CoalescingTableWriter implements SavedTableWriter {
  private pending: Pending | undefined;
  private running: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastStart = -Infinity;
  private failingSince: number | undefined;
  private closed = false;
  private readonly writes: Counter<'result'>;
  private readonly savedRevision: Gauge;
  private readonly now: () => number;
  private readonly minIntervalMs: number;
  private readonly retryMs: number;

  constructor(private readonly options: SavedTableWriterOptions) {
    this.now = options.now ?? Date.now;
    this.minIntervalMs = options.minIntervalMs ?? 1_000;
    this.retryMs = options.retryMs ?? 5_000;
    const registers = [options.registry];
    this.writes = new Counter({ name: 'cdn_edge_state_writes_total', help: 'Writes of the routing table to --state-dir, by result (ok, failed)', labelNames: ['result'], registers });
    // With --workers only one worker writes: the others' 0 is not summed in.
    this.savedRevision = new Gauge({ name: 'cdn_edge_state_saved_revision', help: 'Revision of the routing table last written to --state-dir', registers, aggregator: 'max' });
    // Both results exist from the start, so that an alert on failures sees a 0 rather than nothing.
    this.writes.inc({ result: 'ok' }, 0);
    this.writes.inc({ result: 'failed' }, 0);
  }

  save(table: RoutingTable, appliedAt: number): void {
    if (this.closed) return;
    this.pending = { table, appliedAt };
    this.schedule(0);
  }

  async flush(): Promise<void> {
    if (this.running) await this.running;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending) await this.run();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
    clearTimeout(this.timer);
  }

  private schedule(delayMs: number): void {
    if (this.running || this.timer || this.closed) return;
    const wait = Math.max(delayMs, this.lastStart + this.minIntervalMs - performance.now(), 0);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.run();
    }, wait);
    // A pending write must not keep a process alive that is otherwise done; shutdown flushes it.
    this.timer.unref();
  }

  private run(): Promise<void> {
    const done = this.writePending().finally(() => {
      this.running = undefined;
      if (this.pending) this.schedule(this.failingSince === undefined ? 0 : this.retryMs);
    });
    this.running = done;
    return done;
  }

  private async writePending(): Promise<void> {
    const item = this.pending;
    if (!item) return;
    this.pending = undefined;
    this.lastStart = performance.now();
    const { file, edgeId, logger } = this.options;
    try {
      const text = await encodeSavedTableInSlices({ ...item, savedAt: this.now(), edgeId }, () => nextTurn());
      await writeFileAtomic(file, text);
    } catch (err) {
      this.writes.inc({ result: 'failed' });
      // Retried with the newest table, which may have arrived meanwhile.
      this.pending ??= item;
      this.failed(err);
      return;
    }
    this.writes.inc({ result: 'ok' });
    this.savedRevision.set(item.table.revision);
    this.succeeded();
    logger.debug(`Saved routing revision ${item.table.revision} (${item.table.nodes.length} nodes) to ${file}`);
  }

  private failed(err: unknown): void {
    if (this.failingSince !== undefined) return;
    this.failingSince = this.now();
    this.options.logger.error(
      { err },
      `Cannot save the routing table to ${this.options.file}: ${describe(err)}. Serving goes on; a restart without NATS would start from an older saved table, if any. Retrying every ${this.retryMs / 1000} s`,
    );
  }

  private succeeded(): void {
    if (this.failingSince === undefined) return;
    const seconds = Math.round((this.now() - this.failingSince) / 1000);
    this.failingSince = undefined;
    this.options.logger.info(`Saved the routing table to ${this.options.file} again after ${seconds} s of failures`);
  }
}

function describe(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  const message = err instanceof Error ? err.message : String(err);
  return code && !message.startsWith(code) ? `${code}: ${message}` : message;
}
