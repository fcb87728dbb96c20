import type { CacheCommand } from '@cdn/shared';
import { CacheOperation, pendingEdges } from './cache-operation';

/** What the control plane knows of an edge now: reporting, declared lost, or not heard from since it started. */
export type EdgeStatus = 'live' | 'lost' | 'unknown';

/** What to do about one operation on a delivery round. */
export interface DeliveryPlan {
  /** Pending edges to send the command to again. */
  resendTo: string[];
  /** Pending edges to stop waiting for. */
  lost: string[];
}

export interface DeliverySettings {
  /** Least time between two sends of one operation. */
  resendMs: number;
  /** An edge not heard from for this long since this control plane started counts as lost. */
  unknownLostAfterMs: number;
  /** When this control plane began hearing edge reports. */
  listeningSince: number;
}

/**
 * Delivery is at least once: a command goes again to every pending edge until its receipt arrives or the
 * edge is lost. An edge this control plane has never heard of (it restarted with operations in flight)
 * gets the same time to report that a live edge gets before it is declared lost.
 */
export function planDelivery(operation: CacheOperation, statusOf: (edgeId: string) => EdgeStatus, now: number, settings: DeliverySettings): DeliveryPlan {
  const plan: DeliveryPlan = { resendTo: [], lost: [] };
  if (operation.completedAt !== null) return plan;
  const due = now - operation.lastSentAt >= settings.resendMs;
  for (const edge of pendingEdges(operation)) {
    const status = statusOf(edge);
    if (status === 'lost' || (status === 'unknown' && now - settings.listeningSince >= settings.unknownLostAfterMs)) plan.lost.push(edge);
    else if (due) plan.resendTo.push(edge);
  }
  return plan;
}

/** The command of an operation; `edges` limits who carries it out (a re-send), absent for the first send to all. */
export function commandFor(operation: CacheOperation, edges?: string[]): CacheCommand {
  const only = edges ? { edges } : {};
  if (operation.type === 'warm') return { type: 'warm', operationId: operation.id, urls: operation.request.urls, issuedAt: operation.createdAt, ...only };
  const { urls, prefixes, tags, soft } = operation.request;
  return { type: 'purge', operationId: operation.id, urls, prefixes, tags, soft, sharedTierBy: operation.sharedTierBy, issuedAt: operation.createdAt, ...only };
}
