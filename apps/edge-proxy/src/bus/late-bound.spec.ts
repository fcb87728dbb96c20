import { describe, expect, it } from 'vitest';
import { EDGE_EVENTS, InProcessBus, RoutingTable } from '@cdn/shared';
import { createLateBoundPublisher, createLateBoundSource } from './late-bound';

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('late-bound bus adapters', () => {
  it('delivers tables to a listener registered before the real source was attached', async () => {
    const bus = new InProcessBus();
    const source = createLateBoundSource();
    const tables: RoutingTable[] = [];
    await source.start((table) => tables.push(table));
    expect(source.current()).toBeUndefined();

    await source.attach(bus.source());
    await bus.store.putSettings({ cacheEnabled: false });
    await settle();

    expect(tables.map((t) => t.revision)).toEqual([0, 1]);
    expect(source.current()?.revision).toBe(1);
    await source.close();
  });

  it('drops events until a publisher is attached, then forwards them', async () => {
    const bus = new InProcessBus();
    const seen: unknown[] = [];
    bus.onEvent((_event, data) => seen.push(data));
    const publisher = createLateBoundPublisher();
    const report = { edgeId: 'e', revision: 1, reportedAt: 2, startedAt: 1 };

    publisher.publish(EDGE_EVENTS.report, report);
    publisher.attach(bus.events);
    publisher.publish(EDGE_EVENTS.report, report);
    await settle();

    expect(seen).toEqual([report]);
  });
});
