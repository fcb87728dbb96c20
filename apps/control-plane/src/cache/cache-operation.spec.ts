import type { CacheReceipt } from '@cdn/shared';
import { describe, expect, it } from 'vitest';
import { createOperation, entriesAffected, pendingEdges, recordLostEdge, recordReceipt, toOperationView } from './cache-operation';

const T0 = 1_700_000_000_000;
const PURGE = { urls: ['/cdn/a'], prefixes: [], tags: [], soft: false };

function receipt(edgeId: string, overrides: Partial<CacheReceipt> = {}): CacheReceipt {
  return { operationId: 'op', edgeId, applied: true, entriesAffected: 2, errors: [], finishedAt: T0 + 50, ...overrides };
}

const purge = (liveEdges: string[]) => createOperation({ id: 'op', type: 'purge', request: PURGE, now: T0, liveEdges });

describe('cache operations', () => {
  it('expects every live edge and gives the shared tier to the first by id', () => {
    const op = purge(['edge-b', 'edge-a']);
    expect(op).toMatchObject({ expectedEdges: ['edge-a', 'edge-b'], sharedTierBy: 'edge-a', completedAt: null, warnings: [] });
  });

  it('completes when the last expected edge answers, not before', () => {
    const op = purge(['edge-a', 'edge-b']);
    expect(recordReceipt(op, receipt('edge-b'), T0 + 100)).toEqual({ kind: 'recorded', completed: false });
    expect(pendingEdges(op)).toEqual(['edge-a']);
    expect(recordReceipt(op, receipt('edge-a', { entriesAffected: 3 }), T0 + 200)).toEqual({ kind: 'recorded', completed: true });
    expect(op.completedAt).toBe(T0 + 200);
    expect(entriesAffected(op)).toBe(5);
  });

  it('counts a receipt with errors as an answer', () => {
    const op = purge(['edge-a']);
    expect(recordReceipt(op, receipt('edge-a', { errors: ['shared tier unavailable: ECONNREFUSED'] }), T0 + 1)).toEqual({ kind: 'recorded', completed: true });
  });

  it('keeps the first receipt of an edge and ignores repeats', () => {
    const op = purge(['edge-a', 'edge-b']);
    recordReceipt(op, receipt('edge-a'), T0 + 1);
    expect(recordReceipt(op, receipt('edge-a', { entriesAffected: 99 }), T0 + 2)).toEqual({ kind: 'duplicate' });
    expect(entriesAffected(op)).toBe(2);
  });

  it('records an unexpected edge’s receipt without letting it complete the operation', () => {
    const op = purge(['edge-a']);
    expect(recordReceipt(op, receipt('edge-new'), T0 + 1)).toEqual({ kind: 'recorded', completed: false });
    expect(op.completedAt).toBeNull();
    expect(pendingEdges(op)).toEqual(['edge-a']);
  });

  it('is complete at once with a warning when no edge is live', () => {
    const op = purge([]);
    expect(op).toMatchObject({ completedAt: T0, sharedTierBy: null });
    expect(op.warnings).toEqual([expect.stringContaining('shared (Redis) tier was not purged')]);
    const warm = createOperation({ id: 'w', type: 'warm', request: { urls: ['/cdn/a'] }, now: T0, liveEdges: [] });
    expect(warm.warnings).toEqual(['No edge was live: nothing was warmed.']);
  });

  it('warns when the shared-tier edge could not carry the purge out', () => {
    const op = purge(['edge-a', 'edge-b']);
    recordReceipt(op, receipt('edge-b', { applied: false }), T0 + 1);
    expect(op.warnings).toEqual([]);
    recordReceipt(op, receipt('edge-a', { applied: false, errors: ['cache disabled'] }), T0 + 2);
    expect(op.warnings).toEqual([expect.stringContaining('edge edge-a could not carry the purge out')]);
  });

  it('shows as the API answers it', () => {
    const op = purge(['edge-a', 'edge-b']);
    recordReceipt(op, receipt('edge-a'), T0 + 100);
    expect(toOperationView(op)).toEqual({
      operation_id: 'op',
      type: 'purge',
      created_at: '2023-11-14T22:13:20.000Z',
      complete: false,
      completed_at: null,
      request: PURGE,
      shared_tier_by: 'edge-a',
      expected_edges: ['edge-a', 'edge-b'],
      pending_edges: ['edge-b'],
      lost_edges: [],
      sends: 1,
      receipts: [{ edge: 'edge-a', applied: true, entries_affected: 2, errors: [], finished_at: '2023-11-14T22:13:20.050Z' }],
      warnings: [],
    });
    const warm = createOperation({ id: 'w', type: 'warm', request: { urls: ['/cdn/a'] }, now: T0, liveEdges: ['edge-a'] });
    expect(toOperationView(warm)).not.toHaveProperty('shared_tier_by');
  });

  it('completes without an edge that was lost before it answered, and names it', () => {
    const op = purge(['edge-a', 'edge-b']);
    recordReceipt(op, receipt('edge-a'), T0 + 1);
    expect(recordLostEdge(op, 'edge-b', T0 + 10_000)).toEqual({ kind: 'lost', completed: true });
    expect(toOperationView(op)).toMatchObject({ complete: true, pending_edges: [], lost_edges: ['edge-b'] });
    expect(recordLostEdge(op, 'edge-a', T0 + 10_001)).toEqual({ kind: 'not_pending' });
  });

  it('warns when the edge meant to purge the shared tier is lost', () => {
    const op = purge(['edge-a', 'edge-b']);
    recordLostEdge(op, 'edge-a', T0 + 1);
    expect(op.warnings).toEqual([expect.stringContaining('edge edge-a, which was to purge it, was lost')]);
  });

  it('takes a late receipt from a lost edge off the lost list', () => {
    const op = purge(['edge-a']);
    recordLostEdge(op, 'edge-a', T0 + 1);
    recordReceipt(op, receipt('edge-a'), T0 + 2);
    expect(toOperationView(op)).toMatchObject({ complete: true, lost_edges: [], receipts: [{ edge: 'edge-a' }] });
  });
});
