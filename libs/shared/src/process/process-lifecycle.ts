import type { Logger } from 'pino';
import { StartupError } from './startup-error';

/** Shutdown may take this long (in-flight requests, state writes, NATS drain) before the process exits anyway. */
const SHUTDOWN_DEADLINE_MS = 15_000;
/** The log gets this long to flush a final line. */
const FLUSH_DEADLINE_MS = 2_000;

/** Flushes the log, but never waits on it for more than FLUSH_DEADLINE_MS: a broken log must not keep a process alive. */
export function flushLog(logger: Logger | undefined): Promise<void> {
  if (!logger) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, FLUSH_DEADLINE_MS);
    timer.unref();
    try {
      logger.flush(() => {
        clearTimeout(timer);
        resolve();
      });
    } catch {
      resolve();
    }
  });
}

/**
 * Ends the process after a failed start: one line on stderr and at ERROR in the log, exit status 1.
 * Unexpected errors keep their stack in the log at DEBUG.
 */
export async function exitOnStartupFailure(program: string, err: unknown, logger?: Logger): Promise<never> {
  const message = err instanceof StartupError ? err.message : `Cannot start: ${err instanceof Error ? err.message : String(err)}`;
  process.stderr.write(`${program}: error: ${message}\n`);
  if (logger) {
    if (!(err instanceof StartupError)) logger.debug({ err }, 'Start-up failure');
    logger.error(message);
  }
  await flushLog(logger);
  process.exit(1);
}

/**
 * Stops on the first SIGTERM or SIGINT: `stop` runs once, then the process exits 0 (1 if stop failed).
 * A shutdown that hangs past its deadline is cut short, so a process manager is never left waiting.
 */
export function exitOnSignals(logger: Logger, stop: (signal: string) => Promise<void>): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    const deadline = setTimeout(() => {
      logger.error(`Shutdown did not finish within ${SHUTDOWN_DEADLINE_MS / 1000} s; exiting now`);
      void flushLog(logger).then(() => process.exit(1));
    }, SHUTDOWN_DEADLINE_MS);
    deadline.unref();
    stop(signal).then(
      async () => {
        await flushLog(logger);
        process.exit(0);
      },
      async (err: unknown) => {
        logger.error({ err }, 'Shutdown failed');
        await flushLog(logger);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
