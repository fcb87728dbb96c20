import { type EdgeTraffic, type EdgeTrafficReport, latencyBucket, TrafficCounts } from '@cdn/shared';
import type { CacheOutcome } from '../observability/access-log';

/** One accumulator of client traffic (the whole edge, or one node) over a report interval. */
class TrafficCell extends TrafficCounts {
  add(hit: boolean, error: boolean, bucket: number, sent: number, received: number): void {
    this.requests++;
    if (hit) this.hits++;
    if (error) this.errors++;
    this.bytesSent += sent;
    this.bytesReceived += received;
    this.latency[bucket]++;
  }

  /** What it counted, as reported; then counts again from zero. */
  take(): EdgeTraffic {
    const taken: EdgeTraffic = {
      requests: this.requests,
      hits: this.hits,
      bytesSent: this.bytesSent,
      bytesReceived: this.bytesReceived,
      errors: this.errors,
      latency: Array.from(this.latency),
    };
    this.reset();
    return taken;
  }
}

/**
 * Client traffic since the last edge report, for the control plane's GET /stats: in total and per node whose
 * answer was served (the node that answered, or whose cached answer it was). Counted once per finished request,
 * on the hot path: a node's accumulator is found by one lookup of its id and kept from one report to the next;
 * nothing is allocated per request.
 */
export class TrafficMeter {
  private readonly total = new TrafficCell();
  private readonly nodes = new Map<string, TrafficCell>();

  record(nodeId: string | undefined, status: number, cache: CacheOutcome, ms: number, sent: number, received: number): void {
    const hit = cache === 'HIT' || cache === 'STALE' || cache === 'REVALIDATED';
    const error = status >= 500;
    const bucket = latencyBucket(ms);
    this.total.add(hit, error, bucket, sent, received);
    // Answered by no node (a 404 for a bad path, no node in the table): counted in the total only.
    if (nodeId === undefined) return;
    let cell = this.nodes.get(nodeId);
    if (cell === undefined) {
      cell = new TrafficCell();
      this.nodes.set(nodeId, cell);
    }
    cell.add(hit, error, bucket, sent, received);
  }

  /** The traffic since the previous call; nodes without requests meanwhile are left out and their accumulators dropped. */
  take(): EdgeTrafficReport {
    const report: EdgeTrafficReport = { total: this.total.take() };
    let nodes: Record<string, EdgeTraffic> | undefined;
    for (const [id, cell] of this.nodes) {
      if (cell.requests === 0) {
        // Idle for a whole interval (or gone from the table): its id need not be held any longer.
        this.nodes.delete(id);
        continue;
      }
      (nodes ??= Object.create(null) as Record<string, EdgeTraffic>)[id] = cell.take();
    }
    if (nodes !== undefined) report.nodes = nodes;
    return report;
  }
}
