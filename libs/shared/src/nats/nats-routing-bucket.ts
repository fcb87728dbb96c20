import { jetstream } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';

/** How long one JetStream request may take before it fails: NATS being down must not hang a caller. */
export const NATS_REQUEST_TIMEOUT_MS = 5_000;

/** Opens the routing bucket for writing, creating it when missing: the control plane's. */
export async function openRoutingBucket(nc: NatsConnection, bucket: string): Promise<KV> {
  const kvm = new Kvm(jetstream(nc, { timeout: NATS_REQUEST_TIMEOUT_MS }));
  return withTimeout(kvm.create(bucket, { history: 1, storage: 'file', timeout: NATS_REQUEST_TIMEOUT_MS }), `open KV bucket ${bucket}`);
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
