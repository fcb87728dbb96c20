import { Inject, Injectable } from '@nestjs/common';
import { CdnConfig, CdnError, Logger, NODE_STATUSES, NodeRegistration } from '@cdn/shared';
import { Counter, Gauge, Registry } from 'prom-client';
import { AlertsService } from '../alerts/alerts.service';
import { LEADERSHIP, type Leadership } from '../cluster/leadership';
import { CDN_CONFIG, CLOCK, Clock, LOGGER, METRICS_REGISTRY } from '../core/core.constants';
import { applyHealthInput, HealthInput, HealthSettings, Transition } from '../health/node-health';
import { RoutingPublisher } from '../routing/routing-publisher';
import { issueNodeToken } from '../security/node-token';
import { NodeUrlPolicy } from '../security/node-url-policy';
import { authConfigured } from '../security/token-store';
import { NodeStateStore } from '../state/node-state-store';
import { NODE_CHANGES, type NodeChanges } from './node-changes';
import { registerNodeGauges } from './node-gauges';
import { NodeRegistry } from './node-registry';
import { isActive, newNode, NodeState, routingChanged, storedChanged, toRouteNode, updatedNode } from './node-state';

/**
 * Every change to the node table goes through here. Changes are stored first (NodeChanges): only once
 * the nodes file (one control plane) or the replicated node bucket (replicas) holds them do they take
 * effect in memory and reach the edges, so an answered change survives a crash and a change that cannot
 * be stored never routes (503 state_not_writable). With a nodes file, heartbeats and health facts take
 * effect at once and reach the file with the next snapshot; in the bucket, every one is stored before it
 * is answered. Among replicas, changes another replica made arrive through the bucket, and only the
 * leader publishes routing and sends alerts, for every change whoever made it. The routing write is not awaited: with NATS down it would hold every answer for the
 * store's timeout, and the publisher never rejects (a failed write is retried as a full publish).
 * Health facts (heartbeats, probes, edge signals, drains) go through the pure health model; every
 * status change it makes is logged, counted and handed to the alerts.
 * Registration is also where --node-url-allow and --max-nodes are enforced and node tokens are issued.
 */
@Injectable()
export class NodesService {
  private readonly registrations: Counter<'kind'>;
  private readonly heartbeats: Counter;
  private readonly transitions: Counter<'from' | 'to'>;
  private readonly refusals: Counter<'reason'>;
  private readonly tokensIssued: Counter<'kind'>;
  /** With admin tokens configured, every node gets a token of its own for its heartbeats. */
  private readonly issueTokens: boolean;
  private readonly maxNodes: number;
  /** The health thresholds, also needed to explain a status (GET /nodes/<id>). */
  readonly settings: HealthSettings;

  constructor(
    private readonly registry: NodeRegistry,
    private readonly state: NodeStateStore,
    @Inject(NODE_CHANGES) private readonly changes: NodeChanges,
    @Inject(LEADERSHIP) private readonly leadership: Leadership,
    private readonly routing: RoutingPublisher,
    private readonly alerts: AlertsService,
    private readonly urlPolicy: NodeUrlPolicy,
    @Inject(CDN_CONFIG) config: CdnConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(METRICS_REGISTRY) metrics: Registry,
  ) {
    this.settings = { nodeTimeout: config.nodeTimeout, healthyThreshold: config.healthyThreshold, unhealthyThreshold: config.unhealthyThreshold };
    this.registrations = new Counter({ name: 'cdn_cp_registrations_total', help: 'Node registrations, new or updating', labelNames: ['kind'], registers: [metrics] });
    this.heartbeats = new Counter({ name: 'cdn_cp_heartbeats_total', help: 'Heartbeats received from known nodes', registers: [metrics] });
    this.refusals = new Counter({ name: 'cdn_cp_registrations_refused_total', help: 'Registrations refused, by reason', labelNames: ['reason'], registers: [metrics] });
    this.tokensIssued = new Counter({ name: 'cdn_cp_node_tokens_issued_total', help: 'Node tokens issued, at registration or by rotation', labelNames: ['kind'], registers: [metrics] });
    this.issueTokens = authConfigured(config);
    this.maxNodes = config.maxNodes;
    this.transitions = new Counter({
      name: 'cdn_cp_node_transitions_total',
      help: 'Node status changes, by previous and new status',
      labelNames: ['from', 'to'],
      registers: [metrics],
    });
    changes.onRemoteChange((id, before, after) => this.changedElsewhere(id, before, after));
    const nodes = registry;
    new Gauge({
      name: 'cdn_cp_nodes',
      help: 'Registered nodes, by status',
      labelNames: ['status'],
      registers: [metrics],
      collect() {
        for (const status of NODE_STATUSES) this.set({ status }, nodes.list().filter((n) => n.health.status === status).length);
      },
    });
    registerNodeGauges(metrics, () => nodes.list());
  }

