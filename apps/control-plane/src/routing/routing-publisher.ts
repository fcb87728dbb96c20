import { Inject, Injectable } from '@nestjs/common';
import type { CdnConfig, Logger, RouteNode, RoutingSettings, RoutingStore } from '@cdn/shared';
import { Counter, Gauge, Registry } from 'prom-client';
import { LEADERSHIP, type Leadership } from '../cluster/leadership';
import { CDN_CONFIG, LOGGER, METRICS_REGISTRY, ROUTING_STORE } from '../core/core.constants';
import { RefusedNodes } from './refused-nodes';

type PublishKind = 'full' | 'node' | 'delete' | 'settings';

/**
 * Publishes the routing state (nodes and cache setting) to the RoutingStore. Until the first full
 * publish succeeds, and after any failed write (NATS down), the store is "dirty": single-node writes
 * are skipped and `republishIfDirty` (called every health tick) replaces the whole state instead,
 * so no change is lost however many writes failed in between.
 *
 * Publishing goes entry by entry: a node that fails the routing schema is left out (withdrawn from edges),
 * logged and counted once, and never holds back the others or readiness.
 */
@Injectable()
export class RoutingPublisher {
  private cacheEnabled: boolean;
  private dirty = true;
  private failing = false;
  private published = false;
  /** A change was skipped while dirty after the snapshot of the current full publish was taken. */
  private missed = false;
  private fullPublishInFlight: Promise<boolean> | undefined;
  /** Why nothing may be published at all; edges then keep the table they have. */
  private withheldBecause: string | undefined;
  private readonly publishes: Counter<'kind' | 'result'>;
  private readonly refused: RefusedNodes;

  constructor(
    @Inject(CDN_CONFIG) config: CdnConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(ROUTING_STORE) private readonly store: RoutingStore,
    @Inject(METRICS_REGISTRY) registry: Registry,
    @Inject(LEADERSHIP) private readonly leadership: Leadership,
  ) {
    this.cacheEnabled = config.cacheEnabled;
    this.refused = new RefusedNodes(logger, registry);
    this.publishes = new Counter({
      name: 'cdn_cp_routing_publishes_total',
      help: 'Writes of routing state to the routing store, by kind (full, node, delete, settings) and result (ok, error, refused: the node fails the routing schema and was withdrawn, withheld: the node state is not loaded)',
      labelNames: ['kind', 'result'],
      registers: [registry],
    });
    const self = this;
    new Gauge({
      name: 'cdn_cp_cache_enabled',
      help: '1 when edges are told to cache, else 0',
      registers: [registry],
      collect() {
        this.set(self.cacheEnabled ? 1 : 0);
      },
    });
  }

  /** True once the store has accepted a full publish (readiness). */
  get ready(): boolean {
    return this.published;
  }

  /** Why routing is withheld (readiness), when it is. */
  get withheld(): string | undefined {
    return this.withheldBecause;
  }

  /**
   * Publishes nothing from now on: when the saved nodes could not be loaded, the empty table this control
   * plane holds would take every node out of routing. In the split deployment edges keep serving with the
   * table in the bucket; the hold lasts until an operator restarts the control plane.
   */
  withhold(reason: string): void {
    this.withheldBecause = `Routing is not published: ${reason}`;
    this.logger.warn(`${this.withheldBecause} Edges keep the routing table they have.`);
  }

  settings(): RoutingSettings {
    return { cacheEnabled: this.cacheEnabled };
  }

  /** Makes the store hold exactly these nodes and the current settings. Resolves false when it failed. */
  publishAll(nodes: readonly RouteNode[]): Promise<boolean> {
    this.fullPublishInFlight ??= this.replaceAll(nodes).finally(() => (this.fullPublishInFlight = undefined));
    return this.fullPublishInFlight;
  }

  /** Retries a full publish when an earlier write failed; `nodes` is read only when one is needed. */
  async republishIfDirty(nodes: () => readonly RouteNode[]): Promise<void> {
    if (this.dirty) await this.publishAll(nodes());
  }

  async publishNode(node: RouteNode): Promise<void> {
    await this.write('node', async () => {
      const { refused } = await this.store.putNode(node);
      this.refused.note([node.id], refused);
      return refused.length > 0 ? 'refused' : 'ok';
    });
  }

  async removeNode(id: string): Promise<void> {
    this.refused.forget(id);
    await this.write('delete', () => this.store.deleteNode(id));
  }

  /** Flips the cache setting every edge follows and returns the new value; the write goes on in the background. */
  toggleCache(): boolean {
    this.setCacheEnabled(!this.cacheEnabled);
    return this.cacheEnabled;
  }

  /** Sets the cache setting every edge follows (decided by a replica through the node bucket); written in the background. */
  setCacheEnabled(enabled: boolean): void {
    if (this.cacheEnabled === enabled) return;
    this.cacheEnabled = enabled;
    const settings = this.settings();
    void this.write('settings', () => this.store.putSettings(settings));
  }

  private async replaceAll(nodes: readonly RouteNode[]): Promise<boolean> {
    if (this.withheldBecause !== undefined) return this.skip('full');
    // Only the leader writes the routing bucket; a replica that becomes the leader publishes the whole table.
    if (!this.leadership.isLeader()) return false;
    this.missed = false;
    let published: number;
    try {
      const { refused } = await this.store.replaceAll(nodes, this.settings());
      published = nodes.length - refused.length;
      const ids = new Set(nodes.map((n) => n.id));
      this.refused.keepOnly(ids);
      this.refused.note(ids, refused);
    } catch (err) {
      this.onFailure('full', err);
      return false;
    }
    this.publishes.inc({ kind: 'full', result: 'ok' });
    this.dirty = this.missed;
    this.published = true;
    if (this.failing) {
      this.failing = false;
      this.logger.info(`Routing store reachable again: published ${published} node(s)`);
    } else {
      this.logger.debug(`Published the routing table: ${published} node(s), cache ${this.cacheEnabled ? 'enabled' : 'disabled'}`);
    }
    return true;
  }

  /** `write` may say its entry was refused by the routing schema (and so withdrawn) rather than published. */
  private async write(kind: PublishKind, write: () => Promise<'ok' | 'refused' | void>): Promise<void> {
    if (this.withheldBecause !== undefined) return void this.skip(kind);
    if (!this.leadership.isLeader()) {
      this.dirty = true;
      return;
    }
    // While dirty, the next full publish carries this change too.
    if (this.dirty) {
      this.missed = true;
      return;
    }
    try {
      this.publishes.inc({ kind, result: (await write()) ?? 'ok' });
    } catch (err) {
      this.onFailure(kind, err);
    }
  }

  private skip(kind: PublishKind): false {
    this.publishes.inc({ kind, result: 'withheld' });
    return false;
  }

  private onFailure(kind: PublishKind, err: unknown): void {
    this.publishes.inc({ kind, result: 'error' });
    this.dirty = true;
    if (this.failing) return;
    this.failing = true;
    this.logger.warn({ err }, 'Failed to publish routing state; retrying a full publish every health check until it succeeds');
  }
}
