import { describe, expect, it } from 'vitest';
import { checkEdge, EDGE_FORGET_AFTER_MS, EDGE_LOST_AFTER_MS, EdgeRecord, edgeLag } from './edge-liveness';

const T0 = 1_700_000_000_000;
const live: EdgeRecord = { id: 'edge-a', revision: 5, table: 'live', receivedAt: T0, startedAt: T0 - 60_000, status: 'live' };

describe('checkEdge', () => {
  it('keeps an edge live while its reports arrive', () => {
    expect(checkEdge(live, T0 + EDGE_LOST_AFTER_MS - 1)).toBeUndefined();
  });

  it('declares an edge lost after about three missed reports', () => {
    expect(checkEdge(live, T0 + EDGE_LOST_AFTER_MS)).toEqual({ kind: 'lost', silentSeconds: 10 });
  });

  it('forgets a lost edge ten minutes after it was lost', () => {
    const lost: EdgeRecord = { ...live, status: 'lost', lostAt: T0 + 10_000 };
    expect(checkEdge(lost, T0 + 10_000 + EDGE_FORGET_AFTER_MS - 1)).toBeUndefined();
    expect(checkEdge(lost, T0 + 10_000 + EDGE_FORGET_AFTER_MS)).toEqual({ kind: 'forget' });
  });
});

describe('edgeLag', () => {
  it('is how many revisions the edge is behind', () => {
    expect(edgeLag(live, 8)).toBe(3);
  });

  it('is never negative when the edge saw a newer revision than our reader', () => {
    expect(edgeLag(live, 4)).toBe(0);
  });
});
