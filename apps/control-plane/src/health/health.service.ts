import { setMaxListeners } from 'node:events';
import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { CdnConfig, Logger } from '@cdn/shared';
import { Counter, Histogram, Registry } from 'prom-client';
import { AlertsService } from '../alerts/alerts.service';
import { CDN_CONFIG, CLOCK, Clock, LOGGER, METRICS_REGISTRY } from '../core/core.constants';
import { EdgesService } from '../edges/edges.service';
import { NodeRegistry } from '../nodes/node-registry';
import { NodesService } from '../nodes/nodes.service';
import { RoutingPublisher } from '../routing/routing-publisher';
import { LEADERSHIP, type Leadership } from '../cluster/leadership';
import { forEachBounded, probeAgents, probeNode, probeUrl } from './node-probe';
import { passiveRecords, samePassive } from './passive-signals';

/** Probes in flight at once per round: enough for hundreds of nodes within one interval, without a socket storm. */
const PROBE_CONCURRENCY = 32;

/**
 * The health loop: every --health-interval seconds, checks heartbeat ages, probes every node, sends
 * alerts that are due and retries a routing publish that failed. Edge reports feed the passive signals as
 * they arrive. Among control-plane replicas only the leader does any of it, so that nodes see one prober
 * and operators one alert. The decisions are node-health.ts's.
 */
@Injectable()
export class HealthService implements OnModuleInit, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopping = abortableProbes();
  private readonly agents;
  private readonly probes: Counter<'node' | 'result'>;
  /** Nodes with probe series, to drop them once the node is gone. */
  private readonly probed = new Set<string>();
  private readonly probeSeconds: Histogram<'result'>;
  private unlisten: (() => void) | undefined;

  constructor(
    @Inject(CDN_CONFIG) private readonly config: CdnConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LEADERSHIP) private readonly leadership: Leadership,
    @Inject(METRICS_REGISTRY) metrics: Registry,
    private readonly registry: NodeRegistry,
    private readonly nodes: NodesService,
    private readonly routing: RoutingPublisher,
    private readonly edges: EdgesService,
    private readonly alerts: AlertsService,
  ) {
    // Idle probe sockets live a little longer than one interval: reused by the next round, then closed.
    this.agents = probeAgents(config.healthInterval * 1000 + 1000);
    this.probes = new Counter({ name: 'cdn_cp_probes_total', help: 'Active health probes of nodes, by node and result (success, failure)', labelNames: ['node', 'result'], registers: [metrics] });
    this.probeSeconds = new Histogram({
      name: 'cdn_cp_probe_duration_seconds',
      help: 'Time to a probe answer (or failure), by result',
      labelNames: ['result'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [metrics],
    });
  }

  onModuleInit(): void {
    this.unlisten = this.edges.listen({
      onReport: (edge, previous) => {
        if (!this.leadership.isLeader()) return;
        if (previous?.status === 'lost') this.alerts.edgeBack(edge.id);
        void this.updatePassive();
      },
      onLost: (edge, silentSeconds) => {
        if (!this.leadership.isLeader()) return;
        this.alerts.edgeLost(edge.id, `no report for ${silentSeconds} s`);
        void this.updatePassive();
      },
    });
  }

  /** Starts the periodic check; the timer never keeps the process alive on its own. */
  start(): void {
    if (this.timer) return;
    if (this.stopping.signal.aborted) this.stopping = abortableProbes();
    this.timer = setInterval(() => void this.check(), this.config.healthInterval * 1000);
    this.timer.unref();
  }

  /** Stops the loop and cancels probes in flight. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.stopping.abort();
  }

  /** One health round, then a retry of a failed routing publish; concurrent calls share the one running. */
  check(): Promise<void> {
    this.running ??= this.runCheck(true).finally(() => (this.running = undefined));
    return this.running;
  }

  /** Applies heartbeat timeouts only: at start-up, before the first full publish. */
  checkNodes(): Promise<void> {
    this.running ??= this.runCheck(false).finally(() => (this.running = undefined));
    return this.running;
  }

  /** Resolves once a running check has finished. */
  async idle(): Promise<void> {
    await this.running;
  }

  onModuleDestroy(): void {
    this.stop();
    this.unlisten?.();
    this.agents.destroy();
  }

  private async runCheck(full: boolean): Promise<void> {
    if (!this.leadership.isLeader()) return;
    try {
      await this.checkHeartbeats();
      if (!full) return;
      this.alerts.sweep();
      // Not awaited: a store that is down may take its whole timeout, and health decisions must not wait for it.
      void this.routing.republishIfDirty(() => this.registry.routeNodes());
      await this.probeAll();
    } catch (err) {
      this.logger.error({ err }, 'Health check failed');
    }
  }

  private async checkHeartbeats(): Promise<void> {
    // Each node's heartbeat age is judged on the node as it is when the check is applied.
    for (const { id } of this.registry.list()) await this.nodes.applyHealth(id, { kind: 'heartbeat-check', at: this.clock() });
  }

  private async probeAll(): Promise<void> {
    const signal = this.stopping.signal;
    const timeoutMs = this.config.probeTimeout * 1000;
    const nodes = this.registry.list();
    this.forgetProbesOfGoneNodes(new Set(nodes.map((node) => node.id)));
    await forEachBounded(nodes, PROBE_CONCURRENCY, async ({ id, url }) => {
      if (signal.aborted) return;
      const target = probeUrl(url, this.config.healthPath);
      const outcome = await probeNode(target, timeoutMs, this.agents, signal);
      if (signal.aborted) return;
      const result = outcome.ok ? 'success' : 'failure';
      this.probes.inc({ node: id, result });
      this.probed.add(id);
      this.probeSeconds.observe({ result }, outcome.durationMs / 1000);
      this.logger.debug(`Probe of node ${id} (${target}): ${outcome.result}`);
      await this.nodes.applyHealth(id, { kind: 'probe', at: this.clock(), ok: outcome.ok, result: outcome.result });
    });
  }

  /** Deregistered nodes leave cdn_cp_probes_total, so that its label set follows the node table. */
  private forgetProbesOfGoneNodes(current: ReadonlySet<string>): void {
    for (const id of this.probed) {
      if (current.has(id)) continue;
      this.probed.delete(id);
      for (const result of ['success', 'failure']) this.probes.remove({ node: id, result });
    }
  }

  /** Re-reads what live edges say of every node; only nodes whose signals changed are touched. */
  private async updatePassive(): Promise<void> {
    try {
      const nodes = this.registry.list();
      const records = passiveRecords(
        nodes.map((n) => n.id),
        this.edges.liveEdges(),
      );
      const now = this.clock();
      for (const node of nodes) {
        const passive = records.get(node.id);
        if (passive && !samePassive(passive, node.health.passive)) await this.nodes.applyHealth(node.id, { kind: 'passive', at: now, passive });
      }
    } catch (err) {
      this.logger.error({ err }, 'Applying edge health signals failed');
    }
  }
}

/** Every probe in flight listens for the stop: as many listeners as probes run at once, without Node's leak warning. */
function abortableProbes(): AbortController {
  const controller = new AbortController();
  setMaxListeners(PROBE_CONCURRENCY + 1, controller.signal);
  return controller;
}
