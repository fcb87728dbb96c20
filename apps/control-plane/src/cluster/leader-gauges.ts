import { Gauge, type Registry } from 'prom-client';
import type { Leadership } from './leadership';

/**
 * cdn_cp_leader{replica} and cdn_cp_is_leader, read on scrape from whatever leads: the replicas' lease, or one
 * control plane (the all-in-one too) that always leads and names itself.
 */
export function registerLeaderGauges(registry: Registry, leadership: Leadership): void {
  const registers = [registry];
  new Gauge({
    name: 'cdn_cp_leader',
    help: "1 for the replica this replica knows as the leader (label replica), by this replica's view",
    labelNames: ['replica'],
    registers,
    collect() {
      this.reset();
      const leader = leadership.leaderId();
      if (leader !== undefined) this.set({ replica: leader }, 1);
    },
  });
  new Gauge({
    name: 'cdn_cp_is_leader',
    help: '1 while this replica leads (probes, alerts, publishes routing), else 0',
    registers,
    collect() {
      this.set(leadership.isLeader() ? 1 : 0);
    },
  });
}
