import type { INestApplication } from '@nestjs/common';
import { type CdnConfig, type Logger, nodeKey } from '@cdn/shared';
import { NODE_CHANGES } from '../nodes/node-changes';
import { NodeRegistry } from '../nodes/node-registry';
import { fromStoredNode } from '../nodes/node-state';
import { encodeNode } from '../nodes/replicated/node-record';
import type { ReplicatedNodeChanges } from '../nodes/replicated/replicated-node-changes';
import { CACHE_SWITCH, CACHE_SWITCH_KEY, type ReplicatedCacheSwitch } from '../routing/cache-switch';
import { NodeStateStore } from '../state/node-state-store';
import { isWrongRevision } from './kv-bucket';
import type { Replication } from './replication';

/** While the node bucket cannot be read at start, one WARNING per this many attempts (a second apart). */
const BUCKET_WARNING_EVERY = 30;

/**
 * Fills a replica's node table and cache switch from the node bucket and keeps them following it. A bucket
 * that holds no node yet is seeded from --nodes-file when there is one (moving a single control plane to
 * replicas keeps its nodes); a replica seeding at the same moment as another loses the race harmlessly.
 */
export async function followReplicatedState(app: INestApplication, replication: Replication, config: CdnConfig, logger: Logger): Promise<void> {
  const changes = app.get<ReplicatedNodeChanges>(NODE_CHANGES);
  const cacheSwitch = app.get<ReplicatedCacheSwitch>(CACHE_SWITCH);
  const registry = app.get(NodeRegistry);
  const bucket = replication.nodes;
  // JetStream may not take the bucket yet (a NATS cluster still electing, too few servers for --nats-replicas):
  // the replica waits for it, not ready, rather than exit.
  for (let attempt = 1; ; attempt++) {
    try {
      await bucket.follow((entry) => (entry.key === CACHE_SWITCH_KEY ? cacheSwitch.notice(entry) : changes.notice(entry)));
      break;
    } catch (err) {
      if (attempt % BUCKET_WARNING_EVERY === 1) logger.warn({ err }, `Cannot read the NATS KV bucket ${bucket.name} yet (${(err as Error).message}); retrying every second`);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
  if (registry.size > 0) return void logger.info(`Loaded ${registry.size} node(s) from the NATS KV bucket ${bucket.name}`);
  // Read as one control plane reads it: invalid nodes are named and left out, an unusable file is kept as it is.
  const saved = await app.get(NodeStateStore).load();
  if (saved.size === 0) return void logger.info(`The NATS KV bucket ${bucket.name} holds no node yet`);
  let seeded = 0;
  for (const [id, stored] of saved) {
    try {
      await bucket.create(nodeKey(id), encodeNode(fromStoredNode(id, stored, Date.now())));
      seeded++;
    } catch (err) {
      if (!isWrongRevision(err)) throw err;
    }
  }
  logger.info(`Seeded the NATS KV bucket ${bucket.name} with ${seeded} node(s) from ${config.nodesFile}`);
}
