import { Inject, Injectable } from '@nestjs/common';
import { isNodeKey, NODE_ID_PATTERN, NODE_KEY_PREFIX, type Logger, type RoutingCorrection, type RoutingStore, type SeenRoutingEntry } from '@cdn/shared';
import { Counter, Registry } from 'prom-client';
import { LEADERSHIP, type Leadership } from '../cluster/leadership';
import { LOGGER, METRICS_REGISTRY, ROUTING_STORE } from '../core/core.constants';
import { ROUTING_RECONCILE_INTERVAL } from './routing.constants';

const CORRECTION_WORDS: Record<RoutingCorrection['action'], string> = {
  removed: 'removed it',
  restored: 'wrote back the value the control plane published',
  rewritten: 'it had been deleted; wrote it again',
};

/**
 * The control plane treats the routing bucket as its own. Every entry its reader sees that is not what it wrote
 * (a rogue `put`, a foreign delete) is put right at once: a key it did not write is removed, a changed or deleted
 * value written back. A periodic pass over the whole bucket catches anything a lost watch could have missed.
 * Each correction is a WARNING naming the key (never the content, which may be hostile) and is counted.
 *
 * Until a correction lands, edges route by the foreign entry if it passes the routing schema: the protection
 * is NATS permissions (edges may not write the bucket); this only limits the damage and makes it visible.
 */
@Injectable()
export class RoutingReconciler {
  private readonly suspects = new Set<string>();
  private checking: Promise<void> | undefined;
  private fullPass: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private failing = false;
  private stopped = false;
  private readonly corrections: Counter<'action'>;

  constructor(
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(ROUTING_STORE) private readonly store: RoutingStore,
    @Inject(METRICS_REGISTRY) registry: Registry,
    @Inject(ROUTING_RECONCILE_INTERVAL) private readonly intervalMs: number,
    @Inject(LEADERSHIP) private readonly leadership: Leadership,
  ) {
    this.corrections = new Counter({
      name: 'cdn_cp_routing_reconciled_total',
      help: 'Routing entries the control plane did not write, put right: removed, restored (value written back) or rewritten (deleted by another)',
      labelNames: ['action'],
      registers: [registry],
    });
  }

  /** Told of every entry the control plane's reader sees in the bucket; cheap for its own entries. */
  notice(entry: SeenRoutingEntry): void {
    // Followers' stores wrote nothing: only the leader's reconciler may judge the bucket.
    if (this.stopped || !this.leadership.isLeader() || this.store.wrote(entry)) return;
    this.suspects.add(entry.key);
    this.checkSoon();
  }

  start(): void {
    this.timer = setInterval(() => void this.reconcileAll(), this.intervalMs);
    this.timer.unref();
  }

  /** Stops the periodic pass and waits for checks in flight, so nothing is written after the connection closes. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await Promise.all([this.checking, this.fullPass]);
  }

  /** One pass over the whole bucket; a pass still running is not started twice. */
  async reconcileAll(): Promise<void> {
    if (!this.leadership.isLeader()) return;
    this.fullPass ??= this.run(() => this.store.reconcile())
      .then(() => undefined)
      .finally(() => (this.fullPass = undefined));
    await this.fullPass;
  }

  private checkSoon(): void {
    if (this.checking) return;
    this.checking = this.checkSuspects().finally(() => {
      this.checking = undefined;
      // Entries noticed after the last round, as it ended.
      if (this.suspects.size > 0) this.checkSoon();
    });
  }

  private async checkSuspects(): Promise<void> {
    // A burst of entries (a rogue script, a re-read after a reconnect) is checked in one go.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.suspects.size > 0) {
      const keys = [...this.suspects];
      this.suspects.clear();
      if (await this.run(() => this.store.reconcile(keys))) continue;
      // The store is unreachable: the periodic pass reads the whole bucket again once it is back.
      this.suspects.clear();
      return;
    }
  }

  private async run(reconcile: () => Promise<RoutingCorrection[]>): Promise<boolean> {
    try {
      for (const correction of await reconcile()) this.report(correction);
      this.failing = false;
      return true;
    } catch (err) {
      if (!this.failing) this.logger.warn({ err }, `Could not check the routing bucket (${(err as Error).message}); checking again within ${this.intervalMs / 1000} s`);
      this.failing = true;
      return false;
    }
  }

  private report(correction: RoutingCorrection): void {
    this.corrections.inc({ action: correction.action });
    this.logger.warn(
      { key: correction.key, revision: correction.revision, action: correction.action },
      `Routing entry ${shown(correction.key)} at revision ${correction.revision} was not written by the control plane: ${CORRECTION_WORDS[correction.action]}`,
    );
  }
}

/** The key as it may be logged (a foreign key may be long), with the node it names when that is one of ours. */
function shown(key: string): string {
  const text = key.length > 200 ? `${key.slice(0, 200)}...` : key;
  if (!isNodeKey(key)) return text;
  const id = Buffer.from(key.slice(NODE_KEY_PREFIX.length), 'base64url').toString('utf8');
  return NODE_ID_PATTERN.test(id) ? `${text} (node ${id})` : text;
}
