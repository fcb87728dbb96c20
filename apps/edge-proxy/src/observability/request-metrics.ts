import { type CacheOutcome, methodLabel } from './access-log';
import { BoundCounter, BoundHistogram, CounterCell, HistogramCell } from './bound-metrics';

const CACHE_OUTCOMES: readonly CacheOutcome[] = ['HIT', 'MISS', 'STALE', 'REVALIDATED', 'BYPASS'];
const METHOD_LABELS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'OTHER'];

/**
 * Counts each /cdn request once it is over (cdn_edge_requests_total, cdn_edge_request_duration_seconds) through
 * cells bound per (method, status, X-Cache): found by one integer key, so a request costs no label hashing.
 */
export class RequestMetrics {
  private readonly cells = new Map<number, { count: CounterCell; duration: HistogramCell }>();
  private readonly durationCells = new Map<CacheOutcome, HistogramCell>();

  constructor(
    private readonly requests: BoundCounter<'method' | 'status' | 'cache'>,
    private readonly duration: BoundHistogram<'cache'>,
  ) {}

  record(method: string, status: number, cache: CacheOutcome, seconds: number): void {
    const methodIndex = METHOD_LABELS.indexOf(methodLabel(method));
    const cacheIndex = CACHE_OUTCOMES.indexOf(cache);
    const key = (status * METHOD_LABELS.length + methodIndex) * CACHE_OUTCOMES.length + cacheIndex;
    let cell = this.cells.get(key);
    if (cell === undefined) {
      cell = {
        count: this.requests.bind({ method: METHOD_LABELS[methodIndex], status, cache }),
        duration: this.durationCell(cache),
      };
      this.cells.set(key, cell);
    }
    cell.count.inc();
    cell.duration.observe(seconds);
  }

  private durationCell(cache: CacheOutcome): HistogramCell {
    let cell = this.durationCells.get(cache);
    if (cell === undefined) {
      cell = this.duration.bind({ cache });
      this.durationCells.set(cache, cell);
    }
    return cell;
  }
}
