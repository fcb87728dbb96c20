import { Gauge, type Registry } from 'prom-client';
import type { NodeState } from './node-state';

/**
 * Per-node gauges read on scrape from the node table: cdn_cp_node_up{node,location}, cdn_cp_node_draining{node},
 * cdn_cp_node_capacity{node} and cdn_cp_node_load{node}. Each scrape starts from an empty gauge, so a deregistered node leaves the series.
 */
export function registerNodeGauges(registry: Registry, nodes: () => readonly NodeState[]): void {
  const registers = [registry];
  new Gauge({
    name: 'cdn_cp_node_up',
    help: '1 while the node is active (routed to), 0 otherwise (inactive, draining, or not yet healthy)',
    labelNames: ['node', 'location'],
    registers,
    collect() {
      this.reset();
      for (const node of nodes()) this.set({ node: node.id, location: node.location }, node.health.status === 'active' ? 1 : 0);
    },
  });
  // Apart from up: a node an operator drained is out of rotation on purpose, and alerts must not page for it.
  new Gauge({
    name: 'cdn_cp_node_draining',
    help: '1 while an operator has drained the node (POST /nodes/<id>/drain), 0 otherwise',
    labelNames: ['node'],
    registers,
    collect() {
      this.reset();
      for (const node of nodes()) this.set({ node: node.id }, node.health.drained ? 1 : 0);
    },
  });
  new Gauge({
    name: 'cdn_cp_node_capacity',
    help: 'Capacity the node registered with',
    labelNames: ['node'],
    registers,
    collect() {
      this.reset();
      for (const node of nodes()) this.set({ node: node.id }, node.capacity);
    },
  });
  new Gauge({
    name: 'cdn_cp_node_load',
    help: 'Load the node reported in its last heartbeat (current_load); 0 until it reports one',
    labelNames: ['node'],
    registers,
    collect() {
      this.reset();
      for (const node of nodes()) this.set({ node: node.id }, node.currentLoad);
    },
  });
}
