import { Gauge, type Registry } from 'prom-client';
import type { BusConnection } from './nats-connection-state';

/**
 * `<prefix>nats_connected`: 1 while the program's NATS connection is up, 0 before it is made and while it is
 * down. Read on scrape from `connection()`, which is undefined until the first connection.
 */
export function watchNatsConnected(registry: Registry, prefix: 'cdn_cp_' | 'cdn_edge_', connection: () => BusConnection | undefined): void {
  new Gauge({
    name: `${prefix}nats_connected`,
    help: '1 while the connection to NATS is up, else 0',
    registers: [registry],
    // With --workers: 0 when any worker is cut off.
    aggregator: 'min',
    collect() {
      this.set(connection()?.connected() ? 1 : 0);
    },
  });
}
