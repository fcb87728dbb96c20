import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { watchNatsConnected } from './nats-connected-metric';
import type { BusConnection } from './nats-connection-state';

describe('watchNatsConnected', () => {
  it('reads 0 before the first connection, then follows it', async () => {
    const registry = new Registry();
    let connection: BusConnection | undefined;
    let up = true;
    watchNatsConnected(registry, 'cdn_edge_', () => connection);
    expect(await registry.metrics()).toContain('cdn_edge_nats_connected 0');
    connection = { connected: () => up, describe: () => 'NATS' };
    expect(await registry.metrics()).toContain('cdn_edge_nats_connected 1');
    up = false;
    expect(await registry.metrics()).toContain('cdn_edge_nats_connected 0');
  });
});
