import type { Worker } from 'node:cluster';
import type { Logger } from 'pino';
import type { CdnConfig } from '../config/options';
import { registerProcessMetrics } from '../process/process-metrics';
import { ClusterRegistry } from './cluster-metrics';
import { createPrimaryLogger } from './worker-log';
import type { WorkerMessage } from './worker-messages';
import { startWorkerPool, type WorkerPool } from './worker-pool';

/** A --workers primary: its log (the one writer of the workers' lines), its registry (the aggregate of all) and its workers. */
export interface ClusterPrimary {
  logger: Logger;
  registry: ClusterRegistry;
  pool: WorkerPool;
}

/**
 * Starts the primary of a program run with --workers: forks the workers and takes their log lines and metrics
 * requests; every other message goes to `onMessage` (the all-in-one's bus).
 */
export function startClusterPrimary(name: string, config: CdnConfig, onMessage: (worker: Worker, message: WorkerMessage) => void = () => undefined): ClusterPrimary {
  const { logger, writeLines } = createPrimaryLogger(name, config);
  const registry = new ClusterRegistry(() => pool.live());
  registerProcessMetrics(registry);
  const pool = startWorkerPool({
    count: config.workers,
    logger,
    registry,
    onMessage(worker, message) {
      if (message.type === 'cdn:log') {
        if (message.events !== '') writeLines(message.events, false);
        if (message.requests !== '') writeLines(message.requests, true);
      }
      else if (message.type === 'cdn:metrics:ask' || message.type === 'cdn:metrics:report') registry.onMessage(worker, message);
      else onMessage(worker, message);
    },
  });
  return { logger, registry, pool };
}
