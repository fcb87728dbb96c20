import type { KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { type Logger, ownedBucket, withTimeout } from '@cdn/shared';
import { OPERATION_TTL_MS } from '../operation-log';
import { isOperationId, StoredOperation, storedOperationSchema } from './operation-codec';
import type { OperationStore } from './operation-store';

/** The JetStream KV bucket of cache operations in the split deployment. */
export const OPERATIONS_BUCKET = 'cdn_operations';

const key = (id: string) => `op.${id}`;

/**
 * Cache operations in a JetStream KV bucket, one key per operation, so that a restarted control plane
 * (or another replica) still answers for them. Expiry is the bucket's max age of an hour, counted from an
 * operation's last update: per-key TTLs need nats-server 2.11, and Debian ships 2.9.
 */
export function createNatsOperationStore(options: { nc: NatsConnection; logger: Logger; bucket?: string; replicas?: number }): OperationStore {
  const { nc, logger } = options;
  const bucket = options.bucket ?? OPERATIONS_BUCKET;
  const kv = ownedBucket(nc, bucket, { replicas: options.replicas, ttlMs: OPERATION_TTL_MS, logger });
  const read = async (bucketKv: KV, name: string): Promise<StoredOperation | undefined> => {
    const entry = await withTimeout(bucketKv.get(name), `get ${name}`);
    if (!entry || entry.operation !== 'PUT') return undefined;
    const parsed = storedOperationSchema.safeParse(entry.json());
    if (parsed.success) return parsed.data;
    logger.warn(`Left out an invalid cache operation in ${bucket} (${name}): ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    return undefined;
  };

  return {
    failureCode: 'bus_unavailable',
    name: `the JetStream KV bucket ${bucket}`,
    async loadAll() {
      const bucketKv = await kv();
      const names: string[] = [];
      await withTimeout(
        (async () => {
          for await (const name of await bucketKv.keys()) names.push(name);
        })(),
        `list ${bucket}`,
      );
      const operations: StoredOperation[] = [];
      for (const name of names) {
        const operation = await read(bucketKv, name);
        if (operation) operations.push(operation);
      }
      return operations.sort((a, b) => a.createdAt - b.createdAt);
    },
    async put(operation) {
      const bucketKv = await kv();
      await withTimeout(bucketKv.put(key(operation.id), JSON.stringify(operation)), `put ${key(operation.id)}`);
    },
    async get(id) {
      if (!isOperationId(id)) return undefined;
      return read(await kv(), key(id));
    },
    // The connection belongs to the caller.
    close: async () => undefined,
  };
}
