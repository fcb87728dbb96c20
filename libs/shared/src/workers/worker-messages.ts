import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import type { CacheCommand } from '../cache/cache-commands';
import type { NodeLoads } from '../routing/node-loads';
import type { EdgeEventName } from '../routing/routing-bus';
import type { RoutingTable } from '../routing/routing-table';

/** One process's metrics, as registry.getMetricsAsJSON() gives them: what the primary aggregates. */
export type MetricsJson = MetricObjectWithValues<MetricValue<string>>[];

/**
 * What a --workers primary sends its workers over the cluster's IPC channel. Every type starts with "cdn:", so
 * that other users of the channel (cluster's own messages, prom-client's) are told apart.
 */
export type PrimaryMessage =
  | { type: 'cdn:metrics:collect'; id: number }
  | { type: 'cdn:metrics:answer'; id: number; text: string | undefined }
  | { type: 'cdn:bus:table'; table: RoutingTable }
  | { type: 'cdn:bus:command'; command: CacheCommand }
  | { type: 'cdn:bus:loads'; loads: NodeLoads };

/** What a worker sends its primary. */
export type WorkerMessage =
  /** The worker listens and serves: the primary's start waits for this from every worker. */
  | { type: 'cdn:ready' }
  /** Log lines for the primary to write: event lines and per-request lines apart (--log-stdout tells them apart). */
  | { type: 'cdn:log'; events: string; requests: string }
  | { type: 'cdn:metrics:ask'; id: number }
  | { type: 'cdn:metrics:report'; id: number; metrics: MetricsJson }
  | { type: 'cdn:bus:hello' }
  | { type: 'cdn:bus:event'; event: EdgeEventName; data: unknown }
  | { type: 'cdn:bus:command'; command: CacheCommand }
  | { type: 'cdn:bus:loads'; loads: NodeLoads };

/** True for the messages of this protocol (the channel carries others). */
export function isCdnMessage(message: unknown): message is { type: `cdn:${string}` } {
  return typeof message === 'object' && message !== null && typeof (message as { type?: unknown }).type === 'string' && (message as { type: string }).type.startsWith('cdn:');
}

/** Sends to the primary; dropped when the channel is gone (the primary is exiting, and so will this worker). */
export function sendToPrimary(message: WorkerMessage, done?: () => void): void {
  if (!process.connected || !process.send) return done?.();
  process.send(message, undefined, {}, () => done?.());
}

/** Listens to the primary's messages of this protocol. Returns the function that stops listening. */
export function onPrimaryMessage(listener: (message: PrimaryMessage) => void): () => void {
  const wrapped = (message: unknown) => {
    if (isCdnMessage(message)) listener(message as PrimaryMessage);
  };
  process.on('message', wrapped);
  return () => process.off('message', wrapped);
}
