import { jetstream } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';

/** How long one JetStream request may take before it fails: NATS being down must not hang a caller. */
export const NATS_REQUEST_TIMEOUT_MS = 5_000;

/** How a bucket the control plane owns is kept. */
export interface BucketOptions {
  /** Copies the NATS cluster keeps (--nats-replicas); an existing bucket with another count is updated to match. */
  replicas?: number;
  /** Entries not written for this long are dropped (the bucket's max age); none by default. */
  ttlMs?: number;
  /** Told when an existing bucket's replica count was changed. */
  logger?: Logger;
}

/**
 * A bucket the control plane owns, opened for writing on first use (created when missing, with as many replicas
 * as asked) and opened again on the next use after a failure, so that a store made while NATS is down works later.
 */
export function ownedBucket(nc: NatsConnection, bucket: string, options: BucketOptions = {}): () => Promise<KV> {
  let opening: Promise<KV> | undefined;
  return () => {
    opening ??= openOwnedBucket(nc, bucket, options).catch((err: unknown) => {
      opening = undefined;
      throw err;
    });
    return opening;
  };
}

async function openOwnedBucket(nc: NatsConnection, bucket: string, options: BucketOptions = {}): Promise<KV> {
  const replicas = options.replicas ?? 1;
  const js = jetstream(nc, { timeout: NATS_REQUEST_TIMEOUT_MS });
  const kv = await withTimeout(
    new Kvm(js).create(bucket, { history: 1, storage: 'file', replicas, ...(options.ttlMs ? { ttl: options.ttlMs } : {}), timeout: NATS_REQUEST_TIMEOUT_MS }),
    `open KV bucket ${bucket}`,
  );
  // create() leaves an existing bucket as it is: a bucket made before --nats-replicas changed is updated here.
  const status = await withTimeout(kv.status(), `status of KV bucket ${bucket}`);
  if (status.replicas !== replicas) {
    const jsm = await js.jetstreamManager();
    const stream = status.streamInfo.config;
    await withTimeout(jsm.streams.update(stream.name, { ...stream, num_replicas: replicas }), `set the replicas of KV bucket ${bucket}`);
    options.logger?.info({ bucket, from: status.replicas, to: replicas }, `KV bucket ${bucket} now kept in ${replicas} replica(s) (was ${status.replicas})`);
  }
  return kv;
}


/**
 * Binds to the routing bucket for reading, without creating it: a reader (an edge) needs no right to
 * create the bucket, and until the control plane has created it, watching fails and is retried.
 */
export async function bindRoutingBucket(nc: NatsConnection, bucket: string): Promise<KV> {
  const kvm = new Kvm(jetstream(nc, { timeout: NATS_REQUEST_TIMEOUT_MS }));
  return withTimeout(kvm.open(bucket), `bind KV bucket ${bucket}`);
}

/** Rejects when `work` has not settled in time (some client calls wait for a reconnect instead of failing). */
export function withTimeout<T>(work: Promise<T>, what: string, ms = NATS_REQUEST_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer from NATS within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
