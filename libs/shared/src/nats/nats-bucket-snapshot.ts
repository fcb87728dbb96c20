import type { KV } from '@nats-io/kv';
import type { BucketState } from './nats-routing-ledger';
import { withTimeout } from './nats-routing-bucket';

/**
 * The state of every key of a bucket, read in one pass of a watch (one consumer streams every last value)
 * rather than one request per key. Deleted keys come back as absent, with the revision of their delete.
 */
export async function readBucketSnapshot(kv: KV, what: string): Promise<Map<string, BucketState>> {
  const states = new Map<string, BucketState>();
  // An empty bucket sends no entry at all: nothing would say the read is complete.
  const status = await withTimeout(kv.status(), `status of ${what}`);
  if (status.streamInfo.state.messages === 0) return states;
  const watcher = await withTimeout(kv.watch(), `read ${what}`);
  try {
    await withTimeout(
      (async () => {
        for await (const entry of watcher) {
          states.set(entry.key, { revision: entry.revision, value: entry.operation === 'PUT' ? entry.string() : undefined });
          // delta is what the server still holds for us: 0 is the end of the initial values.
          if (entry.delta === 0) return;
        }
      })(),
      `read ${what}`,
    );
  } finally {
    watcher.stop();
  }
  return states;
}
