import { CdnError, isNodeKey, type Logger, NODE_ID_PATTERN, NODE_KEY_PREFIX, nodeKey } from '@cdn/shared';
import { Counter, type Registry } from 'prom-client';
import type { Clock } from '../../core/core.constants';
import type { NextNode, NodeChanges, RemoteChangeListener } from '../node-changes';
import type { NodeRegistry } from '../node-registry';
import type { NodeState } from '../node-state';
import { type BucketEntry, isWrongRevision, type KvBucket, writeFailureReason } from '../../cluster/kv-bucket';
import { decodeNode, encodeNode } from './node-record';

/** Compare-and-set attempts of one change before it is refused: each lost attempt means another replica wrote the node meanwhile. */
const MAX_ATTEMPTS = 10;

/**
 * The node table of a control-plane replica, kept in step with the replicated node bucket. A change is
 * written with compare-and-set on the node's revision and takes effect here only once the bucket holds it;
 * when another replica wrote the node first, the change is computed again from the node as it now is. A
 * replica's changes to one node run one at a time; changes by other replicas arrive through the bucket's
 * watch (entries this replica already has are recognised by their revision).
 */
export class ReplicatedNodeChanges implements NodeChanges {
  /** The latest revision of each node's key this replica knows of (kept after a delete, to ignore late entries). */
  private readonly revisions = new Map<string, number>();
  /** Per node, the tail of this replica's changes: the next one starts when it settles. */
  private readonly queues = new Map<string, Promise<void>>();
  /** Nodes with a write in flight: what the watch says of them meanwhile waits for the write's answer. */
  private readonly writing = new Set<string>();
  private readonly held = new Map<string, BucketEntry>();
  private readonly refusedEntries = new Map<string, number>();
  private listener: RemoteChangeListener = () => undefined;
  /** While writes fail (NATS down), one WARNING says so, not one per refused change. */
  private failing = false;
  private readonly writes: Counter<'result'>;

  constructor(
    private readonly bucket: KvBucket,
    private readonly registry: NodeRegistry,
    private readonly logger: Logger,
    private readonly clock: Clock,
    metrics: Registry,
  ) {
    this.writes = new Counter({
      name: 'cdn_cp_node_writes_total',
      help: 'Writes of nodes to the replicated node bucket, by result (ok, conflict: another replica wrote the node first and the change was computed again, error)',
      labelNames: ['result'],
      registers: [metrics],
    });
  }

  /** Sets who is told of changes other replicas make. */
  onRemoteChange(listener: RemoteChangeListener): void {
    this.listener = listener;
  }

  commit(what: string, id: string, next: NextNode, apply: () => void): Promise<void> {
    const run = (this.queues.get(id) ?? Promise.resolve()).then(() => this.write(what, id, next, apply));
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(id, tail);
    void tail.then(() => {
      if (this.queues.get(id) === tail) this.queues.delete(id);
    });
    return run;
  }

  pendingAdditions(): number {
    let count = 0;
    for (const id of this.queues.keys()) if (!this.registry.get(id)) count++;
    return count;
  }

  isPending(id: string): boolean {
    return this.queues.has(id);
  }

  /** Takes in one entry of the bucket's watch. Keys that are not nodes are someone else's. */
  notice(entry: BucketEntry): void {
    if (!isNodeKey(entry.key)) return;
    const id = Buffer.from(entry.key.slice(NODE_KEY_PREFIX.length), 'base64url').toString('utf8');
    if (!NODE_ID_PATTERN.test(id) || nodeKey(id) !== entry.key) return;
    if (this.writing.has(id)) {
      if ((this.held.get(id)?.revision ?? 0) < entry.revision) this.held.set(id, entry);
      return;
    }
    this.take(id, entry);
  }

  private async write(what: string, id: string, next: NextNode, apply: () => void): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const before = this.registry.get(id);
      const after = next(before);
      if (before === after || (before && after && encodeNode(before) === encodeNode(after))) return apply();
      this.writing.add(id);
      try {
        await this.store(id, before, after);
        this.writes.inc({ result: 'ok' });
        if (this.failing) this.logger.info(`Node changes are stored in the NATS KV bucket ${this.bucket.name} again`);
        this.failing = false;
        return apply();
      } catch (err) {
        if (isWrongRevision(err) && attempt < MAX_ATTEMPTS) {
          this.writes.inc({ result: 'conflict' });
          const latest = await this.bucket.get(nodeKey(id)).catch(() => undefined);
          if (latest) this.take(id, latest);
          continue;
        }
        this.writes.inc({ result: 'error' });
        const reason = isWrongRevision(err) ? `other replicas changed it ${MAX_ATTEMPTS} times meanwhile` : writeFailureReason(err);
        const line = `Refused to ${what}: the NATS KV bucket ${this.bucket.name} did not take it (${reason})`;
        if (this.failing) this.logger.debug(line);
        else this.logger.warn(`${line}; further refusals are counted (cdn_cp_node_writes_total{result="error"}) until a change is stored again`);
        this.failing = true;
        throw new CdnError('state_not_writable', `The change could not be saved in the NATS KV bucket ${this.bucket.name} (${reason}), so nothing was changed; retry, and see /readyz.`, { bucket: this.bucket.name }, { cause: err });
      } finally {
        this.writing.delete(id);
        const held = this.held.get(id);
        this.held.delete(id);
        if (held) this.take(id, held);
      }
    }
  }

  private async store(id: string, before: NodeState | undefined, after: NodeState | undefined): Promise<void> {
    const key = nodeKey(id);
    const revision = this.revisions.get(id) ?? 0;
    if (!after) {
      await this.bucket.delete(key, revision);
      return;
    }
    const value = encodeNode(after);
    this.revisions.set(id, before && revision > 0 ? await this.bucket.update(key, value, revision) : await this.bucket.create(key, value));
  }

  /** Makes the table hold what `entry` says of node `id`, unless this replica already knows as much. */
  private take(id: string, entry: BucketEntry): void {
    if (entry.revision <= (this.revisions.get(id) ?? 0)) return;
    this.revisions.set(id, entry.revision);
    const before = this.registry.get(id);
    if (entry.value === undefined) {
      if (!before) return;
      this.registry.delete(id);
      this.listener(id, before, undefined);
      return;
    }
    const after = decodeNode(id, entry.value, before, this.clock());
    if (typeof after === 'string') {
      // Only the control plane may write the bucket; say so once per bad revision, never echoing the value.
      if (this.refusedEntries.get(id) !== entry.revision) this.logger.warn(`Ignored node ${id} at revision ${entry.revision} of ${this.bucket.name}: ${after}`);
      this.refusedEntries.set(id, entry.revision);
      return;
    }
    this.registry.set(after);
    this.listener(id, before, after);
  }
}
