import type { CacheReceipt } from '@cdn/shared';
import type { PurgeRequest, WarmRequest } from './cache-request';

/** A purge or warm sent to every edge, and the receipts that came back: pure data, changed only by the functions below. */
export type CacheOperation = {
  id: string;
  createdAt: number;
  /** The edges that were live when it was sent: all of them must answer. */
  expectedEdges: string[];
  /** Receipts by edge, in arrival order (edges that came up later may answer too). */
  receipts: Map<string, CacheReceipt>;
  /** Expected edges that were lost before they answered: the operation no longer waits for them. */
  lostEdges: string[];
  /** How many times the command was sent (1 at first), and when last: the re-sends follow from these. */
  sends: number;
  lastSentAt: number;
  completedAt: number | null;
  warnings: string[];
} & ({ type: 'purge'; request: PurgeRequest; sharedTierBy: string | null } | { type: 'warm'; request: WarmRequest });

export type CacheOperationType = CacheOperation['type'];

/** What one receipt did to its operation. */
export type ReceiptOutcome = { kind: 'recorded'; completed: boolean } | { kind: 'duplicate' };

/** What losing an edge did to its operation. */
export type LossOutcome = { kind: 'lost'; completed: boolean } | { kind: 'not_pending' };

export type PurgeOperation = Extract<CacheOperation, { type: 'purge' }>;
export type WarmOperation = Extract<CacheOperation, { type: 'warm' }>;
type OperationInit = { id: string; now: number; liveEdges: readonly string[] };

export function createOperation(init: OperationInit & { type: 'purge'; request: PurgeRequest }): PurgeOperation;
export function createOperation(init: OperationInit & { type: 'warm'; request: WarmRequest }): WarmOperation;
export function createOperation(init: OperationInit & ({ type: 'purge'; request: PurgeRequest } | { type: 'warm'; request: WarmRequest })): CacheOperation {
  const expectedEdges = [...init.liveEdges].sort();
  const base = {
    id: init.id,
    createdAt: init.now,
    expectedEdges,
    receipts: new Map<string, CacheReceipt>(),
    lostEdges: [] as string[],
    sends: 1,
    lastSentAt: init.now,
    warnings: [] as string[],
  };
  // With nobody to answer there is nothing to wait for; say what did not happen instead.
  const completedAt = expectedEdges.length === 0 ? init.now : null;
  if (init.type === 'warm') {
    if (completedAt !== null) base.warnings.push('No edge was live: nothing was warmed.');
    return { ...base, type: 'warm', request: init.request, completedAt };
  }
  if (completedAt !== null) base.warnings.push('No edge was live: nothing was purged, and the shared (Redis) tier was not purged either.');
  return { ...base, type: 'purge', request: init.request, sharedTierBy: expectedEdges[0] ?? null, completedAt };
}

/**
 * Records an edge's receipt. The first receipt of each edge counts (a re-sent one changes nothing);
 * one from an edge that was not expected is kept for the record but does not hold completion back.
 */
export function recordReceipt(operation: CacheOperation, receipt: CacheReceipt, now: number): ReceiptOutcome {
  if (operation.receipts.has(receipt.edgeId)) return { kind: 'duplicate' };
  operation.receipts.set(receipt.edgeId, receipt);
  // An edge given up for lost that answers after all is no longer missing.
  operation.lostEdges = operation.lostEdges.filter((edge) => edge !== receipt.edgeId);
  if (operation.type === 'purge' && receipt.edgeId === operation.sharedTierBy && !receipt.applied) {
    operation.warnings.push(`The shared (Redis) tier may not have been purged: edge ${receipt.edgeId} could not carry the purge out.`);
  }
  if (operation.completedAt !== null) return { kind: 'recorded', completed: false };
  if (pendingEdges(operation).length > 0) return { kind: 'recorded', completed: false };
  operation.completedAt = now;
  return { kind: 'recorded', completed: true };
}

/**
 * Gives up waiting for an expected edge that was lost before it answered: the operation completes
 * without it once nobody else is pending, and names it.
 */
export function recordLostEdge(operation: CacheOperation, edgeId: string, now: number): LossOutcome {
  if (!pendingEdges(operation).includes(edgeId)) return { kind: 'not_pending' };
  operation.lostEdges.push(edgeId);
  if (operation.type === 'purge' && edgeId === operation.sharedTierBy) {
    operation.warnings.push(`The shared (Redis) tier may not have been purged: edge ${edgeId}, which was to purge it, was lost before it answered.`);
  }
  if (operation.completedAt !== null || pendingEdges(operation).length > 0) return { kind: 'lost', completed: false };
  operation.completedAt = now;
  return { kind: 'lost', completed: true };
}

/** The expected edges that have neither answered nor been lost. */
export function pendingEdges(operation: CacheOperation): string[] {
  return operation.expectedEdges.filter((edge) => !operation.receipts.has(edge) && !operation.lostEdges.includes(edge));
}

export function entriesAffected(operation: CacheOperation): number {
  let total = 0;
  for (const receipt of operation.receipts.values()) total += receipt.entriesAffected;
  return total;
}

/** The JSON answer of `GET /operations/<id>`. */
export interface OperationView {
  operation_id: string;
  type: CacheOperationType;
  created_at: string;
  complete: boolean;
  completed_at: string | null;
  request: PurgeRequest | WarmRequest;
  shared_tier_by?: string | null;
  expected_edges: string[];
  pending_edges: string[];
  /** Expected edges lost before they answered. */
  lost_edges: string[];
  /** How many times the command went out (re-sent to the edges that had not answered). */
  sends: number;
  receipts: { edge: string; applied: boolean; entries_affected: number; errors: string[]; finished_at: string }[];
  warnings: string[];
}

export function toOperationView(operation: CacheOperation): OperationView {
  return {
    operation_id: operation.id,
    type: operation.type,
    created_at: new Date(operation.createdAt).toISOString(),
    complete: operation.completedAt !== null,
    completed_at: operation.completedAt === null ? null : new Date(operation.completedAt).toISOString(),
    request: operation.request,
    ...(operation.type === 'purge' ? { shared_tier_by: operation.sharedTierBy } : {}),
    expected_edges: operation.expectedEdges,
    pending_edges: pendingEdges(operation),
    lost_edges: operation.lostEdges,
    sends: operation.sends,
    receipts: [...operation.receipts.values()].map((r) => ({
      edge: r.edgeId,
      applied: r.applied,
      entries_affected: r.entriesAffected,
      errors: r.errors,
      finished_at: new Date(r.finishedAt).toISOString(),
    })),
    warnings: operation.warnings,
  };
}