  list(): NodeState[] {
    return this.registry.list();
  }

  get(id: string): NodeState {
    const node = this.registry.get(id);
    if (!node) throw notFound(id);
    return node;
  }

  /**
   * Registers a node, or updates it when the id is known; a registration counts as a heartbeat. Saved
   * before it takes effect. Returns the node's new token when it got one: a new node, or a known one that
   * had none, while tokens are configured. An update keeps the token the node has.
   */
  async register(registration: NodeRegistration): Promise<{ created: boolean; nodeToken?: string }> {
    const problem = await this.urlPolicy.problemWith(registration.url);
    if (problem !== undefined) {
      throw this.refused('url_not_allowed', new CdnError('invalid_node', `Invalid node registration: url ${problem}`, { fields: { url: problem } }), registration.id);
    }
    const now = this.clock();
    const known = this.registry.get(registration.id);
    // Registrations still being saved count too, so that a burst of them cannot overshoot --max-nodes.
    const registered = this.registry.size + this.changes.pendingAdditions();
    if (!known && !this.changes.isPending(registration.id) && registered >= this.maxNodes) {
      const message = `Cannot register node ${registration.id}: ${registered} nodes are registered, as many as --max-nodes (${this.maxNodes}) allows; deregister one or raise --max-nodes`;
      throw this.refused('too_many_nodes', new CdnError('too_many_nodes', message, { max_nodes: this.maxNodes }), registration.id);
    }
    const token = this.issueTokens && !known?.tokenSha256 ? issueNodeToken() : undefined;
    const base = (before: NodeState | undefined) => {
      const node = before ? updatedNode(before, registration) : newNode(registration, now);
      return token ? { ...node, tokenSha256: token.sha256 } : node;
    };
    let created = false;
    await this.changes.commit(
      `register node ${registration.id}`,
      registration.id,
      (before) => ({ ...this.next(base(before), { kind: 'heartbeat', at: now }).node, lastHeartbeat: now }),
      () => {
        const before = this.registry.get(registration.id);
        const node = base(before);
        created = !before;
        this.registrations.inc({ kind: before ? 'updated' : 'created' });
        this.logger.info(`Node ${node.id} ${before ? 'updated' : 'registered'}: ${node.url} (${node.location}, capacity ${node.capacity})`);
        if (token) this.tokenIssued(node.id, 'registration');
        this.commit(before, { ...this.step(node, { kind: 'heartbeat', at: now }), lastHeartbeat: now }, 'saved');
      },
    );
    return { created, ...(token ? { nodeToken: token.token } : {}) };
  }

  /** Gives the node a new token (rotation), saved before it takes effect: then the old one stops working at once. Returns the new token. */
  async issueToken(id: string): Promise<string> {
    this.get(id);
    const token = issueNodeToken();
    await this.changes.commit(`issue a token to node ${id}`, id, (before) => before && { ...before, tokenSha256: token.sha256 }, () => {
      const before = this.registry.get(id);
      if (!before) return;
      this.tokenIssued(id, 'rotation');
      this.commit(before, { ...before, tokenSha256: token.sha256 }, 'saved');
    });
    // Deregistered while the token was being saved: there is no node to give it to.
    this.get(id);
    return token.token;
  }

  /** Counts and logs a refused registration; returns the error to throw. `id` only once the body passed validation. */
  refused(reason: 'invalid' | 'url_not_allowed' | 'too_many_nodes', error: CdnError, id?: string): CdnError {
    this.refusals.inc({ reason });
    const line = `Registration${id !== undefined ? ` of node ${id}` : ''} refused (${reason}): ${error.message}`;
    if (reason === 'invalid') this.logger.info(line);
    else this.logger.warn(line);
    return error;
  }

  private tokenIssued(id: string, kind: 'registration' | 'rotation'): void {
    this.tokensIssued.inc({ kind });
    // Never the token itself: whoever holds the log could heartbeat as the node.
    this.logger.info(kind === 'rotation' ? `Issued a new token to node ${id}; its previous token no longer works` : `Issued a token to node ${id}`);
  }

  async heartbeat(id: string, currentLoad?: number): Promise<void> {
    const now = this.clock();
    this.get(id);
    const input: HealthInput = { kind: 'heartbeat', at: now };
    const beat = (node: NodeState): NodeState => ({ ...node, currentLoad: currentLoad ?? node.currentLoad });
    await this.changes.commit(`record a heartbeat of node ${id}`, id, (before) => before && { ...this.next(beat(before), input).node, lastHeartbeat: now }, () => {
      const before = this.registry.get(id);
      if (!before) return;
      this.heartbeats.inc();
      this.logger.debug(`Heartbeat from node ${id}`);
      this.commit(before, { ...this.step(beat(before), input), lastHeartbeat: now });
    });
    // Deregistered while the heartbeat was being stored.
    this.get(id);
  }

