import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import type { CdnConfig } from '../config/options';
import { createProgramLogger } from '../logging/program-logger';
import { WorkerRegistry } from './cluster-metrics';
import { createWorkerLogger } from './worker-log';
import { sendToPrimary } from './worker-messages';
import { stopWhenOrphaned, workerSlot } from './worker-slot';

/** The process that serves the port: the program itself without --workers, or one of its workers. */
export interface ServingProcess {
  /** The worker's slot (1 to --workers); undefined in a single process. */
  slot: number | undefined;
  logger: Logger;
  /** Its own metrics; in a worker, /metrics served from it is the aggregate of every worker. */
  registry: Registry;
  /** Says the start is done: a worker tells its primary, and from then on stops when the primary is gone. */
  started(): void;
}

export function servingProcess(name: string, config: CdnConfig): ServingProcess {
  const slot = workerSlot();
  if (slot === undefined) return { slot, logger: createProgramLogger(name, config), registry: new Registry(), started: () => undefined };
  return {
    slot,
    logger: createWorkerLogger(name, config),
    registry: new WorkerRegistry(),
    started() {
      sendToPrimary({ type: 'cdn:ready' });
      stopWhenOrphaned();
    },
  };
}
