/**
 * The all-in-one CDN server (`npm start`): the control plane and one edge in one process, on one port,
 * joined by the in-process bus instead of NATS. Serves the original manual's whole API.
 */
import cluster from 'node:cluster';
import { createProgramLogger, exitOnSignals, exitOnStartupFailure, loadConfigOrExit, Logger, programInfo } from '@cdn/shared';
import { startAllInOne } from './all-in-one';
import { runAllInOnePrimary } from './workers/all-in-one-primary';
import { runAllInOneWorker } from './workers/all-in-one-worker';

async function main(): Promise<void> {
  const info = programInfo('all-in-one');
  const config = loadConfigOrExit(info);
  // --workers: the control plane in the primary, an edge in each worker (see workers/).
  if (config.workers > 1) return cluster.isPrimary ? runAllInOnePrimary(info, config) : runAllInOneWorker(info, config);
  let logger: Logger | undefined;
  try {
    logger = createProgramLogger('cdn', config);
    const server = await startAllInOne(config, logger);
    exitOnSignals(logger, async (signal) => {
      server.logger.info(`Received ${signal}, shutting down`);
      await server.close();
    });
  } catch (err) {
    await exitOnStartupFailure(info.name, err, logger);
  }
}

void main();
