import { createClient, RESP_TYPES } from '@redis/client';
import { redactUrl } from '@cdn/shared';
import { Keyv } from 'keyv';
import type { Logger } from 'pino';
import { BufferRedisStore } from './buffer-redis-store';
import type { CacheEntry } from './cache-entry';
import { DeadlineExceededError, withDeadline } from './deadline';
import { decodeEntry, encodeEntry } from './entry-codec';
import type { PurgeMatch } from './purge-match';
import { redisRefusal } from './redis-refusal';
import { createSharedAvailability } from './shared-availability';
import { sharedKeys } from './shared-keys';
import { deleteIndexed, purgeShared, type PurgeRedis } from './shared-purge';
import { primaryOf } from './variant-key';

/** L2 through keyv + @keyv/redis, shared by all edges; every method fails open. */
export interface SharedTier {
  /** Resolves undefined on a miss, a decode failure, a timeout or Redis being down (never rejects). */
  get(key: string): Promise<CacheEntry | undefined>;
  /** Like get, with the milliseconds the entry has left in Redis (an L2 hit fills L1 for that long). */
  getWithTtl(key: string): Promise<{ entry: CacheEntry; remainingMs: number } | undefined>;
  set(key: string, entry: CacheEntry, ttlMs: number): Promise<void>;
  getVary(primary: string): Promise<readonly string[] | undefined>;
  setVary(primary: string, vary: readonly string[], ttlMs: number): Promise<void>;
  /** Every variant of each primary key; resolves the count deleted. */
  deletePrimaries(primaries: readonly string[]): Promise<number>;
  /** Hard or soft purge by url / prefix / tag across the whole shared tier; resolves the count affected; rejects only if Redis is unreachable (the caller reports it in a receipt). */
  purge(match: PurgeMatch, soft: boolean, now: number): Promise<number>;
  /** True while Redis answers; false during an outage (then every call fails open quickly without waiting for the timeout again). */
  readonly available: boolean;
  close(): Promise<void>;
}

/** timeout, error: an operation failed (Redis down or slow); auth, tls: Redis refuses us (wrong password, untrusted certificate). */
export type SharedFailure = 'timeout' | 'error' | 'auth' | 'tls';

export interface SharedTierOptions {
  /** redis://[:password@]host:port or rediss:// for TLS; its password is never logged. */
  url: string;
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
  /** Consecutive timeouts after which Redis counts as down (then probed until it answers); default 3. */
  timeoutsBeforeDown?: number;
  /** How often a Redis that stopped answering in time is probed; default 500 ms. */
  probeIntervalMs?: number;
}

/** Quick first retries so a restart is noticed at once, then at most one attempt every 2 s. */
function reconnectDelay(retries: number): number {
  return Math.min(50 * 2 ** retries, 2_000) + Math.floor(Math.random() * 50);
}

