import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { type BucketOptions, checkWatchForStall, type Logger, ownedBucket, WATCH_CHECK_MS, withTimeout } from '@cdn/shared';

/** The JetStream KV bucket that holds the node table in the split deployment: one key per node, and the cache switch. */
export const NODES_BUCKET = 'cdn_nodes';
/** The bucket of the leader lease and the replicas' announcements. */
export const CLUSTER_BUCKET = 'cdn_cluster';
/** Wait before watching again after a watch ended or could not start. */
const REWATCH_DELAY_MS = 1_000;
/** One key's latest state: its value, or undefined once deleted. */
export interface BucketEntry {
  key: string;
  revision: number;
  value: string | undefined;
}

/**
 * Why a write failed, as an operator can act on it. While its stream elects a new leader (a NATS server of the
 * cluster stopped), JetStream answers with no responders, which nats.js reports as "jetstream is not enabled".
 */
export function writeFailureReason(err: unknown): string {
  const message = (err as Error).message;
  if (/jetstream is not enabled|no responders/i.test(message)) return 'no NATS server leads the bucket right now (one stopped, and JetStream elects another within seconds)';
  return message;
}

/** A write refused because the key changed since the revision it was based on (compare-and-set lost). */
export function isWrongRevision(err: unknown): boolean {
  return err instanceof JetStreamApiError && (err.code === JetStreamApiCodes.StreamWrongLastSequence || err.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown);
}

/**
 * A bucket the replicas share: writes are compare-and-set on the key's revision, and `follow` streams every
 * key's latest state, then every change, again from the start after a reconnect (entries a replica already
 * has are recognised by their revision).
 */
