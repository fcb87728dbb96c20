import { Inject, Injectable } from '@nestjs/common';
import { CdnError, Logger, NodeRegistration } from '@cdn/shared';
import { Counter, Gauge, Registry } from 'prom-client';
import { CLOCK, Clock, LOGGER, METRICS_REGISTRY } from '../core/core.constants';
import { applyHeartbeat, BecameInactive } from '../health/health-transitions';
import { RoutingPublisher } from '../routing/routing-publisher';
import { NodeStateStore } from '../state/node-state-store';
import { NodeRegistry } from './node-registry';
import { newNode, NodeState, routingChanged, toRouteNode, updatedNode } from './node-state';

/**
 * Every change to the node table goes through here: apply it in memory, tell the edges when it
 * changes what they route by, and save the file (awaited, so an answered change survives a crash).
 * The routing write is not awaited: with NATS down it would hold every answer for the store's
 * timeout, and the publisher never rejects (a failed write is retried as a full publish).
 */
@Injectable()
export class NodesService {
  private readonly registrations: Counter<'kind'>;
  private readonly heartbeats: Counter;
  private readonly transitions: Counter<'to'>;

  constructor(
    private readonly registry: NodeRegistry,
    private readonly state: NodeStateStore,
    private readonly routing: RoutingPublisher,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(METRICS_REGISTRY) metrics: Registry,
  ) {
    this.registrations = new Counter({ name: 'cdn_cp_registrations_total', help: 'Node registrations, new or updating', labelNames: ['kind'], registers: [metrics] });
    this.heartbeats = new Counter({ name: 'cdn_cp_heartbeats_total', help: 'Heartbeats received from known nodes', registers: [metrics] });
    this.transitions = new Counter({ name: 'cdn_cp_node_transitions_total', help: 'Node health transitions, by new status', labelNames: ['to'], registers: [metrics] });
    const nodes = registry;
    new Gauge({
      name: 'cdn_cp_nodes',
      help: 'Registered nodes, by status',
      labelNames: ['status'],
      registers: [metrics],
      collect() {
        const active = nodes.list().filter((n) => n.isActive).length;
        this.set({ status: 'active' }, active);
        this.set({ status: 'inactive' }, nodes.size - active);
      },
    });
  }

  list(): NodeState[] {
    return this.registry.list();
  }

  get(id: string): NodeState {
    const node = this.registry.get(id);
    if (!node) throw notFound(id);
    return node;
  }

  /** Registers a node, or updates it when the id is known; a registration counts as a heartbeat. */
  async register(registration: NodeRegistration): Promise<{ created: boolean }> {
    const before = this.registry.get(registration.id);
    const base = before ? updatedNode(before, registration) : newNode(registration, this.clock());
    const { node } = applyHeartbeat(base, this.clock());
    this.registry.set(node);
    this.registrations.inc({ kind: before ? 'updated' : 'created' });
    if (before && !before.isActive) this.transitions.inc({ to: 'active' });
    this.logger.info(`Node ${node.id} ${before ? 'updated' : 'registered'}: ${node.url} (${node.location}, capacity ${node.capacity})`);
    await this.commit(before, node);
    return { created: !before };
  }

  async heartbeat(id: string, currentLoad?: number): Promise<void> {
    const before = this.get(id);
    const { node, revived } = applyHeartbeat({ ...before, currentLoad: currentLoad ?? before.currentLoad }, this.clock());
    this.registry.set(node);
    this.heartbeats.inc();
    if (revived) {
      this.transitions.inc({ to: 'active' });
      this.logger.info(`Node ${id} is active again`);
    } else {
      this.logger.debug(`Heartbeat from node ${id}`);
    }
    await this.commit(before, node);
  }

  async deregister(id: string): Promise<void> {
    const node = this.get(id);
    this.registry.delete(id);
    this.logger.info(`Node ${id} deregistered: ${node.url} (${node.location})`);
    void this.routing.removeNode(id);
    await this.state.save(this.registry.toStored());
  }

  /** Applies a health decision made by the health loop. */
  async markInactive(id: string, change: BecameInactive): Promise<void> {
    const before = this.registry.get(id);
    if (!before || !before.isActive) return;
    const node: NodeState = { ...before, isActive: false, failCount: change.failCount };
    this.registry.set(node);
    this.transitions.inc({ to: 'inactive' });
    this.logger.warn(`Node ${id} is inactive: no heartbeat for ${change.silentSeconds} s`);
    await this.commit(before, node);
  }

  private async commit(before: NodeState | undefined, after: NodeState): Promise<void> {
    // Started before the save, so that in one process the edge routes by a change before it is answered.
    if (routingChanged(before, after)) void this.routing.publishNode(toRouteNode(after));
    await this.state.save(this.registry.toStored());
  }
}

function notFound(id: string): CdnError {
  return new CdnError('node_not_found', `No node is registered with id "${id}".`, { id });
}
