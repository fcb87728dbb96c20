import type { Logger } from '@cdn/shared';
import { Counter, type Registry } from 'prom-client';
import type { Clock } from '../core/core.constants';
import { type BucketEntry, isWrongRevision, type KvBucket } from './kv-bucket';
import type { ClusterView, Leadership, ReplicaView } from './leadership';

const LEADER_KEY = 'leader';
const replicaKey = (id: string) => `replica.${id}`;
/** A leader stops acting once this share of its lease has passed since its last renewal began: before any follower may take over. */
const FENCE = 0.75;
/** The lease is renewed (and each replica announces itself) this many times per lease. */
const RENEWALS_PER_LEASE = 3;
/** Replicas not heard from for this many leases are left out of GET /cluster (the bucket forgets them within the hour). */
const REPLICA_GONE_LEASES = 3;

interface LeaseValue {
  id: string;
  lease_seconds: number;
  /** The leader's wall-clock time of its latest renewal, for display and for a lease abandoned long ago. */
  renewed_at: string;
  /** Set by a leader that stopped on purpose: a follower may take over at once. */
  released?: boolean;
}

/**
 * The leader lease, one key in the cluster bucket, held with compare-and-set on its revision. The leader
 * renews it three times per lease; a follower that has not seen the key change for a whole lease (timed by
 * its own clock from when it saw the last change, so clocks need not agree) takes it over with a
 * compare-and-set, which only one follower can win. A leader that could not renew for 3/4 of the lease stops
 * acting before any follower may start, and one that finds the key taken steps down: a leader paused past
 * its lease never acts on its return.
 */
export class LeaderLease implements Leadership {
  private leading = false;
  /** Local time when the latest successful renewal (or the take-over) began. */
  private renewedAt = 0;
  /** The latest state of the key this replica knows and when (local time) it first saw it. */
  private seen: { revision: number; value?: LeaseValue; at: number };
  private announcedAt = 0;
  private announcing = false;
  /** The replicas' announcements as last read (every announcement); GET /cluster answers from here at once. */
  private announcements: ReplicaView[] = [];
  private ticking = false;
  private failing = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly listeners: ((leading: boolean) => void)[] = [];
  private readonly changes: Counter;

  constructor(
    private readonly bucket: KvBucket,
    readonly self: string,
    private readonly leaseMs: number,
    private readonly logger: Logger,
    private readonly clock: Clock,
    metrics: Registry,
  ) {
    this.seen = { revision: 0, at: clock() };
    this.changes = new Counter({ name: 'cdn_cp_leader_changes_total', help: 'Times this replica became the leader or stopped being it', labelNames: ['to'], registers: [metrics] });
  }

  /** Starts taking part: reads the lease at once, then every tick. */
  start(): Promise<void> {
    const tickMs = Math.min(1_000, this.leaseMs / 5);
    this.timer = setInterval(() => void this.tick(), tickMs);
    this.timer.unref();
    return this.tick();
  }

  isLeader(): boolean {
    return this.leading && this.clock() - this.renewedAt < this.leaseMs * FENCE;
  }

  onChange(listener: (leading: boolean) => void): void {
    this.listeners.push(listener);
  }

  async view(): Promise<ClusterView> {
    const now = Date.now();
    const leader = this.leaderId() ?? null;
    const replicas = this.announcements
      .filter((replica) => now - Date.parse(replica.last_seen) < this.leaseMs * REPLICA_GONE_LEASES)
      .map((replica) => ({ ...replica, role: replica.id === leader ? ('leader' as const) : ('follower' as const) }));
    const renewed = this.seen.value && !this.seen.value.released ? Date.parse(this.seen.value.renewed_at) : undefined;
    return { self: this.self, leader, replicas, lease_expires_at: renewed !== undefined ? new Date(renewed + this.leaseMs).toISOString() : null };
  }

  /** Stops taking part; a leader releases the lease so that a follower takes over at once. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    while (this.ticking) await new Promise((resolve) => setTimeout(resolve, 10));
    if (!this.leading) return;
    this.setLeading(false, 'shutting down');
    const value: LeaseValue = { id: this.self, lease_seconds: this.leaseMs / 1000, renewed_at: new Date().toISOString(), released: true };
    await this.bucket.update(LEADER_KEY, JSON.stringify(value), this.seen.revision).catch(() => undefined);
  }

  leaderId(): string | undefined {
    if (this.isLeader()) return this.self;
    const value = this.seen.value;
    if (!value || value.released || value.id === this.self) return undefined;
    return this.clock() - this.seen.at < this.leaseMs ? value.id : undefined;
  }

  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      // The lease first: nothing else may delay a renewal.
      if (this.leading) await this.renew();
      else await this.follow();
      this.announce();
      if (this.failing) this.logger.info(`The leader lease in ${this.bucket.name} is reachable again`);
      this.failing = false;
    } catch (err) {
      if (this.leading && !this.isLeader()) this.setLeading(false, `the lease could not be renewed for ${Math.round(this.leaseMs * FENCE) / 1000} s (${(err as Error).message})`);
      if (!this.failing) this.logger.warn({ err }, `Cannot reach the leader lease in ${this.bucket.name} (${(err as Error).message}); retrying`);
      this.failing = true;
    } finally {
      this.ticking = false;
    }
  }

  /**
   * Announces this replica and reads the others' announcements, in the background of the lease: listing keys
   * makes a consumer, which may wait for NATS, and GET /cluster answers from the last read at once.
   */
  private announce(): void {
    const now = this.clock();
    if (this.announcing || now - this.announcedAt < this.leaseMs / RENEWALS_PER_LEASE) return;
    this.announcing = true;
    this.announcedAt = now;
    const replica: ReplicaView = { id: this.self, role: this.isLeader() ? 'leader' : 'follower', last_seen: new Date().toISOString() };
    void this.bucket
      .put(replicaKey(this.self), JSON.stringify(replica))
      .then(() => this.bucket.values('replica.>'))
      .then((read) => (this.announcements = read.flatMap((text) => parseReplica(text) ?? []).sort((a, b) => a.id.localeCompare(b.id))))
      .catch(() => undefined)
      .finally(() => (this.announcing = false));
  }

