/**
 * Caps retries at a share of recent requests (as Envoy's retry budget and Finagle's RetryBudget), so
 * that a failing cluster is not hit by a retry storm: over a sliding window, retries may add at most
 * `ratio` of the requests, with a small floor so that low traffic can still retry.
 */
export class RetryBudget {
  private readonly buckets: { at: number; requests: number; retries: number }[] = [];

  constructor(
    private readonly now: () => number,
    private readonly options: { ratio?: number; minPerWindow?: number; windowMs?: number } = {},
  ) {}

  private current() {
    const now = this.now();
    const second = Math.floor(now / 1000) * 1000;
    const windowMs = this.options.windowMs ?? 10_000;
    while (this.buckets.length > 0 && this.buckets[0].at <= now - windowMs) this.buckets.shift();
    let last = this.buckets[this.buckets.length - 1];
    if (!last || last.at !== second) {
      last = { at: second, requests: 0, retries: 0 };
      this.buckets.push(last);
    }
    return last;
  }

  request(): void {
    this.current().requests += 1;
  }

  /** Takes one retry from the budget when there is one left. */
  tryRetry(): boolean {
    const bucket = this.current();
    let requests = 0;
    let retries = 0;
    for (const b of this.buckets) {
      requests += b.requests;
      retries += b.retries;
    }
    const allowed = Math.max(this.options.minPerWindow ?? 10, requests * (this.options.ratio ?? 0.2));
    if (retries >= allowed) return false;
    bucket.retries += 1;
    return true;
  }
}
