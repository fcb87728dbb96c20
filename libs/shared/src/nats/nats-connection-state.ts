import type { NatsConnection } from '@nats-io/transport-node';

/** Whether a message published now can leave this process. */
export interface BusConnection {
  connected(): boolean;
  /** What the bus is, for messages: "NATS at nats://127.0.0.1:4222". */
  describe(): string;
}

/** The in-process bus of the all-in-one server is always there. */
export const ALWAYS_CONNECTED: BusConnection = { connected: () => true, describe: () => 'the in-process bus' };

/**
 * Follows a NATS connection's status. While it is disconnected, nats.js keeps what is published in a
 * buffer that is lost if this process stops, so a caller that must not pretend asks here first.
 */
export function watchNatsConnection(nc: NatsConnection, servers: string): BusConnection {
  let up = !nc.isClosed();
  void (async () => {
    for await (const status of nc.status()) {
      if (status.type === 'disconnect') up = false;
      else if (status.type === 'reconnect') up = true;
    }
  })();
  return { connected: () => up && !nc.isClosed(), describe: () => `NATS at ${servers}` };
}
