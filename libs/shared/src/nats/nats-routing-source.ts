import type { KvWatchEntry } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type { RoutingSource, RoutingSourceHooks } from '../routing/routing-bus';
import type { RoutingTable } from '../routing/routing-table';
import { RepeatLimiter } from '../logging/repeat-limiter';
import { stableNatsMessage } from './stable-message';
import { ROUTING_BUCKET } from './nats-names';
import { bindRoutingBucket, withTimeout } from './nats-routing-bucket';
import { checkWatchForStall, WATCH_CHECK_MS } from './watch-stall';
import { RoutingEntries, sameTable } from './nats-routing-entries';

/** Wait before watching again after the bucket could not be read (JetStream is often not ready right after a server restart). */
const REWATCH_DELAY_MS = 1_000;
/** The same reason not to watch (a missing permission, a bucket not created yet) is logged again at most this often. */
const REPEAT_LOG_MS = 30_000;

type Stoppable = { stop(): void };

/**
 * Follows the routing bucket with a KV watch: the whole table once the initial state is read, then a new table after
 * every change. After a reconnect it reads the whole state again (the server may have lost the watch's consumer),
 * and until then `current()` keeps the last table. An entry that fails the routing schema is ignored on its own
 * (WARNING and `onRejected` once per key and revision); the rest of the table is delivered as ever.
 */
export function createNatsRoutingSource(options: { nc: NatsConnection; logger: Logger; bucket?: string }): RoutingSource {
  return new NatsRoutingSource(options.nc, options.logger, options.bucket ?? ROUTING_BUCKET);
}