export function createSharedTier(options: SharedTierOptions): SharedTier {
  const { logger } = options;
  const timeoutMs = options.timeoutMs ?? 50;
  const writeTimeoutMs = options.writeTimeoutMs ?? 1_000;
  const purgeTimeoutMs = options.purgeTimeoutMs ?? 30_000;
  const timeoutsBeforeDown = options.timeoutsBeforeDown ?? 3;
  const onFailure = options.onFailure ?? (() => {});
  const keys = sharedKeys(options.namespace ?? 'cdn');
  const where = redactUrl(options.url);
  const health = createSharedAvailability(logger, where);

  const client = createClient({
    url: options.url,
    // Fail at once while disconnected instead of queueing requests that would only time out.
    disableOfflineQueue: true,
    // tls itself comes from the URL's scheme; node-redis passes ca on to tls.connect.
    socket: { connectTimeout: 1_000, reconnectStrategy: reconnectDelay, ...(options.tlsCa !== undefined && { ca: options.tlsCa }) } as { connectTimeout: number },
  });
  // Same connection, but bulk strings come back as Buffers: frames are bytes, not text.
  const bytes = client.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
  const store = new BufferRedisStore(bytes as never, { throwOnErrors: true });
  // No serializer and no key prefix: keyv passes `{ value }` to the store, which writes value's bytes under our key.
  const keyv = new Keyv<Buffer>(store, { namespace: undefined, useKeyPrefix: false, serialize: undefined, deserialize: undefined, throwOnErrors: true });

  let closed = false;
  let consecutiveTimeouts = 0;
  let probe: NodeJS.Timeout | undefined;

  const startProbe = () => {
    if (probe) return;
    probe = setInterval(() => {
      if (closed || !client.isReady) return; // a reconnect ends in 'ready', which marks the tier up
      withDeadline(client.ping(), timeoutMs).then(
        () => {
          consecutiveTimeouts = 0;
          stopProbe();
          health.markUp();
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

  /** True when Redis refuses us (then reported as an ERROR naming the flag, and counted); false for anything else. */
  const refused = (err: unknown, operation: string): boolean => {
    const refusal = redisRefusal(err, where, options.tlsCa !== undefined);
    if (!refusal) return false;
    onFailure(refusal.kind, operation);
    if (!closed) health.markRefused(refusal.message);
    return true;
  };

  // Without an 'error' listener a lost connection would crash the edge; here it only marks the tier down.
  client.on('error', (err: Error) => {
    if (refused(err, 'connect')) return;
    if (!client.isReady && !closed) health.markDown(err.message || String(err));
  });
  // Ready means connected, not usable: a Redis that wants a password we lack still lets the handshake through.
  client.on('ready', () => {
    consecutiveTimeouts = 0;
    client.ping().then(
      () => health.markUp(),
      (err: unknown) => {
        if (!refused(err, 'connect')) health.markDown((err as Error).message);
        startProbe();
      },
    );
  });
  // Not awaited: the edge serves (from nodes) while Redis is still being reached; retries follow reconnectDelay.
  client.connect().catch((err: Error) => {
    if (!refused(err, 'connect')) health.markDown(err.message);
  });

  /** Runs one operation against Redis, or returns `fallback` at once while Redis is down. */
  async function attempt<T>(operation: string, fallback: T, work: () => Promise<T>, write = false): Promise<T> {
    if (closed || !health.available) return fallback;
    try {
      const result = await withDeadline(work(), write ? writeTimeoutMs : timeoutMs);
      if (!write) consecutiveTimeouts = 0;
      return result;
    } catch (err) {
      noteFailure(err, operation, write);
      return fallback;
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
    if (!client.isReady) health.markDown((err as Error).message);
    else logger.debug({ err }, `Shared cache ${operation} failed`);
  }

  const purgeRedis: PurgeRedis = {
    sMembers: (key) => client.sMembers(key),
    scan: async (cursor, scanOptions) => {
      const reply = await client.scan(cursor, scanOptions);
      return { cursor: String(reply.cursor), keys: reply.keys };
    },
    unlink: (batch) => client.unlink(batch),
    eval: (script, evalOptions) => client.eval(script, evalOptions),
    getFrame: (key) => bytes.get(key) as Promise<Buffer | null>,
    replaceFrame: async (key, frame) => (await bytes.set(key, frame, { expiration: 'KEEPTTL', condition: 'XX' })) !== null,
  };

  const getWithTtl = (key: string) =>
    attempt('get', undefined, async () => {
      const entryKey = keys.entry(key);
      // Both go out on the same connection in the same tick: one round trip.
      const [frame, remainingMs] = await Promise.all([keyv.get(entryKey), client.pTTL(entryKey)]);
      if (!frame) return undefined;
      const entry = decodeEntry(frame);
      if (!entry) {
        logger.debug(`Shared cache entry ${entryKey} could not be decoded; treated as a miss`);
        return undefined;
      }
      return { entry, remainingMs };
    });

  return {
    get: async (key) => (await getWithTtl(key))?.entry,
    getWithTtl,
    set: async (key, entry, ttlMs) => {
      if (!(ttlMs > 0)) return;
      const px = Math.ceil(ttlMs);
      const frame = encodeEntry(entry);
      await attempt('set', undefined, async () => {
        const entryKey = keys.entry(key);
        // Indexes first: an entry is never in Redis without the sets that let a purge find it.
        const index = client.multi();
        for (const set of [keys.variants(primaryOf(key)), ...entry.tags.map((tag) => keys.tag(tag))]) {
          index.sAdd(set, key);
          // An index lives at least as long as its longest-lived entry: NX sets a first TTL, GT only extends it.
          index.pExpire(set, px, 'NX');
          index.pExpire(set, px, 'GT');
        }
        await Promise.all([index.exec(), keyv.set(entryKey, frame, px)]);
      }, true);
    },
    getVary: (primary) =>
      attempt('getVary', undefined, async () => {
        const stored = await client.get(keys.vary(primary));
        if (stored === null) return undefined;
        const vary: unknown = JSON.parse(stored);
        return Array.isArray(vary) && vary.every((name) => typeof name === 'string') ? (vary as string[]) : undefined;
      }),
    setVary: async (primary, vary, ttlMs) => {
      if (!(ttlMs > 0)) return;
      await attempt('setVary', undefined, async () => {
        await client.set(keys.vary(primary), JSON.stringify(vary), { expiration: { type: 'PX', value: Math.ceil(ttlMs) } });
      }, true);
    },
    deletePrimaries: (primaries) =>
      attempt('invalidate', 0, () => deleteIndexed(purgeRedis, keys, [...new Set(primaries)].map((primary) => keys.variants(primary)))),
    purge: async (match, soft, now) => {
      if (closed || !health.available) throw new Error('Shared cache unavailable: Redis is not connected');
      try {
        return await withDeadline(purgeShared(purgeRedis, keys, match, soft, now), purgeTimeoutMs);
      } catch (err) {
        noteFailure(err, 'purge');
        throw err;
      }
    },
    get available() {
      return !closed && health.available;
    },
    close: async () => {
      if (closed) return;
      closed = true;
      stopProbe();
      // A connected client finishes what is in flight; one still (re)connecting is simply stopped.
      if (client.isReady) await client.close().catch(() => client.destroy());
      else if (client.isOpen) client.destroy();
    },
  };
}
