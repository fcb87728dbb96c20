/**
 * The all-in-one CDN server (`npm start`): the control plane and one edge in one process, on one port,
 * joined by the in-process bus instead of NATS. Serves the original manual's whole API.
 */
import { createProgramLogger, exitOnSignals, exitOnStartupFailure, loadConfigOrExit, Logger, programInfo } from '@cdn/shared';
import { startAllInOne } from './all-in-one';

async function main(): Promise<void> {
  const info = programInfo('all-in-one');
  const config = loadConfigOrExit(info);
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