  private async renew(): Promise<void> {
    const started = this.clock();
    if (!this.isLeader()) return this.setLeading(false, `the lease was not renewed for ${Math.round(this.leaseMs * FENCE) / 1000} s`);
    if (started - this.renewedAt < this.leaseMs / RENEWALS_PER_LEASE) return;
    const value = this.leaseValue();
    try {
      const revision = await this.bucket.update(LEADER_KEY, JSON.stringify(value), this.seen.revision);
      this.seen = { revision, value, at: started };
      this.renewedAt = started;
    } catch (err) {
      if (!isWrongRevision(err)) throw err;
      this.setLeading(false, 'another replica holds the lease');
      this.observe(await this.bucket.get(LEADER_KEY));
    }
  }

  private async follow(): Promise<void> {
    const entry = await this.bucket.get(LEADER_KEY);
    const first = this.seen.revision === 0;
    const changed = this.observe(entry);
    const value = this.seen.value;
    // No lease, a released one, or our own from before a restart.
    const vacant = !value || value.released === true || value.id === this.self;
    const expired = !changed && this.clock() - this.seen.at >= this.leaseMs;
    // Every replica was down: a lease last renewed long ago by the leader's own clock need not be waited out.
    // Only on a replica's first look, so that a replica with a skewed clock cannot take a live lease over and over.
    const abandoned = first && value !== undefined && Date.now() - Date.parse(value.renewed_at) > 2 * this.leaseMs;
    if (vacant || expired || abandoned) await this.take(entry);
  }

  /** Records the key's state; true when it changed since last seen. */
  private observe(entry: BucketEntry | undefined): boolean {
    const revision = entry?.revision ?? 0;
    if (revision === this.seen.revision) return false;
    const value = entry?.value !== undefined ? parseLease(entry.value) : undefined;
    const before = this.seen.value;
    this.seen = { revision, ...(value ? { value } : {}), at: this.clock() };
    if (value && !value.released && value.id !== this.self && value.id !== before?.id) this.logger.info(`Replica ${value.id} leads the control plane`);
    return true;
  }

  private async take(entry: BucketEntry | undefined): Promise<void> {
    const started = this.clock();
    const value = this.leaseValue();
    try {
      const revision = entry ? await this.bucket.update(LEADER_KEY, JSON.stringify(value), entry.revision) : await this.bucket.create(LEADER_KEY, JSON.stringify(value));
      this.seen = { revision, value, at: started };
      this.renewedAt = started;
      const previous = entry?.value !== undefined ? parseLease(entry.value) : undefined;
      this.setLeading(true, previous && !previous.released && previous.id !== this.self ? `the lease of ${previous.id} ran out` : 'no replica held the lease');
    } catch (err) {
      // Another replica took it first: it leads.
      if (!isWrongRevision(err)) throw err;
      this.observe(await this.bucket.get(LEADER_KEY));
    }
  }

  private leaseValue(): LeaseValue {
    return { id: this.self, lease_seconds: this.leaseMs / 1000, renewed_at: new Date().toISOString() };
  }

  private setLeading(leading: boolean, why: string): void {
    if (this.leading === leading) return;
    this.leading = leading;
    this.changes.inc({ to: leading ? 'leader' : 'follower' });
    if (leading) this.logger.info(`Replica ${this.self} is now the leader (${why}); lease ${this.leaseMs / 1000} s`);
    else this.logger.warn(`Replica ${this.self} is no longer the leader: ${why}`);
    for (const listener of this.listeners) {
      try {
        listener(leading);
      } catch (err) {
        this.logger.error({ err }, 'A leadership listener failed');
      }
    }
  }
}

function parseLease(text: string): LeaseValue | undefined {
  try {
    const value = JSON.parse(text) as Partial<LeaseValue>;
    if (typeof value.id === 'string' && typeof value.renewed_at === 'string') return value as LeaseValue;
  } catch {
    // Not ours: treated as no lease.
  }
  return undefined;
}

function parseReplica(text: string): ReplicaView | undefined {
  try {
    const value = JSON.parse(text) as Partial<ReplicaView>;
    if (typeof value.id === 'string' && typeof value.last_seen === 'string') return { id: value.id, role: 'follower', last_seen: value.last_seen };
  } catch {
    // Not ours.
  }
  return undefined;
}
