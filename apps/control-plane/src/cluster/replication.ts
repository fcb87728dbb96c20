import type { KvBucket } from './kv-bucket';
import type { LeaderLease } from './leader-lease';

/** DI token of the Replication, or null with one control plane and its nodes file. */
export const REPLICATION = Symbol('REPLICATION');

/** What control-plane replicas share in NATS: the node bucket (nodes and the cache switch) and the leader lease. */
export interface Replication {
  nodes: KvBucket;
  lease: LeaderLease;
}
