import { LRUCache } from 'lru-cache';

/**
 * Keys whose answers turned out not to be storable (Varnish's hit-for-miss): requests for them skip
 * coalescing and go straight to the node, so an uncacheable URL is never serialised behind one request.
 */
export class HitForMiss {
  private readonly keys: LRUCache<string, true>;

  constructor(options: { ttlMs: number; max?: number; now?: () => number }) {
    this.keys = new LRUCache<string, true>({
      max: options.max ?? 50_000,
      ttl: options.ttlMs,
      ttlResolution: 0,
      perf: options.now ? { now: options.now } : undefined,
    });
  }

  has(key: string): boolean {
    return this.keys.has(key);
  }

  remember(key: string): void {
    this.keys.set(key, true);
  }

  forget(key: string): void {
    this.keys.delete(key);
  }
}
