import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import { StartupError } from '../process/startup-error';
import { isCdnMessage, type PrimaryMessage, type WorkerMessage } from './worker-messages';
import { WORKER_SLOT_VARIABLE } from './worker-slot';

/** A worker that dies is replaced after this long, doubling with each death in a row up to RESTART_MAX_MS. */
const RESTART_FIRST_MS = 100;
const RESTART_MAX_MS = 30_000;
/** A worker that lived this long was healthy: the next death restarts it after RESTART_FIRST_MS again. */
const STABLE_MS = 10_000;

/** The primary's workers: each slot holds one worker, replaced when it dies, until stop(). */
export interface WorkerPool {
  /** Resolves when every worker has said it is ready; rejects when one exits before (a port in use, a bad file). */
  ready: Promise<void>;
  /** The workers alive now. */
  live(): Worker[];
  /** Sends to every live worker. */
  broadcast(message: PrimaryMessage): void;
  /** Restarts no more, asks every worker to finish its requests and exit (SIGTERM), and resolves once all have. */
  stop(): Promise<void>;
}

export interface WorkerPoolOptions {
  count: number;
  logger: Logger;
  /** The restart counter goes here: cdn_edge_worker_restarts_total (every worker is an edge). */
  registry: Registry;
  /** Told of every message of the protocol a worker sends. */
  onMessage(worker: Worker, message: WorkerMessage): void;
}

/**
 * Forks `count` workers of this program (same script, flags and environment), which share its listening ports
 * through node:cluster. A worker that dies is restarted with back-off, logged and counted.
 */
export function startWorkerPool(options: WorkerPoolOptions): WorkerPool {
  const { count, logger } = options;
  const restarts = new Counter({ name: 'cdn_edge_worker_restarts_total', help: 'Workers restarted after they died (--workers)', registers: [options.registry] });
  const slots = new Map<number, Worker>();
  const deathsInARow = new Map<number, number>();
  const timers = new Set<NodeJS.Timeout>();
  let stopping = false;
  let starting = true;
  let readyCount = 0;
  let settle!: { resolve: () => void; reject: (err: Error) => void };
  const ready = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));

  function fork(slot: number): void {
    const worker = cluster.fork({ [WORKER_SLOT_VARIABLE]: String(slot) });
    const forkedAt = Date.now();
    let isReady = false;
    slots.set(slot, worker);
    // A send to a worker that has just died fails here, not in the primary; its exit restarts it.
    worker.on('error', (err) => logger.debug({ err }, `Worker ${slot} could not be sent a message`));
    worker.on('message', (message: unknown) => {
      if (!isCdnMessage(message)) return;
      if (message.type === 'cdn:ready' && !isReady) {
        isReady = true;
        if (starting && ++readyCount === count) {
          starting = false;
          settle.resolve();
        }
      }
      options.onMessage(worker, message as WorkerMessage);
    });
    worker.on('exit', (code, signal) => {
      slots.delete(slot);
      if (stopping) return;
      const how = signal ? `signal ${signal}` : `code ${code}`;
      if (starting) {
        stopping = true;
        // The worker has said why on stderr and in the log; the others go too, and the start fails.
        for (const other of slots.values()) other.process.kill('SIGTERM');
        return settle.reject(new StartupError(`worker ${slot} exited (${how}) before it was ready`));
      }
      const deaths = Date.now() - forkedAt >= STABLE_MS ? 0 : deathsInARow.get(slot) ?? 0;
      deathsInARow.set(slot, deaths + 1);
      const delayMs = Math.min(RESTART_MAX_MS, RESTART_FIRST_MS * 2 ** deaths);
      restarts.inc();
      logger.error(`Worker ${slot} (pid ${worker.process.pid}) exited (${how}); restarting it in ${delayMs / 1000} s`);
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!stopping) fork(slot);
      }, delayMs);
      timers.add(timer);
    });
  }

  for (let slot = 1; slot <= count; slot++) fork(slot);
  logger.info(`Started ${count} workers (--workers), sharing the listening ports`);

  return {
    ready,
    live: () => [...slots.values()].filter((worker) => worker.isConnected()),
    broadcast(message) {
      for (const worker of slots.values()) if (worker.isConnected()) worker.send(message);
    },
    async stop() {
      stopping = true;
      for (const timer of timers) clearTimeout(timer);
      const exits = [...slots.values()].map((worker) => new Promise<void>((resolve) => {
        if (worker.isDead()) return resolve();
        worker.once('exit', () => resolve());
        worker.process.kill('SIGTERM');
      }));
      await Promise.all(exits);
    },
  };
}