  /** Saved before it takes effect. */
  async deregister(id: string): Promise<void> {
    this.get(id);
    await this.changes.commit(`deregister node ${id}`, id, () => undefined, () => {
      const node = this.registry.get(id);
      if (!node || !this.registry.delete(id)) return;
      this.logger.info(`Node ${id} deregistered: ${node.url} (${node.location})`);
      void this.routing.removeNode(id);
      if (this.leadership.isLeader()) this.alerts.nodeRemoved(id, this.activeCount(), this.registry.size);
    });
  }

  /** An operator drains the node (no new traffic) or undoes it (its health decides again). Saved before it takes effect. */
  async setDrained(id: string, drained: boolean): Promise<NodeState> {
    const at = this.clock();
    this.get(id);
    const input: HealthInput = { kind: 'drain', at, drained };
    await this.changes.commit(`${drained ? 'drain' : 'undrain'} node ${id}`, id, (before) => before && this.next(before, input).node, () => {
      const before = this.registry.get(id);
      if (!before) return;
      if (before.health.drained !== drained) this.logger.info(`Node ${id} ${drained ? 'drained' : 'undrained'} by an operator`);
      this.commit(before, this.step(before, input), 'saved');
    });
    // Deregistered while the drain was being saved: nothing is left to show.
    return this.get(id);
  }

  /**
   * Applies a fact from the health loop (heartbeat age, a probe) or from edges: the leader's alone. Unknown ids are
   * ignored (deregistered meanwhile), and so is a fact that could not be stored: the next round computes it again.
   */
  async applyHealth(id: string, input: HealthInput): Promise<void> {
    if (!this.leadership.isLeader() || !this.registry.get(id)) return;
    await this.changes
      .commit(`apply a health fact (${input.kind}) to node ${id}`, id, (before) => before && this.next(before, input).node, () => {
        const before = this.registry.get(id);
        if (before) this.commit(before, this.step(before, input));
      })
      .catch(() => undefined);
  }

  /** A node another replica changed, already in the table: the leader publishes it and alerts on its status. */
  private changedElsewhere(id: string, before: NodeState | undefined, after: NodeState | undefined): void {
    this.state.markChanged();
    if (!this.leadership.isLeader()) return;
    if (!after) {
      void this.routing.removeNode(id);
      this.alerts.nodeRemoved(id, this.activeCount(), this.registry.size);
      return;
    }
    if (routingChanged(before, after)) void this.routing.publishNode(toRouteNode(after));
    if (before && before.health.status !== after.health.status) this.alerts.nodeChanged(id, after.health.status, after.health.reason, this.activeCount(), this.registry.size, after.health.since);
  }

  /** Runs the health model and sets the result in the table at once (before any await), so concurrent facts never overwrite each other. */
  private step(node: NodeState, input: HealthInput): NodeState {
    const { node: next, transition } = this.next(node, input);
    this.registry.set(next);
    if (transition) this.onTransition(next, transition);
    return next;
  }

  /** The health model's answer alone, without taking effect: also previews a change that is about to be saved. */
  private next(node: NodeState, input: HealthInput): { node: NodeState; transition?: Transition } {
    const { health, failures, transition } = applyHealthInput(node.health, input, this.settings, node.lastHeartbeat);
    return { node: { ...node, health, failCount: node.failCount + failures }, transition };
  }

  private onTransition(node: NodeState, t: Transition): void {
    this.transitions.inc({ from: t.from, to: t.to });
    if (t.to === 'active') this.logger.info(`Node ${node.id} is active again (was ${t.from}): ${t.reason}`);
    else this.logger.warn(`Node ${node.id} is ${t.to}: ${t.reason}`);
    if (this.leadership.isLeader()) this.alerts.nodeChanged(node.id, t.to, t.reason, this.activeCount(), this.registry.size, t.at);
  }

  private activeCount(): number {
    return this.registry.list().filter(isActive).length;
  }

  /** Takes a change into the table and the routing; `saved` when the file already holds it, else it waits for the next snapshot. */
  private commit(before: NodeState | undefined, after: NodeState, saved?: 'saved'): void {
    this.registry.set(after);
    // Started before the answer, so that in one process the edge routes by a change before it is answered.
    if (routingChanged(before, after)) void this.routing.publishNode(toRouteNode(after));
    if (!saved && storedChanged(before, after)) this.state.markChanged();
  }
}

function notFound(id: string): CdnError {
  return new CdnError('node_not_found', `No node is registered with id "${id}".`, { id });
}
