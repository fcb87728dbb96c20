import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type { PublishResult, RoutingCorrection, RoutingStore } from '../routing/routing-bus';
import { publishableNodes } from '../routing/publishable-nodes';
import { checkRoutingSettings, type RouteNode } from '../routing/routing-table';
import { KeyedQueue } from './keyed-queue';
import { readBucketSnapshot } from './nats-bucket-snapshot';
import { nodeKey, ROUTING_BUCKET, SETTINGS_KEY } from './nats-names';
import { ownedBucket, withTimeout } from './nats-routing-bucket';
import { RoutingLedger, type BucketState } from './nats-routing-ledger';

/**
 * The control plane's writer of the routing bucket, which it treats as its own. Every value is checked before
 * it is written, entry by entry: a node that fails the routing schema is left out and reported, the rest go
 * out. A ledger remembers what was written, so that entries written by anyone else can be found and put right
 * (`wrote`, `reconcile`). A write fails (rejects) within a few seconds when NATS is unreachable, and the caller
 * catches up later with `replaceAll`.
 */
/** `replicas`: --nats-replicas, 1 by default. */
export function createNatsRoutingStore(options: { nc: NatsConnection; logger: Logger; bucket?: string /* default ROUTING_BUCKET */; replicas?: number }): RoutingStore {
  const { nc, logger } = options;
  const bucket = options.bucket ?? ROUTING_BUCKET;
  const ledger = new RoutingLedger();
  // Our writes and checks of one key never overlap, and a full replace runs alone: between them, the bucket
  // holds exactly what the ledger says.
  const queue = new KeyedQueue();
  const kv = ownedBucket(nc, bucket, { replicas: options.replicas, logger });

  /** Runs one write; one that fails may or may not have landed, so the ledger can no longer tell. */
  const landed = async (work: Promise<unknown>, what: string): Promise<void> => {
    try {
      await withTimeout(work, what);
    } catch (err) {
      ledger.distrust();
      throw err;
    }
  };

  const put = (key: string, value: string) =>
    queue.forKey(key, async () => {
      const bucketKv = await kv();
      ledger.put(key, value);
      await landed(bucketKv.put(key, value), `put ${key}`);
    });

  const remove = (key: string) =>
    queue.forKey(key, async () => {
      const bucketKv = await kv();
      ledger.delete(key);
      await landed(bucketKv.delete(key), `delete ${key}`);
    });

  /** Puts one key right if it is not what the ledger says; checked after every write of ours to it has settled. */
  const check = (key: string): Promise<RoutingCorrection | undefined> =>
    queue.forKey(key, async () => {
      if (!ledger.trusted) return undefined;
      const bucketKv = await kv();
      const entry = await withTimeout(bucketKv.get(key), `get ${key}`);
      const state: BucketState = { revision: entry?.revision ?? 0, value: entry?.operation === 'PUT' ? entry.string() : undefined };
      const fix = ledger.fixFor(key, state);
      if (!fix) return undefined;
      if (fix.write === undefined) await landed(bucketKv.delete(key), `delete ${key}`);
      else await landed(bucketKv.put(key, fix.write), `put ${key}`);
      return { key, revision: state.revision, action: fix.action };
    });

  return {
    putNode: async (node: RouteNode): Promise<PublishResult> => {
      const { nodes, refused } = publishableNodes([node]);
      const key = nodeKey(node.id);
      if (nodes.length === 1) await put(key, JSON.stringify(nodes[0]));
      // A node that can no longer be published is withdrawn: edges must not keep routing by its old entry.
      else if (ledger.has(key) || !ledger.trusted) await remove(key);
      return { refused };
    },
    deleteNode: async (id: string) => {
      await remove(nodeKey(id));
    },
    putSettings: async (settings) => {
      await put(SETTINGS_KEY, JSON.stringify(checkRoutingSettings(settings)));
    },
    replaceAll: (nodes, settings) =>
      queue.forAll(async (): Promise<PublishResult> => {
        const publishable = publishableNodes(nodes);
        const wanted = new Map(publishable.nodes.map((n) => [nodeKey(n.id), JSON.stringify(n)] as const));
        wanted.set(SETTINGS_KEY, JSON.stringify(checkRoutingSettings(settings)));
        const bucketKv = await kv();
        const stored = await readBucketSnapshot(bucketKv, bucket);
        // Until every write below has landed, the ledger cannot tell whose an entry is.
        ledger.distrust();
        let written = 0;
        let deleted = 0;
        // Unchanged values are skipped, so replaying the same state does not move the revision.
        for (const [key, value] of wanted) {
          if (stored.get(key)?.value === value) continue;
          await withTimeout(bucketKv.put(key, value), `put ${key}`);
          written++;
        }
        // Every other key goes, whoever wrote it: the bucket holds the routing state and nothing else.
        for (const [key, state] of stored) {
          if (wanted.has(key) || state.value === undefined) continue;
          await withTimeout(bucketKv.delete(key), `delete ${key}`);
          deleted++;
        }
        ledger.replace(wanted);
        logger.info({ bucket, nodes: publishable.nodes.length, written, deleted }, `routing state replaced in ${bucket}: ${publishable.nodes.length} nodes, ${written} written, ${deleted} deleted`);
        return { refused: publishable.refused };
      }),
    wrote: (entry) => ledger.agrees(entry),
    reconcile: async (keys) => {
      if (!ledger.trusted) return [];
      const suspects = keys ?? (await disagreeing());
      const corrections: RoutingCorrection[] = [];
      // One key at a time: a reconcile is background work and must not crowd out the publishing.
      for (const key of suspects) {
        const correction = await check(key);
        if (correction) corrections.push(correction);
      }
      return corrections;
    },
    // The connection belongs to the caller; nothing of ours stays open.
    close: async () => undefined,
  };

  /** Keys whose state in a snapshot differs from the ledger; each is checked again before anything is done. */
  async function disagreeing(): Promise<string[]> {
    const stored = await readBucketSnapshot(await kv(), bucket);
    const keys = new Set<string>();
    for (const [key, state] of stored) if (ledger.fixFor(key, state)) keys.add(key);
    for (const key of ledger.keys()) if (!stored.has(key) || stored.get(key)!.value === undefined) keys.add(key);
    return [...keys];
  }
}
