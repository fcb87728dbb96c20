import os from 'node:os';

/** DI token of the Leadership that decides whether this replica runs the leader's duties. */
export const LEADERSHIP = Symbol('LEADERSHIP');

/** A control-plane replica as GET /cluster shows it. */
export interface ReplicaView {
  id: string;
  role: 'leader' | 'follower';
  /** ISO-8601 time of its latest announcement. */
  last_seen: string;
}

/** The answer of GET /cluster. */
export interface ClusterView {
  self: string;
  leader: string | null;
  replicas: ReplicaView[];
  /** When the leader's lease runs out unless it renews it (ISO-8601); null with one control plane. */
  lease_expires_at: string | null;
}

/**
 * Which replica runs the leader's duties: probes, heartbeat timeouts, alerts, routing publishes and the
 * routing reconciler. Asked before every such act, so that a replica that lost its lease (or was paused
 * past it) stops at once.
 */
export interface Leadership {
  /** This replica's id (--replica-id). */
  readonly self: string;
  isLeader(): boolean;
  /** The replica leading now as this one knows it (itself when it leads); undefined while none is known. */
  leaderId(): string | undefined;
  /** `listener(true)` when this replica becomes the leader, `listener(false)` when it stops leading. */
  onChange(listener: (leading: boolean) => void): void;
  view(): Promise<ClusterView>;
}

/** The default replica id: the host name and process id, unique on a host and readable in a log. */
export function defaultReplicaId(): string {
  const host = os.hostname().replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 50) || 'host';
  return `${host}-${process.pid}`;
}

/** One control plane (the all-in-one server, tests): it always leads. */
export class SoleLeadership implements Leadership {
  constructor(readonly self: string = defaultReplicaId()) {}

  isLeader(): boolean {
    return true;
  }

  leaderId(): string {
    return this.self;
  }

  onChange(): void {}

  async view(): Promise<ClusterView> {
    return { self: this.self, leader: this.self, replicas: [{ id: this.self, role: 'leader', last_seen: new Date().toISOString() }], lease_expires_at: null };
  }
}