class NatsRoutingSource implements RoutingSource {
  private last: RoutingTable | undefined;
  private onTable: ((table: RoutingTable) => void) | undefined;
  private hooks: RoutingSourceHooks = {};
  /** The revision of each key's last rejected entry: a re-read after a reconnect does not report it again. */
  private readonly rejected = new Map<string, number>();
  private readonly watchFailures = new RepeatLimiter(REPEAT_LOG_MS);
  private firstDelivered: (() => void) | undefined;
  /** Each watch has a generation; a superseded watch's entries are ignored. */
  private generation = 0;
  private watcher: Stoppable | undefined;
  private stopStallCheck: (() => void) | undefined;
  private statusIterator: Stoppable | undefined;
  private rewatchTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly nc: NatsConnection,
    private readonly logger: Logger,
    private readonly bucket: string,
  ) {}

  async start(onTable: (table: RoutingTable) => void, hooks: RoutingSourceHooks = {}): Promise<void> {
    if (this.onTable) throw new Error('routing source already started');
    this.onTable = onTable;
    this.hooks = hooks;
    const first = new Promise<void>((resolve) => (this.firstDelivered = resolve));
    void this.followReconnects();
    this.rewatch();
    await first;
  }

  current(): RoutingTable | undefined {
    return this.last;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.generation++;
    clearTimeout(this.rewatchTimer);
    this.watcher?.stop();
    this.stopStallCheck?.();
    this.statusIterator?.stop();
  }

  private async followReconnects(): Promise<void> {
    const statuses = this.nc.status();
    this.statusIterator = statuses as unknown as Stoppable;
    for await (const status of statuses) {
      if (this.closed) return;
      if (status.type === 'reconnect') {
        this.logger.info({ bucket: this.bucket, server: status.server }, `reading routing bucket ${this.bucket} again after reconnecting to ${status.server}`);
        this.rewatch();
      }
    }
  }

  /** Drops the current watch (if any) and starts a new one that reads the whole state. */
  private rewatch(): void {
    if (this.closed) return;
    clearTimeout(this.rewatchTimer);
    this.watcher?.stop();
    this.watcher = undefined;
    this.stopStallCheck?.();
    const generation = ++this.generation;
    void this.watch(generation);
  }

  private async watch(generation: number): Promise<void> {
    const entries = new RoutingEntries();
    let initialized = false;
    const deliverIfCurrent = () => {
      initialized = true;
      if (generation === this.generation) this.deliver(entries.table());
    };
    try {
      const kv = await bindRoutingBucket(this.nc, this.bucket);
      const watching = kv.watch();
      const watcher = await withTimeout(watching, `watch ${this.bucket}`).catch((err: unknown) => {
        // A watch that answers after we gave up must not run unseen.
        watching.then((late) => late.stop(), () => undefined);
        throw err;
      });
      if (generation !== this.generation) return watcher.stop();
      this.watcher = watcher;
      let delivered = 0;
      this.stopStallCheck = checkWatchForStall(kv, () => delivered, () => {
        if (generation !== this.generation) return;
        this.logger.warn({ bucket: this.bucket }, `the watch of routing bucket ${this.bucket} got nothing for ${WATCH_CHECK_MS / 1000} s while the bucket changed (its consumer was lost with a NATS server?); reading it again`);
        this.rewatch();
      });
      // An empty bucket sends no entry, so nothing else would tell us its (empty) initial state is complete.
      void withTimeout(kv.status(), `status of ${this.bucket}`)
        .then((status) => {
          if (initialized || status.streamInfo.state.messages > 0) return;
          entries.seen(status.streamInfo.state.last_seq);
          deliverIfCurrent();
        })
        .catch((err: unknown) => {
          if (initialized || generation !== this.generation) return;
          this.warnOnce(err, `cannot read the status of routing bucket ${this.bucket}`);
          this.scheduleRewatch();
        });
      for await (const entry of watcher) {
        if (generation !== this.generation) return;
        delivered = Math.max(delivered, entry.revision);
        this.apply(entries, entry);
        // delta is what the server still holds for us: 0 means caught up (end of the initial state, or of a burst).
        if (entry.delta === 0) deliverIfCurrent();
      }
    } catch (err) {
      if (generation !== this.generation) return;
      this.warnOnce(err, `cannot watch routing bucket ${this.bucket}`);
    }
    // The watch ended without being superseded (the client gave up on its consumer): start over shortly.
    if (generation === this.generation) this.scheduleRewatch();
  }

  /** A watch retried every second for a reason that lasts (a missing permission) is one line per 30 s. */
  private warnOnce(err: unknown, what: string): void {
    const line = `${what}: ${stableNatsMessage((err as Error).message)}; retrying`;
    const held = this.watchFailures.pass(line);
    if (held !== undefined) this.logger.warn({ err, bucket: this.bucket }, held > 0 ? `${line} (${held} more failures since the last line)` : line);
  }

  private scheduleRewatch(): void {
    if (this.closed) return;
    clearTimeout(this.rewatchTimer);
    this.rewatchTimer = setTimeout(() => this.rewatch(), REWATCH_DELAY_MS);
    this.rewatchTimer.unref();
  }

  private apply(entries: RoutingEntries, entry: KvWatchEntry): void {
    const value = entry.operation === 'PUT' ? entry.string() : '';
    this.call('onEntry', () => this.hooks.onEntry?.({ key: entry.key, revision: entry.revision, operation: entry.operation, value }));
    const refused = entries.apply({ key: entry.key, revision: entry.revision, operation: entry.operation, text: () => value });
    if (!refused) {
      this.rejected.delete(entry.key);
      return;
    }
    if (this.rejected.get(entry.key) === entry.revision) return;
    this.rejected.set(entry.key, entry.revision);
    // The key and why, never the value: whoever wrote it may be hostile.
    this.logger.warn({ bucket: this.bucket, key: entry.key, revision: entry.revision }, `ignored routing entry ${entry.key} at revision ${entry.revision}: ${refused}; keeping the rest of the table and this key's last good value`);
    this.call('onRejected', () => this.hooks.onRejected?.({ key: entry.key, revision: entry.revision, reason: refused }));
  }

  /** A hook that throws must not end the watch. */
  private call(hook: string, run: () => void): void {
    try {
      run();
    } catch (err) {
      this.logger.error({ err }, `routing source ${hook} hook failed`);
    }
  }

  private deliver(table: RoutingTable): void {
    // The bucket could be read: a later failure is news again.
    this.watchFailures.reset();
    if (sameTable(this.last, table)) return;
    const first = this.last === undefined;
    this.last = table;
    const message = `routing table revision ${table.revision} from ${this.bucket}: ${table.nodes.length} nodes`;
    if (first) this.logger.info({ bucket: this.bucket, revision: table.revision, nodes: table.nodes.length }, message);
    else this.logger.debug({ bucket: this.bucket, revision: table.revision, nodes: table.nodes.length }, message);
    try {
      this.onTable?.(table);
    } catch (err) {
      this.logger.error({ err, revision: table.revision }, `routing table listener failed on revision ${table.revision}`);
    }
    this.firstDelivered?.();
    this.firstDelivered = undefined;
  }
}
