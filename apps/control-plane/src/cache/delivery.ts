import type { CacheCommand } from '@cdn/shared';
import { CacheOperation, pendingEdges } from './cache-operation';

/** The longest wait between two sends: an edge busy with a long warm is not asked every few seconds. */
export const MAX_RESEND_MS = 60_000;
/** An edge that reports but has not answered an operation in this long is not waited for any more. */
export const GIVE_UP_AFTER_MS = 10 * 60_000;

/** What the control plane knows of an edge now: reporting, declared lost, or not heard from since it started. */
export type EdgeStatus = 'live' | 'lost' | 'unknown';

/** What to do about one operation on a delivery round. */
export interface DeliveryPlan {
  /** Pending edges to send the command to again. */
  resendTo: string[];
  /** Pending edges to stop waiting for: lost. */
  lost: string[];
  /** Pending edges to stop waiting for: live, but silent about this operation for too long. */
  unanswered: string[];
}

export interface DeliverySettings {
  /** Least time between the first two sends of one operation; it doubles with every send, up to MAX_RESEND_MS. */
  resendMs: number;
  /** An edge not heard from for this long since this control plane started counts as lost. */
  unknownLostAfterMs: number;
  /** When this control plane began hearing edge reports. */
  listeningSince: number;
}

/**
 * Delivery is at least once: a command goes again to every pending edge, ever less often, until its
 * receipt arrives or the edge is lost. An edge this control plane has never heard of (it restarted with
 * operations in flight) gets the same time to report that a live edge gets before it is declared lost.
 * One that keeps reporting without ever answering is given up after GIVE_UP_AFTER_MS.
 */
export function planDelivery(operation: CacheOperation, statusOf: (edgeId: string) => EdgeStatus, now: number, settings: DeliverySettings): DeliveryPlan {
  const plan: DeliveryPlan = { resendTo: [], lost: [], unanswered: [] };
  if (operation.completedAt !== null) return plan;
  const due = now - operation.lastSentAt >= Math.min(settings.resendMs * 2 ** (operation.sends - 1), MAX_RESEND_MS);
  const givenUp = now - operation.createdAt >= GIVE_UP_AFTER_MS;
  for (const edge of pendingEdges(operation)) {
    const status = statusOf(edge);
    if (status === 'lost' || (status === 'unknown' && now - settings.listeningSince >= settings.unknownLostAfterMs)) plan.lost.push(edge);
    else if (givenUp) plan.unanswered.push(edge);
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
