import cluster from 'node:cluster';

/** The variable a primary gives each worker: its slot, 1 to --workers, kept by the worker that replaces it. */
export const WORKER_SLOT_VARIABLE = 'CDN_WORKER_SLOT';

/** This process's slot when it is a --workers worker; undefined for a single process or a primary. */
export function workerSlot(): number | undefined {
  if (!cluster.isWorker) return undefined;
  const slot = Number(process.env[WORKER_SLOT_VARIABLE]);
  return Number.isInteger(slot) && slot > 0 ? slot : undefined;
}

/**
 * A worker's edge id: each worker has its own memory cache, so each is an edge of its own to the control plane
 * (its reports, its purge receipts), named after the process's edge id and its slot: `edge-a-w2`.
 */
export function workerEdgeId(edgeId: string, slot: number | undefined): string {
  return slot === undefined ? edgeId : `${edgeId}-w${slot}`;
}

/** A worker whose primary is gone stops the way a signal stops it: in-flight requests finish, then it exits. */
export function stopWhenOrphaned(): void {
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}
