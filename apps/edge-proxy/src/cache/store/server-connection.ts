import { createClient } from '@redis/client';
import { commandsOver, scanServer } from './redis-commands';
import { RedisModeError } from './redis-refusal';
import { type ConnectionEvents, messageOf, reconnectDelay, serverSize, type SharedConnection } from './shared-connection';

export interface ServerConnectionOptions {
  /** redis://[:password@]host:port or rediss:// for TLS. */
  url: string;
  /** CA certificate (PEM) of a rediss:// server; the system CAs by default. */
  tlsCa?: string;
  events: ConnectionEvents;
}

/** One Redis server (or anything that acts as one, like a proxy in front of a cluster): it connects in the background and reconnects by itself. */
export function connectServer(options: ServerConnectionOptions): SharedConnection {
  const { events } = options;
  let closed = false;
  const client = createClient({
    url: options.url,
    // Fail at once while disconnected instead of queueing requests that would only time out.
    disableOfflineQueue: true,
    // tls itself comes from the URL's scheme; node-redis passes ca on to tls.connect.
    socket: { connectTimeout: 1_000, reconnectStrategy: reconnectDelay, ...(options.tlsCa !== undefined && { ca: options.tlsCa }) } as { connectTimeout: number },
  });

  // Without an 'error' listener a lost connection would crash the edge; here it is reported.
  client.on('error', (err: Error) => {
    events.onError(err);
    if (!client.isReady && !closed) events.onLost(messageOf(err), true);
  });
  // Ready means connected, not usable: a Redis that wants a password we lack still lets the handshake through.
  client.on('ready', () => events.onConnected());
  // Not awaited: the edge serves (from nodes) while Redis is still being reached; retries follow reconnectDelay.
  client.connect().catch((err: unknown) => {
    if (!closed) events.onLost(messageOf(err), true);
  });

  return {
    ...commandsOver(client, { scan: (pattern, type) => scanServer(client, pattern, type), slotOf: () => 0 }),
    get ready() {
      return client.isReady;
    },
    serves: () => client.isReady,
    size: () => serverSize(client),
    check: async () => {
      await client.ping();
      // A cluster node answers one slot range and MOVED for the rest, a Sentinel no GET at all: say so once instead of failing call after call.
      const info = await client.info('server').catch(() => ''); // INFO may be renamed away: then there is nothing to check
      const mode = /^redis_mode:(\w+)/m.exec(info)?.[1];
      if (mode === 'cluster' || mode === 'sentinel') throw new RedisModeError(mode);
    },
    close: async () => {
      if (closed) return;
      closed = true;
      // A connected client finishes what is in flight; one still (re)connecting is simply stopped.
      if (client.isReady) await client.close().catch(() => client.destroy());
      else if (client.isOpen) client.destroy();
    },
  };
}
