import { type CacheOutcome, methodLabel } from './access-log';
import { BoundCounter, BoundHistogram, CounterCell, HistogramCell } from './bound-metrics';

const CACHE_OUTCOMES: readonly CacheOutcome[] = ['HIT', 'MISS', 'STALE', 'REVALIDATED', 'BYPASS'];
const METHOD_LABELS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'OTHER'];

/** The counters one /cdn request adds to once it is over. */
export interface RequestCounters {
  requests: BoundCounter<'method' | 'status' | 'cache'>;
  duration: BoundHistogram<'cache'>;
  sentBytes: BoundCounter<'cache'>;
  receivedBytes: BoundCounter<never>;
}

/** One X-Cache value's cells. */
interface OutcomeCells {
  duration: HistogramCell;
  sent: CounterCell;
}

/**
 * Counts each /cdn request once it is over (cdn_edge_requests_total, cdn_edge_request_duration_seconds,
 * cdn_edge_sent_bytes_total, cdn_edge_received_bytes_total) through cells bound per (method, status, X-Cache):
 * found by one integer key, so a request costs no label hashing.
 */
export class RequestMetrics {
  private readonly cells = new Map<number, { count: CounterCell; outcome: OutcomeCells }>();
  private readonly outcomes = new Map<CacheOutcome, OutcomeCells>();
  private readonly received: CounterCell;

  constructor(private readonly counters: RequestCounters) {
    this.received = counters.receivedBytes.bind({});
  }

  record(method: string, status: number, cache: CacheOutcome, seconds: number, sentBytes: number, receivedBytes: number): void {
    const methodIndex = METHOD_LABELS.indexOf(methodLabel(method));
    const cacheIndex = CACHE_OUTCOMES.indexOf(cache);
    const key = (status * METHOD_LABELS.length + methodIndex) * CACHE_OUTCOMES.length + cacheIndex;
    let cell = this.cells.get(key);
    if (cell === undefined) {
      cell = { count: this.counters.requests.bind({ method: METHOD_LABELS[methodIndex], status, cache }), outcome: this.outcomeCells(cache) };
      this.cells.set(key, cell);
    }
    cell.count.inc();
    cell.outcome.duration.observe(seconds);
    cell.outcome.sent.inc(sentBytes);
    this.received.inc(receivedBytes);
  }

  private outcomeCells(cache: CacheOutcome): OutcomeCells {
    let cells = this.outcomes.get(cache);
    if (cells === undefined) {
      cells = { duration: this.counters.duration.bind({ cache }), sent: this.counters.sentBytes.bind({ cache }) };
      this.outcomes.set(cache, cells);
    }
    return cells;
  }
}
