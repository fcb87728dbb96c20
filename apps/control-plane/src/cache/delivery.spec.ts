import { describe, expect, it } from 'vitest';
import { createOperation } from './cache-operation';
import { commandFor, EdgeStatus, GIVE_UP_AFTER_MS, MAX_RESEND_MS, planDelivery } from './delivery';

const T0 = 1_700_000_000_000;
const settings = { resendMs: 3_000, unknownLostAfterMs: 10_000, listeningSince: T0 };
const purge = () => createOperation({ id: 'op', type: 'purge', request: { urls: ['/cdn/a'], prefixes: [], tags: [], soft: false }, now: T0, liveEdges: ['edge-a', 'edge-b'] });
const statuses = (map: Record<string, EdgeStatus>) => (id: string) => map[id] ?? 'unknown';

describe('planDelivery', () => {
  it('re-sends to the live edges that have not answered once the re-send period has passed', () => {
    const op = purge();
    expect(planDelivery(op, statuses({ 'edge-a': 'live', 'edge-b': 'live' }), T0 + 2_999, settings)).toEqual({ resendTo: [], lost: [], unanswered: [] });
    expect(planDelivery(op, statuses({ 'edge-a': 'live', 'edge-b': 'live' }), T0 + 3_000, settings)).toEqual({ resendTo: ['edge-a', 'edge-b'], lost: [], unanswered: [] });
  });

  it('gives up on an edge declared lost', () => {
    expect(planDelivery(purge(), statuses({ 'edge-a': 'live', 'edge-b': 'lost' }), T0 + 3_000, settings)).toEqual({ resendTo: ['edge-a'], lost: ['edge-b'], unanswered: [] });
  });

  it('gives an edge it has never heard of (after a restart) as long to report as a live edge gets', () => {
    const op = purge();
    expect(planDelivery(op, statuses({ 'edge-a': 'live' }), T0 + 9_999, settings)).toEqual({ resendTo: ['edge-a', 'edge-b'], lost: [], unanswered: [] });
    expect(planDelivery(op, statuses({ 'edge-a': 'live' }), T0 + 10_000, settings)).toEqual({ resendTo: ['edge-a'], lost: ['edge-b'], unanswered: [] });
  });
});

describe('planDelivery over time', () => {
  it('waits twice as long after every send, up to a minute', () => {
    const live = statuses({ 'edge-a': 'live', 'edge-b': 'live' });
    const op = { ...purge(), sends: 3, lastSentAt: T0 };
    expect(planDelivery(op, live, T0 + 11_999, settings).resendTo).toEqual([]);
    expect(planDelivery(op, live, T0 + 12_000, settings).resendTo).toEqual(['edge-a', 'edge-b']);
    const often = { ...purge(), sends: 30, lastSentAt: T0 };
    expect(planDelivery(often, live, T0 + MAX_RESEND_MS, settings).resendTo).toEqual(['edge-a', 'edge-b']);
  });

  it('stops waiting for an edge that reports but never answers', () => {
    const live = statuses({ 'edge-a': 'live', 'edge-b': 'live' });
    expect(planDelivery(purge(), live, T0 + GIVE_UP_AFTER_MS, settings)).toEqual({ resendTo: [], lost: [], unanswered: ['edge-a', 'edge-b'] });
  });
});

describe('commandFor', () => {
  it('names the edges of a re-send, and none on the first send', () => {
    expect(commandFor(purge())).not.toHaveProperty('edges');
    expect(commandFor(purge(), ['edge-b'])).toMatchObject({ type: 'purge', operationId: 'op', edges: ['edge-b'], sharedTierBy: 'edge-a' });
  });
});
