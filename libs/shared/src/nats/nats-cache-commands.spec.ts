import type { NatsConnection } from '@nats-io/transport-node';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../../test/support/ports';
import { startNats, stopAll } from '../../../../test/support/processes';
import { CACHE_COMMANDS_SUBJECT, type CacheCommand } from '../cache/cache-commands';
import { createLogger, silentLogger } from '../logging/logger';
import { connectNats } from './nats-connection';
import { createNatsCacheCommandBus } from './nats-cache-commands';

let url: string;
const connections: NatsConnection[] = [];

async function connection(name: string): Promise<NatsConnection> {
  const nc = await connectNats({ servers: url, name, logger: silentLogger() });
  connections.push(nc);
  return nc;
}

beforeAll(async () => {
  url = (await startNats()).url;
});

afterAll(async () => {
  await Promise.all(connections.map((nc) => nc.close()));
  await stopAll();
});

const purge: CacheCommand = {
  type: 'purge',
  operationId: '7f0c1c3e-0000-4000-8000-000000000001',
  urls: ['/cdn/images/a.png'],
  prefixes: ['/cdn/css/'],
  tags: ['product-42'],
  soft: false,
  sharedTierBy: 'edge-a',
  issuedAt: 1_700_000_000_000,
};

describe('NATS cache command bus', () => {
  it('delivers every command to every subscriber (each edge)', async () => {
    const controlPlane = createNatsCacheCommandBus({ nc: await connection('cp'), logger: silentLogger() });
    const edgeA = createNatsCacheCommandBus({ nc: await connection('edge-a'), logger: silentLogger() });
    const edgeB = createNatsCacheCommandBus({ nc: await connection('edge-b'), logger: silentLogger() });
    const seenA: CacheCommand[] = [];
    const seenB: CacheCommand[] = [];
    edgeA.subscribe((c) => seenA.push(c));
    edgeB.subscribe((c) => seenB.push(c));
    await Promise.all(connections.map((nc) => nc.flush()));

    const warm: CacheCommand = { type: 'warm', operationId: 'op-2', urls: ['/cdn/x'], issuedAt: 1 };
    controlPlane.publish(purge);
    controlPlane.publish(warm);
    await controlPlane.close();
    await eventually(() => seenA.length === 2 && seenB.length === 2);
    expect(seenA).toEqual([purge, warm]);
    expect(seenB).toEqual([purge, warm]);
    await Promise.all([edgeA.close(), edgeB.close()]);
  });

  it('drops a malformed message with a WARNING and keeps delivering', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    const logger = createLogger({ name: 'edge', level: 'DEBUG', destination });
    const edge = createNatsCacheCommandBus({ nc: await connection('edge-c'), logger });
    const seen: CacheCommand[] = [];
    edge.subscribe((c) => seen.push(c));
    const raw = await connection('raw');
    await Promise.all(connections.map((nc) => nc.flush()));

    raw.publish(CACHE_COMMANDS_SUBJECT, JSON.stringify({ type: 'purge', operationId: 'x', urls: 'not-a-list' }));
    raw.publish(CACHE_COMMANDS_SUBJECT, '{not json');
    raw.publish(CACHE_COMMANDS_SUBJECT, JSON.stringify(purge));
    await eventually(() => seen.length === 1);
    expect(seen).toEqual([purge]);
    const warnings = lines.map((l) => JSON.parse(l)).filter((r) => r.level === 40).map((r) => r.msg as string);
    expect(warnings).toEqual([expect.stringContaining('Dropped a malformed cache command: urls'), expect.stringContaining('not JSON')]);
    await edge.close();
  });

  it('stops delivering after unsubscribe, and never throws on a closed connection', async () => {
    const nc = await connection('edge-d');
    const bus = createNatsCacheCommandBus({ nc, logger: silentLogger() });
    const seen: CacheCommand[] = [];
    const unsubscribe = bus.subscribe((c) => seen.push(c));
    unsubscribe();
    const sender = createNatsCacheCommandBus({ nc: await connection('sender'), logger: silentLogger() });
    sender.publish(purge);
    await sender.close();
    await nc.flush();
    await new Promise((r) => setTimeout(r, 100));
    expect(seen).toEqual([]);

    await nc.close();
    expect(() => bus.publish(purge)).not.toThrow();
    await expect(bus.close()).resolves.toBeUndefined();
  });
});
