import { CdnError, type Logger } from '@cdn/shared';
import { type BucketEntry, isWrongRevision, type KvBucket, writeFailureReason } from '../cluster/kv-bucket';
import type { RoutingPublisher } from './routing-publisher';

/** DI token of the CacheSwitch behind POST /toggle_cache. */
export const CACHE_SWITCH = Symbol('CACHE_SWITCH');
/** The cache switch's key in the node bucket. */
export const CACHE_SWITCH_KEY = 'settings.cache';
const MAX_ATTEMPTS = 10;

/** The seed's cache switch: flips caching on every edge and answers the new value. */
export interface CacheSwitch {
  toggle(): Promise<boolean>;
}

/** One control plane: the switch is the publisher's setting (kept, as in the seed, until a restart). */
export function localCacheSwitch(publisher: RoutingPublisher): CacheSwitch {
  return { toggle: async () => publisher.toggleCache() };
}

/**
 * Replicas: the switch is a key of the node bucket, flipped with compare-and-set, so that two replicas
 * toggling at once make two flips; every replica's publisher follows the key (the leader's publishes it).
 */
export class ReplicatedCacheSwitch implements CacheSwitch {
  private revision = 0;

  constructor(
    private readonly bucket: KvBucket,
    private readonly publisher: RoutingPublisher,
    private readonly logger: Logger,
  ) {}

  /** Takes in the switch's entry from the bucket's watch. */
  notice(entry: BucketEntry): void {
    if (entry.key !== CACHE_SWITCH_KEY || entry.revision <= this.revision) return;
    this.revision = entry.revision;
    const enabled = parseSwitch(entry.value);
    if (enabled === undefined) return this.logger.warn(`Ignored ${CACHE_SWITCH_KEY} at revision ${entry.revision} of ${this.bucket.name}: not {"enabled": true|false}`);
    this.publisher.setCacheEnabled(enabled);
  }

  async toggle(): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      const enabled = !this.publisher.settings().cacheEnabled;
      const value = JSON.stringify({ enabled });
      try {
        this.revision = this.revision > 0 ? await this.bucket.update(CACHE_SWITCH_KEY, value, this.revision) : await this.bucket.create(CACHE_SWITCH_KEY, value);
        this.publisher.setCacheEnabled(enabled);
        return enabled;
      } catch (err) {
        if (isWrongRevision(err) && attempt < MAX_ATTEMPTS) {
          const latest = await this.bucket.get(CACHE_SWITCH_KEY).catch(() => undefined);
          if (latest) this.notice(latest);
          continue;
        }
        throw new CdnError('state_not_writable', `The cache switch could not be saved in the NATS KV bucket ${this.bucket.name} (${writeFailureReason(err)}), so nothing was changed; retry.`, { bucket: this.bucket.name }, { cause: err });
      }
    }
  }
}

function parseSwitch(value: string | undefined): boolean | undefined {
  try {
    const parsed = JSON.parse(value ?? '') as { enabled?: unknown };
    return typeof parsed.enabled === 'boolean' ? parsed.enabled : undefined;
  } catch {
    return undefined;
  }
}
