import { describe, expect, it } from 'vitest';
import { createOperation } from './cache-operation';
import { commandFor, EdgeStatus, planDelivery } from './delivery';

const T0 = 1_700_000_000_000;
const settings = { resendMs: 3_000, unknownLostAfterMs: 10_000, listeningSince: T0 };
const purge = () => createOperation({ id: 'op', type: 'purge', request: { urls: ['/cdn/a'], prefixes: [], tags: [], soft: false }, now: T0, liveEdges: ['edge-a', 'edge-b'] });
const statuses = (map: Record<string, EdgeStatus>) => (id: string) => map[id] ?? 'unknown';

describe('planDelivery', () => {
  it('re-sends to the live edges that have not answered once the re-send period has passed', () => {
    const op = purge();
    expect(planDelivery(op, statuses({ 'edge-a': 'live', 'edge-b': 'live' }), T0 + 2_999, settings)).toEqual({ resendTo: [], lost: [] });
    expect(planDelivery(op, statuses({ 'edge-a': 'live', 'edge-b': 'live' }), T0 + 3_000, settings)).toEqual({ resendTo: ['edge-a', 'edge-b'], lost: [] });
  });

  it('gives up on an edge declared lost', () => {
    expect(planDelivery(purge(), statuses({ 'edge-a': 'live', 'edge-b': 'lost' }), T0 + 3_000, settings)).toEqual({ resendTo: ['edge-a'], lost: ['edge-b'] });
  });

  it('gives an edge it has never heard of (after a restart) as long to report as a live edge gets', () => {
    const op = purge();
    expect(planDelivery(op, statuses({ 'edge-a': 'live' }), T0 + 9_999, settings)).toEqual({ resendTo: ['edge-a', 'edge-b'], lost: [] });
    expect(planDelivery(op, statuses({ 'edge-a': 'live' }), T0 + 10_000, settings)).toEqual({ resendTo: ['edge-a'], lost: ['edge-b'] });
  });
});

describe('commandFor', () => {
  it('names the edges of a re-send, and none on the first send', () => {
    expect(commandFor(purge())).not.toHaveProperty('edges');
    expect(commandFor(purge(), ['edge-b'])).toMatchObject({ type: 'purge', operationId: 'op', edges: ['edge-b'], sharedTierBy: 'edge-a' });
  });
});
