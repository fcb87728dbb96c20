import KeyvRedis from '@keyv/redis';
import { Keyv } from 'keyv';

/**
 * A @keyv/redis store that keeps a value as the raw bytes of a Redis string.
 *
 * Keyv hands a store `{ value, expires }`; with no `serialize` configured it passes that record as it is, and a
 * record read back that is not a string skips `deserialize`. So the frame goes to Redis untouched (no JSON, no
 * base64), Redis' own PX expiry replaces keyv's `expires`, and the client (with BLOB_STRING mapped to Buffer)
 * returns the same bytes.
 */
export class BufferRedisStore extends KeyvRedis<Buffer> {
  override async set(key: string, record: unknown, ttl?: number): Promise<void> {
    // node-redis takes a Buffer wherever a string is typed.
    await super.set(key, (record as { value: Buffer }).value as unknown as string, ttl);
  }

  override async get<U = Buffer>(key: string): Promise<U | undefined> {
    const bytes = await super.get<Buffer | string>(key);
    if (bytes === undefined) return undefined;
    return { value: Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes, 'latin1') } as U;
  }
}

/**
 * keyv over a node-redis client or cluster whose bulk strings come back as Buffers: no serializer and no key prefix,
 * so keyv passes `{ value }` to the store, which writes value's bytes under our key.
 */
export function frameKeyv(bytes: unknown): Keyv<Buffer> {
  const store = new BufferRedisStore(bytes as never, { throwOnErrors: true });
  return new Keyv<Buffer>(store, { namespace: undefined, useKeyPrefix: false, serialize: undefined, deserialize: undefined, throwOnErrors: true });
}
