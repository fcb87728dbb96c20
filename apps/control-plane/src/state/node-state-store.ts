import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { type CdnConfig, CdnError, type Logger, printable } from '@cdn/shared';
import { Counter, Gauge, Registry } from 'prom-client';
import { LEADERSHIP, type Leadership } from '../cluster/leadership';
import { REPLICATION, type Replication } from '../cluster/replication';
import { CDN_CONFIG, CLOCK, Clock, LOGGER, METRICS_REGISTRY, TIMINGS } from '../core/core.constants';
import type { Timings } from '../core/timings';
import { CoalescingWriter } from './coalescing-writer';
import { writeFileAtomic } from './atomic-write';
import { loadNodesFile, serializeEntries, StoredNodes } from './node-state-file';
import type { InvalidNode } from './parse-nodes-file';
import { SaveEpisodes } from './save-episodes';

/** Invalid nodes named one per ERROR line at most; the rest are counted in one line. */
const MAX_INVALID_LINES = 100;

/** What is saved: the node table as it must be on disk now, and what to do once that save succeeded or failed. */
export interface SavedTable {
  /**
   * Called when a save starts: every node as [id, serializeNode(node)], in the file's order. `saved` or
   * `failed` is called once that save is over, before any other save starts, so that what the save
   * carried takes effect (or is dropped) in step with the disk.
   */
  snapshot(): { entries: readonly (readonly [string, string])[]; saved(): void; failed(): void };
}

/**
 * Keeps cdn_nodes.json in step with the node table. Changes that must survive a crash (registrations,
 * deregistrations, drains) are saved before they take effect, through `save()`; changes that may wait
 * (heartbeat times, loads, health) only `markChanged()` and go out with the next periodic snapshot, so
 * that 10,000 heartbeating nodes do not rewrite a 3 MB file per heartbeat. Saves never overlap: one runs,
 * one more may wait, and every request made meanwhile shares it.
 *
 * Among control-plane replicas the node bucket holds the state, and the file is an optional snapshot that
 * the leader writes: a snapshot that fails is logged but does not make the replica unready.
 */
@Injectable()
export class NodeStateStore implements OnModuleInit, OnModuleDestroy {
  private table: SavedTable | undefined;
  private changed = false;
  /** Set when the file could not be loaded: nothing is saved and no change accepted until an operator acts. */
  private loadProblem: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly writer = new CoalescingWriter(() => this.writeSnapshot());
  private readonly episodes: SaveEpisodes;
  private readonly writes: Counter<'result'>;
  private readonly refusals: Counter<'reason'>;
  private readonly invalidNodes: Gauge;

  constructor(
    @Inject(CDN_CONFIG) private readonly config: CdnConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(METRICS_REGISTRY) registry: Registry,
    @Inject(TIMINGS) private readonly timings: Timings,
    @Inject(LEADERSHIP) private readonly leadership: Leadership,
    @Inject(REPLICATION) private readonly replication: Replication | null,
  ) {
    this.episodes = new SaveEpisodes(config.nodesFile, logger, clock, timings.stateSnapshotMs);
    this.writes = new Counter({ name: 'cdn_cp_state_writes_total', help: 'Writes of the node state file, by result', labelNames: ['result'], registers: [registry] });
    this.refusals = new Counter({
      name: 'cdn_cp_state_refused_changes_total',
      help: 'Node changes refused because the node state could not be saved (not_writable) or was never loaded (not_loaded)',
      labelNames: ['reason'],
      registers: [registry],
    });
    this.invalidNodes = new Gauge({ name: 'cdn_cp_state_invalid_nodes', help: 'Nodes of the nodes file left out at start-up because they failed their checks', registers: [registry] });
    const self = this;
    new Gauge({
      name: 'cdn_cp_state_problem',
      help: '1 while the node state is not loaded (unusable file) or not writable (saves fail), else 0',
      labelNames: ['kind'],
      registers: [registry],
      collect() {
        this.set({ kind: 'not_loaded' }, self.loadProblem === undefined ? 0 : 1);
        this.set({ kind: 'not_writable' }, self.episodes.failing ? 1 : 0);
      },
    });
  }

  get file(): string {
    return this.config.nodesFile;
  }

