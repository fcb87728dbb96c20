import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { CacheEntry } from './cache-entry';
import { connectCluster } from './cluster-connection';
import { DeadlineExceededError, withDeadline } from './deadline';
import { decodeEntry, encodeEntry } from './entry-codec';
import { MAX_LANGUAGES } from './memory-tier';
import type { PurgeMatch } from './purge-match';
import { redisRefusal } from './redis-refusal';
import { readRedisTarget } from './redis-target';
import { connectServer } from './server-connection';
import { createSharedAvailability } from './shared-availability';
import { type ConnectionEvents, messageOf, type RedisSize } from './shared-connection';
import { sharedKeys } from './shared-keys';
import { deleteVariants, purgeShared } from './shared-purge';
import { primaryOf } from './variant-key';

/** HSET that keeps the hash at most ARGV[3] fields, and its TTL at least ARGV[4] ms: one atomic step, so edges storing at once never lose a language. */
const ADD_LANGUAGE = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[4]) then redis.call('PEXPIRE', KEYS[1], ARGV[4]) end
return 1`;
const GET_LANGUAGES = `return redis.call('HGETALL', KEYS[1])`;

/** L2 through keyv + @keyv/redis, on one Redis server or a Redis Cluster, shared by all edges; every method fails open. */
export interface SharedTier {
  /** Resolves undefined on a miss, a decode failure, a timeout or Redis being down (never rejects). */
  get(key: string): Promise<CacheEntry | undefined>;
  /** Like get, with the milliseconds the entry has left in Redis (an L2 hit fills L1 for that long). */
  getWithTtl(key: string): Promise<{ entry: CacheEntry; remainingMs: number } | undefined>;
  set(key: string, entry: CacheEntry, ttlMs: number): Promise<void>;
  getVary(primary: string): Promise<readonly string[] | undefined>;
  setVary(primary: string, vary: readonly string[], ttlMs: number): Promise<void>;
  /** The languages memo of a primary key (language-variants.ts), learnt by any edge. */
  getLanguages(primary: string): Promise<ReadonlyMap<string, string> | undefined>;
  /** Adds a language to it (at most MAX_LANGUAGES per key: more are ignored until the memo expires); the memo lives at least ttlMs more. */
  addLanguage(primary: string, language: string, acceptLanguage: string, ttlMs: number): Promise<void>;
  /** Every variant of each primary key; resolves the count deleted. */
  deletePrimaries(primaries: readonly string[]): Promise<number>;
  /** Hard or soft purge by url / prefix / tag across the whole shared tier (every master of a cluster); resolves the count affected; rejects only if Redis is unreachable (the caller reports it in a receipt). */
  purge(match: PurgeMatch, soft: boolean, now: number): Promise<number>;
  /** Keys and used memory of the Redis behind the tier (every connected master); undefined while it does not answer. */
  size(): Promise<RedisSize | undefined>;
  /** True while Redis answers (on a cluster, at least some masters); false during an outage (then every call fails open quickly without waiting for the timeout again). */
  readonly available: boolean;
  /** True while the part of Redis holding this primary key's entries answers (on a cluster, the master of its slot). */
  availableFor(primary: string): boolean;
  close(): Promise<void>;
}

/** timeout, error: an operation failed (Redis down or slow); auth, tls: Redis refuses us (wrong password, untrusted certificate); config: it is not the kind of Redis the flags say (a cluster node without --cache-redis-cluster, or the reverse). */
export type SharedFailure = 'timeout' | 'error' | 'auth' | 'tls' | 'config';

export interface SharedTierOptions {
  /** redis://[:password@]host:port or rediss:// for TLS; with `cluster`, one or more comma-separated nodes of the cluster. Passwords are never logged. */
  url: string;
  /** The URL names seed nodes of a Redis Cluster (--cache-redis-cluster). */
  cluster?: boolean;
  /** CA certificate (PEM) that signs a rediss:// server's certificate; the system CAs by default. */
  tlsCa?: string;
  logger: Logger;
  /** Per-operation deadline; default 50 ms for get/set. */
  timeoutMs?: number;
  /**
   * Deadline of set/setVary; default 1 s. Nobody waits on a write (the response is already sent) and a burst of
   * fills queues behind itself, so a write only reports a timeout and never marks Redis down.
   */
  writeTimeoutMs?: number;
  /** Deadline of a purge, which may walk many keys; default 30 s. */
  purgeTimeoutMs?: number;
  /** Key namespace, default 'cdn'. */
  namespace?: string;
  /** Called on every failure, and every refused connection attempt (the edge counts them in a metric). */
  onFailure?: (kind: SharedFailure, operation: string) => void;
  /** Called when an operation that went to Redis is over, whatever its result, with how long it took (the edge's histogram). */
  onDuration?: (operation: string, seconds: number) => void;
  /** Called when a cluster's slot map changes (a failover, a resharding), with how (the edge counts them; logged at DEBUG). */
  onTopologyChange?: (change: string) => void;
  /** Consecutive timeouts after which Redis counts as down (then probed until it answers); default 3. */
  timeoutsBeforeDown?: number;
  /** How often a Redis that stopped answering in time is probed; default 500 ms. */
  probeIntervalMs?: number;
}

export function createSharedTier(options: SharedTierOptions): SharedTier {
  const { logger } = options;
  const timeoutMs = options.timeoutMs ?? 50;
  const writeTimeoutMs = options.writeTimeoutMs ?? 1_000;
  const purgeTimeoutMs = options.purgeTimeoutMs ?? 30_000;
  const timeoutsBeforeDown = options.timeoutsBeforeDown ?? 3;
  const onFailure = options.onFailure ?? (() => {});
  const onDuration = options.onDuration ?? (() => {});
  const keys = sharedKeys(options.namespace ?? 'cdn');
  const target = readRedisTarget({ cacheRedisUrl: options.url, cacheRedisCluster: options.cluster ?? false })!;
  const health = createSharedAvailability(logger, target.where);

  let closed = false;
  let consecutiveTimeouts = 0;
  let probe: NodeJS.Timeout | undefined;
  /** What part of a cluster is lost, while some of it is (told by the connection). */
  let partlyLost: string | undefined;

  /** True when Redis refuses us (then reported as an ERROR naming the flag, and counted); false for anything else. */
  const refused = (err: unknown, operation: string): boolean => {
    const refusal = redisRefusal(err, target.where, options.tlsCa !== undefined);
    if (!refusal) return false;
    onFailure(refusal.kind, operation);
    if (!closed) health.markRefused(refusal.message);
    return true;
  };

  const events: ConnectionEvents = {
    // Connected means reachable, not usable: a Redis that wants a password we lack still lets the handshake through.
    onConnected: () => {
      consecutiveTimeouts = 0;
      partlyLost = undefined;
      redis.check().then(
        () => health.markUp(),
        (err: unknown) => {
          if (!refused(err, 'connect')) health.markDown(messageOf(err));
          startProbe();
        },
      );
    },
    onLost: (reason, whole) => {
      partlyLost = whole ? undefined : reason;
      if (closed) return;
      if (whole) health.markDown(reason);
      else health.markPartial(reason);
    },
    onError: (err) => void refused(err, 'connect'),
    onTopologyChange: (change) => {
      logger.debug(`Shared cache cluster slots changed: ${change}`);
      options.onTopologyChange?.(change);
    },
  };
  // Both connect in the background: the edge serves (from nodes) while Redis is still being reached.
  const redis =
    target.kind === 'cluster'
      ? connectCluster({ seeds: target.seeds, tlsCa: options.tlsCa, events })
      : connectServer({ url: target.url, tlsCa: options.tlsCa, events });

  const startProbe = () => {
    if (probe) return;
    probe = setInterval(() => {
      // A reconnect ends in onConnected, which checks and marks the tier up; a cluster that lost a master is probed on the rest.
      if (closed || (!redis.ready && partlyLost === undefined)) return;
      withDeadline(redis.check(), timeoutMs).then(
        () => {
          consecutiveTimeouts = 0;
          stopProbe();
          if (partlyLost === undefined) health.markUp();
          else health.markPartial(partlyLost);
        },
        () => {},
      );
    }, options.probeIntervalMs ?? 500);
    probe.unref();
  };
  const stopProbe = () => {
    clearInterval(probe);
    probe = undefined;
  };

  /**
   * Runs one operation against Redis, or returns `fallback` at once while Redis is down, or while the part holding
   * `key` is (a cluster's master lost: its keys fail open, the others are served).
   */
  async function attempt<T>(operation: string, fallback: T, work: () => Promise<T>, how: { key?: string; write?: boolean } = {}): Promise<T> {
    if (closed || !health.available) return fallback;
    if (how.key !== undefined && !redis.serves(how.key)) return fallback;
    const startedAt = performance.now();
    try {
      const result = await withDeadline(work(), how.write ? writeTimeoutMs : timeoutMs);
      if (!how.write) consecutiveTimeouts = 0;
      return result;
    } catch (err) {
      noteFailure(err, operation, how.write);
      return fallback;
    } finally {
      onDuration(operation, (performance.now() - startedAt) / 1000);
    }
  }

  function noteFailure(err: unknown, operation: string, write = false): void {
    if (err instanceof DeadlineExceededError) {
      onFailure('timeout', operation);
      if (write) return;
      // One slow answer is noise; several in a row mean Redis is stuck: stop waiting on it and probe instead.
      if (++consecutiveTimeouts >= timeoutsBeforeDown) {
        health.markDown(`no answer within ${timeoutMs} ms`);
        startProbe();
      }
      return;
    }
    if (refused(err, operation)) return startProbe();
    onFailure('error', operation);
    // A lost connection is reported by the connection itself (onLost), once.
    logger.debug({ err }, `Shared cache ${operation} failed`);
  }

  const getWithTtl = (key: string) => {
    const entryKey = keys.entry(key);
    return attempt(
      'get',
      undefined,
      async () => {
        // Both go out on the same connection in the same tick: one round trip.
        const [frame, remainingMs] = await Promise.all([redis.frames.get(entryKey), redis.pTTL(entryKey)]);
        if (!frame) return undefined;
        const entry = decodeEntry(frame);
        if (!entry) {
          logger.debug(`Shared cache entry ${entryKey} could not be decoded; treated as a miss`);
          return undefined;
        }
        return { entry, remainingMs };
      },
      { key: entryKey },
    );
  };

  return {
    get: async (key) => (await getWithTtl(key))?.entry,
    getWithTtl,
    set: async (key, entry, ttlMs) => {
      if (!(ttlMs > 0)) return;
      const px = Math.ceil(ttlMs);
      const frame = encodeEntry(entry);
      const entryKey = keys.entry(key);
      await attempt(
        'set',
        undefined,
        async () => {
          // Indexes first: an entry is never in Redis without the sets that let a purge find it. A tag's set may sit
          // on another master of a cluster, so the entry waits for them all.
          const indexes = [keys.variants(primaryOf(key)), ...entry.tags.map((tag) => keys.tag(tag))];
          await Promise.all(indexes.map((set) => redis.addToIndex(set, entryKey, px)));
          await redis.frames.set(entryKey, frame, px);
        },
        { key: entryKey, write: true },
      );
    },
    getVary: (primary) =>
      attempt(
        'getVary',
        undefined,
        async () => {
          const stored = await redis.getText(keys.vary(primary));
          if (stored === null) return undefined;
          const vary: unknown = JSON.parse(stored);
          return Array.isArray(vary) && vary.every((name) => typeof name === 'string') ? (vary as string[]) : undefined;
        },
        { key: keys.vary(primary) },
      ),
    setVary: async (primary, vary, ttlMs) => {
      if (!(ttlMs > 0)) return;
      await attempt('setVary', undefined, () => redis.setText(keys.vary(primary), JSON.stringify(vary), ttlMs), { key: keys.vary(primary), write: true });
    },
    getLanguages: (primary) =>
      attempt(
        'getLanguages',
        undefined,
        async () => {
          const flat: unknown = await redis.eval(GET_LANGUAGES, { keys: [keys.languages(primary)], arguments: [] });
          if (!Array.isArray(flat) || flat.length === 0) return undefined;
          const languages = new Map<string, string>();
          for (let i = 0; i + 1 < flat.length && languages.size < MAX_LANGUAGES; i += 2) {
            if (typeof flat[i] === 'string' && typeof flat[i + 1] === 'string') languages.set(flat[i] as string, flat[i + 1] as string);
          }
          return languages;
        },
        { key: keys.languages(primary) },
      ),
    addLanguage: async (primary, language, acceptLanguage, ttlMs) => {
      if (!(ttlMs > 0)) return;
      const args = [language, acceptLanguage, String(MAX_LANGUAGES), String(Math.ceil(ttlMs))];
      await attempt('addLanguage', undefined, () => redis.eval(ADD_LANGUAGE, { keys: [keys.languages(primary)], arguments: args }).then(() => undefined), {
        key: keys.languages(primary),
        write: true,
      });
    },
    deletePrimaries: (primaries) => attempt('invalidate', 0, () => deleteVariants(redis, [...new Set(primaries)].map((primary) => keys.variants(primary)))),
    purge: async (match, soft, now) => {
      if (closed || !health.available) throw new Error('Shared cache unavailable: Redis is not connected');
      const startedAt = performance.now();
      try {
        return await withDeadline(purgeShared(redis, keys, match, soft, now), purgeTimeoutMs);
      } catch (err) {
        noteFailure(err, 'purge');
        throw err;
      } finally {
        onDuration('purge', (performance.now() - startedAt) / 1000);
      }
    },
    // Read on scrape, so a write's deadline: a slow answer must not count towards marking Redis down.
    size: () => attempt('size', undefined, () => redis.size(), { write: true }),
    get available() {
      return !closed && health.available;
    },
    availableFor(primary) {
      return !closed && health.available && redis.serves(keys.variants(primary));
    },
    close: async () => {
      if (closed) return;
      closed = true;
      stopProbe();
      await redis.close();
    },
  };
}
