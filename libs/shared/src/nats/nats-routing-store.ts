import type { KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type { RoutingStore } from '../routing/routing-bus';
import { checkRouteNode, checkRoutingSettings, type RouteNode, type RoutingSettings } from '../routing/routing-table';
import { isNodeKey, nodeKey, ROUTING_BUCKET, SETTINGS_KEY } from './nats-names';
import { openRoutingBucket, withTimeout } from './nats-routing-bucket';

/**
 * The control plane's writer of the routing bucket. Every value is checked before it is written;
 * a write fails (rejects) within a few seconds when NATS is unreachable, and the caller catches up later with `replaceAll`.
 */
export function createNatsRoutingStore(options: { nc: NatsConnection; logger: Logger; bucket?: string /* default ROUTING_BUCKET */ }): RoutingStore {
  const { nc, logger } = options;
  const bucket = options.bucket ?? ROUTING_BUCKET;
  let opening: Promise<KV> | undefined;

  // Opened on first use and reopened after a failure, so a store made while NATS is down still works later.
  const kv = (): Promise<KV> => {
    opening ??= openRoutingBucket(nc, bucket).catch((err: unknown) => {
      opening = undefined;
      throw err;
    });
    return opening;
  };

  const put = async (key: string, value: string): Promise<void> => {
    const bucketKv = await kv();
    await withTimeout(bucketKv.put(key, value), `put ${key}`);
  };

  const remove = async (key: string): Promise<void> => {
    const bucketKv = await kv();
    await withTimeout(bucketKv.delete(key), `delete ${key}`);
  };

  return {
    putNode: async (node: RouteNode) => {
      const checked = checkRouteNode(node);
      await put(nodeKey(checked.id), JSON.stringify(checked));
    },
    deleteNode: async (id: string) => {
      await remove(nodeKey(id));
    },
    putSettings: async (settings: RoutingSettings) => {
      await put(SETTINGS_KEY, JSON.stringify(checkRoutingSettings(settings)));
    },
    replaceAll: async (nodes: readonly RouteNode[], settings: RoutingSettings) => {
      // Check everything before the first write: a bad entry must not leave half a table behind.
      const wanted = new Map(nodes.map((n) => checkRouteNode(n)).map((n) => [nodeKey(n.id), JSON.stringify(n)] as const));
      const wantedSettings = JSON.stringify(checkRoutingSettings(settings));
      const bucketKv = await kv();
      const stored = await withTimeout(readStoredValues(bucketKv), `read ${bucket}`);
      let written = 0;
      for (const [key, value] of wanted) {
        if (stored.get(key) === value) continue;
        await withTimeout(bucketKv.put(key, value), `put ${key}`);
        written++;
      }
      let deleted = 0;
      for (const key of stored.keys()) {
        if (!isNodeKey(key) || wanted.has(key)) continue;
        await withTimeout(bucketKv.delete(key), `delete ${key}`);
        deleted++;
      }
      // Skipped when unchanged, so replaying the same state does not move the revision.
      if (stored.get(SETTINGS_KEY) !== wantedSettings) await withTimeout(bucketKv.put(SETTINGS_KEY, wantedSettings), `put ${SETTINGS_KEY}`);
      logger.info({ bucket, nodes: wanted.size, written, deleted }, `routing state replaced in ${bucket}: ${wanted.size} nodes, ${written} written, ${deleted} deleted`);
    },
    // The connection belongs to the caller; nothing of ours stays open.
    close: async () => undefined,
  };
}

/** The current value of every live key, as the raw strings that were written. */
async function readStoredValues(kv: KV): Promise<Map<string, string>> {
  const keys: string[] = [];
  for await (const key of await kv.keys()) keys.push(key);
  const values = new Map<string, string>();
  for (const key of keys) {
    const entry = await kv.get(key);
    if (entry && entry.operation === 'PUT') values.set(key, entry.string());
  }
  return values;
}