  /** The valid saved nodes. Problems are logged here and shown by `problems()`. */
  async load(): Promise<StoredNodes> {
    const result = await loadNodesFile(this.file, { reset: this.config.resetConfig, now: this.clock() });
    switch (result.kind) {
      case 'loaded':
        if (result.invalid.length > 0) this.reportInvalid(result.invalid, result.nodes.size, result.keptAs!);
        else this.logger.info(`Loaded ${result.nodes.size} node(s) from ${this.file}`);
        return result.nodes;
      case 'missing':
        this.logger.info(`No node state file at ${this.file}; starting with no nodes`);
        return new Map();
      case 'reset':
        this.logger.info(`Node configuration reset (--reset-config): ${this.file} now holds no nodes`);
        return new Map();
      case 'unusable':
        this.loadProblem = `The node state file ${this.file} is unusable (${result.reason}); a copy is kept as ${result.keptAs}. Fix ${this.file} and restart, or restart with --reset-config to start with no nodes.`;
        this.logger.error(
          `Node state file ${this.file} is unusable (${result.reason}); kept a copy as ${result.keptAs} and left the file in place. Not ready, no node change accepted and no routing published until an operator fixes the file and restarts, or restarts with --reset-config`,
        );
        return new Map();
    }
  }

  /** Binds the table that every save writes (the node table, with the changes waiting to be saved). */
  bind(table: SavedTable): void {
    this.table = table;
  }

  /**
   * Saves the table now, or joins a save that has not started yet. Resolves once a save that started after
   * this call is on disk; rejects with 503 state_not_writable when it failed, state_not_loaded when saving
   * is off because the file could not be loaded.
   */
  async save(): Promise<void> {
    if (this.loadProblem !== undefined) throw new CdnError('state_not_loaded', this.loadProblem, { file: this.file });
    try {
      await this.writer.request();
    } catch (err) {
      throw new CdnError('state_not_writable', `The node state cannot be saved to ${this.file} (${(err as Error).message}), so nothing was changed; see /readyz.`, { file: this.file }, { cause: err });
    }
  }

  /** Counts a change refused by `save()`; the caller logs it with what it was. */
  refused(err: unknown): void {
    this.refusals.inc({ reason: err instanceof CdnError && err.code === 'state_not_loaded' ? 'not_loaded' : 'not_writable' });
  }

  /** A change that may wait for the next periodic snapshot. */
  markChanged(): void {
    this.changed = true;
  }

  /** Why the saved nodes could not be loaded, when they could not. */
  get notLoaded(): string | undefined {
    return this.loadProblem;
  }

  /** Why the control plane must not say it is ready, as far as its saved state goes. */
  problems(): string[] {
    if (this.replication) return [];
    return [this.loadProblem, this.episodes.problem()].filter((p): p is string => p !== undefined);
  }

  onModuleInit(): void {
    // One timer writes waiting changes and retries failed saves; a retry that succeeds makes /readyz ready again.
    this.timer = setInterval(() => {
      if (this.leadership.isLeader() && this.loadProblem === undefined && (this.changed || this.episodes.failing)) this.writer.request().catch(() => undefined);
    }, this.timings.stateSnapshotMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** On shutdown: stops the snapshots, writes what is waiting (so the latest heartbeat times are kept) and waits for every save; never rejects. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    if (this.changed && this.loadProblem === undefined && this.leadership.isLeader()) await this.writer.request().catch(() => undefined);
    await this.writer.flush();
  }

  private async writeSnapshot(): Promise<void> {
    if (!this.table) return;
    const snapshot = this.table.snapshot();
    this.changed = false;
    try {
      await writeFileAtomic(this.file, serializeEntries(snapshot.entries));
    } catch (err) {
      this.changed = true;
      this.writes.inc({ result: 'error' });
      snapshot.failed();
      this.episodes.failed(err);
      throw err;
    }
    this.writes.inc({ result: 'ok' });
    snapshot.saved();
    this.episodes.succeeded();
  }

  private reportInvalid(invalid: InvalidNode[], loaded: number, keptAs: string): void {
    // The id comes from a file anyone may have edited: quoted, so that it cannot break the log line.
    for (const node of invalid.slice(0, MAX_INVALID_LINES)) this.logger.error(`Node ${JSON.stringify(printable(node.id, 64))} in ${this.file} is invalid and was not loaded: ${node.problems}`);
    const more = invalid.length > MAX_INVALID_LINES ? ` (the first ${MAX_INVALID_LINES} are named above)` : '';
    this.logger.error(
      `Loaded ${loaded} node(s) from ${this.file} and left out ${invalid.length} invalid node(s)${more}; the file as it was is kept as ${keptAs}, and the next save rewrites ${this.file} without them`,
    );
    this.invalidNodes.set(invalid.length);
    // Rewrite soon, so that the next start does not report the same nodes again.
    this.markChanged();
  }
}
