import type { Broadcast, EdgeEventPublisher, RoutingSource, RoutingSourceHooks, RoutingTable } from '@cdn/shared';

/**
 * A routing source that exists before its transport does: the standalone edge listens first and connects
 * to NATS in the background, so createEdgeProxy is given this and the real source is attached later.
 */
export interface LateBoundSource extends RoutingSource {
  attach(real: RoutingSource): Promise<void>;
}

export function createLateBoundSource(): LateBoundSource {
  let real: RoutingSource | undefined;
  let onTable: ((table: RoutingTable) => void) | undefined;
  let hooks: RoutingSourceHooks | undefined;
  let closed = false;
  return {
    async start(listener, sourceHooks) {
      onTable = listener;
      hooks = sourceHooks;
      if (real) await real.start(listener, hooks);
    },
    current: () => real?.current(),
    async attach(source) {
      if (closed) {
        await source.close();
        return;
      }
      real = source;
      if (onTable) await source.start(onTable, hooks);
    },
    async close() {
      closed = true;
      await real?.close();
    },
  };
}

/** A publisher that drops events until its transport is attached: reports are periodic, a lost one is resent. */
export interface LateBoundPublisher extends EdgeEventPublisher {
  attach(real: EdgeEventPublisher): void;
}

export function createLateBoundPublisher(): LateBoundPublisher {
  let real: EdgeEventPublisher | undefined;
  return {
    publish(event, data) {
      real?.publish(event, data);
    },
    attach(publisher) {
      real = publisher;
    },
    async close() {
      await real?.close();
    },
  };
}

/** A broadcast whose subscriptions are made before its transport exists and carried over when it is attached. */
export interface LateBoundBroadcast<T> extends Broadcast<T> {
  attach(real: Broadcast<T>): void;
}

export function createLateBoundBroadcast<T>(): LateBoundBroadcast<T> {
  let real: Broadcast<T> | undefined;
  const handlers = new Set<(message: T) => void>();
  const dispatch = (message: T) => {
    for (const handler of handlers) handler(message);
  };
  return {
    publish(message) {
      real?.publish(message);
    },
    subscribe(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    attach(broadcast) {
      real = broadcast;
      broadcast.subscribe(dispatch);
    },
    async close() {
      await real?.close();
    },
  };
}
