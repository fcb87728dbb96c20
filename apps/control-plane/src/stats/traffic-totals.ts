import { LATENCY_BUCKETS } from '@cdn/shared';

/** Traffic summed over some slots: what one Stats (or one series point) is computed from. */
export class TrafficTotals {
  requests = 0;
  hits = 0;
  bytesSent = 0;
  bytesReceived = 0;
  errors = 0;
  readonly latency = new Float64Array(LATENCY_BUCKETS);

  reset(): this {
    this.requests = this.hits = this.bytesSent = this.bytesReceived = this.errors = 0;
    this.latency.fill(0);
    return this;
  }
}
