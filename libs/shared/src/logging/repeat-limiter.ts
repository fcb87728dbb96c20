/** Messages remembered at most; the oldest is forgotten first (it is then simply let through again). */
const MAX_KEYS = 256;

/**
 * Lets a repeating message through once per interval: a failure retried every second must stay visible
 * without flooding the log. Each message is keyed by its own text.
 */
export class RepeatLimiter {
  private readonly seen = new Map<string, { at: number; held: number }>();

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** undefined: hold this one back; otherwise how many repeats were held back since it was last let through. */
  pass(key: string): number | undefined {
    const now = this.now();
    const last = this.seen.get(key);
    if (last && now - last.at < this.intervalMs) {
      last.held++;
      return undefined;
    }
    this.seen.delete(key);
    this.seen.set(key, { at: now, held: 0 });
    if (this.seen.size > MAX_KEYS) this.seen.delete(this.seen.keys().next().value!);
    return last?.held ?? 0;
  }

  /** Forgets every message: the next one of each is let through (the condition ended). */
  reset(): void {
    this.seen.clear();
  }
}
