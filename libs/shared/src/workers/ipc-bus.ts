import type { CacheCommand, CacheCommandBus } from '../cache/cache-commands';
import type { Broadcast } from '../routing/broadcast';
import type { NodeLoadBus, NodeLoads } from '../routing/node-loads';
import type { EdgeEventPublisher, RoutingSource } from '../routing/routing-bus';
import type { RoutingTable } from '../routing/routing-table';
import { onPrimaryMessage, sendToPrimary, type PrimaryMessage, type WorkerMessage } from './worker-messages';

/** The edge's side of the all-in-one server's bus, in a --workers worker: the same interfaces as NATS and the in-process bus. */
export interface IpcBus {
  source: RoutingSource;
  events: EdgeEventPublisher;
  cacheCommands: CacheCommandBus;
  nodeLoads: NodeLoadBus;
  /** Resolves when the first table has arrived (the primary relays it once its control plane has started). */
  firstTable: Promise<void>;
}

/**
 * Joins the primary's in-process bus over the cluster's IPC channel (relayed there by relayBusToWorkers): the
 * table and broadcasts come from the primary, events and broadcasts go to it.
 */
export function connectIpcBus(): IpcBus {
  let onTable: ((table: RoutingTable) => void) | undefined;
  let last: RoutingTable | undefined;
  let firstTable!: () => void;
  const started = new Promise<void>((resolve) => (firstTable = resolve));
  const stop = onPrimaryMessage((message) => {
    if (message.type !== 'cdn:bus:table' || !onTable) return;
    last = message.table;
    onTable(message.table);
    firstTable();
  });
  return {
    source: {
      start(listener) {
        onTable = listener;
        sendToPrimary({ type: 'cdn:bus:hello' });
        return started;
      },
      current: () => last,
      async close() {
        onTable = undefined;
        stop();
      },
    },
    events: {
      publish: (event, data) => sendToPrimary({ type: 'cdn:bus:event', event, data }),
      close: async () => undefined,
    },
    cacheCommands: ipcBroadcast<CacheCommand>((message) => (message.type === 'cdn:bus:command' ? message.command : undefined), (command) => ({ type: 'cdn:bus:command', command })),
    nodeLoads: ipcBroadcast<NodeLoads>((message) => (message.type === 'cdn:bus:loads' ? message.loads : undefined), (loads) => ({ type: 'cdn:bus:loads', loads })),
    firstTable: started,
  };
}

/**
 * A broadcast through the primary, which sends every message to every worker (the publisher too, as on NATS).
 * `read` takes the value out of this broadcast's messages (undefined for any other), `wrap` puts one in.
 */
function ipcBroadcast<T>(read: (message: PrimaryMessage) => T | undefined, wrap: (value: T) => WorkerMessage): Broadcast<T> {
  const handlers = new Set<(message: T) => void>();
  const stop = onPrimaryMessage((message) => {
    const value = read(message);
    if (value !== undefined) for (const handler of handlers) handler(value);
  });
  return {
    publish: (message) => sendToPrimary(wrap(message)),
    subscribe(handler) {
      const wrapped = (message: T) => handler(message);
      handlers.add(wrapped);
      return () => handlers.delete(wrapped);
    },
    async close() {
      handlers.clear();
      stop();
    },
  };
}
