import { type EdgeTraffic, LATENCY_BUCKETS, type TrafficCounts } from '@cdn/shared';

const FIELDS = 5;
const REQUESTS = 0;
const HITS = 1;
const BYTES_SENT = 2;
const BYTES_RECEIVED = 3;
const ERRORS = 4;

/**
 * Traffic counted in `length` consecutive slots of `slotMs` each, by the time it was reported: slot n holds what
 * arrived in [n × slotMs, (n + 1) × slotMs). A fixed ring of typed arrays, allocated on the first traffic, so the
 * memory per tracked node or edge is bounded whatever the traffic; a position still holding an older slot reads as empty.
 */
export class SlotRing {
  private stamps: Float64Array | undefined;
  private counts: Float64Array | undefined;
  private latency: Uint32Array | undefined;

  constructor(
    readonly slotMs: number,
    readonly length: number,
  ) {}

  /** The slot `now` falls in. */
  slotOf(now: number): number {
    return Math.floor(now / this.slotMs);
  }

  add(now: number, traffic: EdgeTraffic): void {
    if (traffic.requests === 0 && traffic.bytesReceived === 0) return;
    const slot = this.slotOf(now);
    const at = this.position(slot);
    const stamps = (this.stamps ??= new Float64Array(this.length).fill(-1));
    const counts = (this.counts ??= new Float64Array(this.length * FIELDS));
    const latency = (this.latency ??= new Uint32Array(this.length * LATENCY_BUCKETS));
    if (stamps[at] !== slot) {
      stamps[at] = slot;
      counts.fill(0, at * FIELDS, (at + 1) * FIELDS);
      latency.fill(0, at * LATENCY_BUCKETS, (at + 1) * LATENCY_BUCKETS);
    }
    const c = at * FIELDS;
    counts[c + REQUESTS] += traffic.requests;
    counts[c + HITS] += traffic.hits;
    counts[c + BYTES_SENT] += traffic.bytesSent;
    counts[c + BYTES_RECEIVED] += traffic.bytesReceived;
    counts[c + ERRORS] += traffic.errors;
    const l = at * LATENCY_BUCKETS;
    for (let i = 0; i < LATENCY_BUCKETS; i++) latency[l + i] += Math.round(traffic.latency[i] ?? 0);
  }

  /** Adds to `into` the slots from `first` to `last` (slot numbers, inclusive); slots older than the ring are gone. */
  sumInto(first: number, last: number, into: TrafficCounts): TrafficCounts {
    const { stamps, counts, latency } = this;
    if (stamps === undefined || counts === undefined || latency === undefined) return into;
    for (let slot = Math.max(first, last - this.length + 1); slot <= last; slot++) {
      const at = this.position(slot);
      if (stamps[at] !== slot) continue;
      const c = at * FIELDS;
      into.requests += counts[c + REQUESTS];
      into.hits += counts[c + HITS];
      into.bytesSent += counts[c + BYTES_SENT];
      into.bytesReceived += counts[c + BYTES_RECEIVED];
      into.errors += counts[c + ERRORS];
      const l = at * LATENCY_BUCKETS;
      for (let i = 0; i < LATENCY_BUCKETS; i++) into.latency[i] += latency[l + i];
    }
    return into;
  }

  private position(slot: number): number {
    return slot % this.length;
  }
}