export class KvBucket {
  private generation = 0;
  private stopWatch: (() => void) | undefined;
  private rewatchTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly nc: NatsConnection,
    private readonly logger: Logger,
    readonly name: string,
    options: Omit<BucketOptions, 'logger'>,
  ) {
    this.open = ownedBucket(nc, name, { ...options, logger });
  }

  /** Opens (or creates) the bucket; reopened on the next call after a failure. */
  readonly open: () => Promise<KV>;

  async get(key: string): Promise<BucketEntry | undefined> {
    const kv = await this.open();
    const entry = await withTimeout(kv.get(key), `get ${key} from ${this.name}`);
    if (!entry) return undefined;
    return { key, revision: entry.revision, value: entry.operation === 'PUT' ? entry.string() : undefined };
  }

  /** Writes a key that must not exist (or was deleted); rejects with a wrong revision when it exists. Resolves the new revision. */
  async create(key: string, value: string): Promise<number> {
    const kv = await this.open();
    return withTimeout(kv.create(key, value), `create ${key} in ${this.name}`);
  }

  /** Writes a key whose latest revision must still be `revision`. Resolves the new revision. */
  async update(key: string, value: string, revision: number): Promise<number> {
    const kv = await this.open();
    return withTimeout(kv.update(key, value, revision), `update ${key} in ${this.name}`);
  }

  /** Writes a key whatever it holds (a replica's own announcement). */
  async put(key: string, value: string): Promise<void> {
    const kv = await this.open();
    await withTimeout(kv.put(key, value), `put ${key} in ${this.name}`);
  }

  /** The live values of the keys that match `filter` (a subject filter such as `replica.>`). */
  async values(filter: string): Promise<string[]> {
    const kv = await this.open();
    const keys: string[] = [];
    await withTimeout(
      (async () => {
        for await (const key of await kv.keys(filter)) keys.push(key);
      })(),
      `list ${filter} in ${this.name}`,
    );
    const entries = await Promise.all(keys.map((key) => this.get(key)));
    return entries.flatMap((e) => (e?.value !== undefined ? [e.value] : []));
  }

  /** Deletes a key whose latest revision must still be `revision`. */
  async delete(key: string, revision: number): Promise<void> {
    const kv = await this.open();
    await withTimeout(kv.delete(key, { previousSeq: revision }), `delete ${key} from ${this.name}`);
  }

  /**
   * Calls `onEntry` with every key's latest state, then with every change. Resolves once the state the bucket
   * held at the start has been delivered; rejects when the bucket cannot be read at all (NATS down at start).
   */
  async follow(onEntry: (entry: BucketEntry) => void): Promise<void> {
    await this.watch(onEntry, ++this.generation);
    void this.rewatchOnReconnect(onEntry);
  }

  close(): void {
    this.closed = true;
    this.generation++;
    clearTimeout(this.rewatchTimer);
    this.stopWatch?.();
  }

  /** Resolves once the initial state is delivered; keeps delivering changes until superseded or ended. */
  private async watch(onEntry: (entry: BucketEntry) => void, generation: number): Promise<void> {
    const kv = await this.open();
    const status = await withTimeout(kv.status(), `status of ${this.name}`);
    const watching = kv.watch();
    const watcher = await withTimeout(watching, `watch ${this.name}`).catch((err: unknown) => {
      // A watch that answers after we gave up must not run unseen.
      watching.then((late) => late.stop(), () => undefined);
      throw err;
    });
    if (generation !== this.generation) return void watcher.stop();
    this.stopWatch = () => watcher.stop();
    let caughtUp!: () => void;
    const initial = new Promise<void>((resolve) => (caughtUp = resolve));
    // An empty bucket sends nothing: nothing else would say the initial state is complete.
    if (status.streamInfo.state.messages === 0) caughtUp();
    let delivered = 0;
    void (async () => {
      for await (const entry of watcher) {
        if (generation !== this.generation) return;
        delivered = Math.max(delivered, entry.revision);
        try {
          onEntry({ key: entry.key, revision: entry.revision, value: entry.operation === 'PUT' ? entry.string() : undefined });
        } catch (err) {
          this.logger.error({ err, key: entry.key }, `Applying ${entry.key} from ${this.name} failed`);
        }
        // delta is what the server still holds for us: 0 is the end of the initial state.
        if (entry.delta === 0) caughtUp();
      }
      // The watch ended without being superseded (the client gave up its consumer): start over.
      if (generation === this.generation) this.scheduleRewatch(onEntry);
    })();
    await withTimeout(initial, `read ${this.name}`, 60_000);
    const stopChecking = checkWatchForStall(kv, () => delivered, () => {
      if (generation !== this.generation) return;
      this.logger.warn(`The watch of KV bucket ${this.name} got nothing for ${WATCH_CHECK_MS / 1000} s while the bucket changed (its consumer was lost with a NATS server?); reading the bucket again`);
      this.rewatch(onEntry);
    });
    const stopWatch = this.stopWatch;
    this.stopWatch = () => {
      stopChecking();
      stopWatch?.();
    };
  }

  private async rewatchOnReconnect(onEntry: (entry: BucketEntry) => void): Promise<void> {
    for await (const status of this.nc.status()) {
      if (this.closed) return;
      if (status.type === 'reconnect') this.rewatch(onEntry);
    }
  }

  private rewatch(onEntry: (entry: BucketEntry) => void): void {
    if (this.closed) return;
    clearTimeout(this.rewatchTimer);
    this.stopWatch?.();
    const generation = ++this.generation;
    this.watch(onEntry, generation).catch((err: unknown) => {
      if (generation !== this.generation) return;
      this.logger.warn({ err }, `Cannot watch KV bucket ${this.name} (${(err as Error).message}); retrying`);
      this.scheduleRewatch(onEntry);
    });
  }

  private scheduleRewatch(onEntry: (entry: BucketEntry) => void): void {
    if (this.closed) return;
    clearTimeout(this.rewatchTimer);
    this.rewatchTimer = setTimeout(() => this.rewatch(onEntry), REWATCH_DELAY_MS);
    this.rewatchTimer.unref();
  }
}
