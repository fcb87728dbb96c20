import type { Logger } from 'pino';
import type { CdnConfig } from '../config/options';
import { type LineDestination } from '../logging/line-destination';
import { formatJsonLine, formatTextLine, type LogRecord } from '../logging/log-line';
import { createLogger, logDestination } from '../logging/logger';
import { checkProgramLogFile } from '../logging/program-logger';
import { sendToPrimary } from './worker-messages';

/** A worker sends its lines at least this often (each turn of its event loop), in batches of at most about this size. */
const BATCH_BYTES = 16 * 1024;

/**
 * The primary's logger, and where its workers' lines go: the primary is the one writer of stdout and of the log
 * file, so that no line is torn or interleaved with another process's (a write of more than 4 KiB to a pipe is
 * not atomic, and an access line may hold an 8 KiB URL).
 */
export function createPrimaryLogger(name: string, config: Pick<CdnConfig, 'logLevel' | 'logFormat' | 'logFile'>): { logger: Logger; writeLines(lines: string): void } {
  checkProgramLogFile(config);
  const destination = logDestination({ file: config.logFile, format: config.logFormat });
  return { logger: createLogger({ name, level: config.logLevel, destination }), writeLines: (lines) => destination.writeLines(lines) };
}

/** A worker's logger: its lines are formatted here and sent to the primary in batches, one IPC message per batch. */
export function createWorkerLogger(name: string, config: Pick<CdnConfig, 'logLevel' | 'logFormat'>): Logger {
  return createLogger({ name, level: config.logLevel, destination: workerLogDestination(config.logFormat) });
}

function workerLogDestination(format: 'text' | 'json'): LineDestination {
  const formatLine = format === 'json' ? formatJsonLine : formatTextLine;
  let batch = '';
  let scheduled = false;
  let inFlight = 0;
  const send = (done?: () => void) => {
    const lines = batch;
    batch = '';
    scheduled = false;
    inFlight += 1;
    sendToPrimary({ type: 'cdn:log', lines }, () => {
      inFlight -= 1;
      done?.();
    });
  };
  const writeLines = (lines: string) => {
    batch += lines;
    if (batch.length >= BATCH_BYTES) send();
    else if (!scheduled) {
      scheduled = true;
      setImmediate(() => batch !== '' && send());
    }
  };
  return {
    write: (record: string) => writeLines(formatLine(JSON.parse(record) as LogRecord)),
    writeLines,
    // Messages leave in order: once the last one is out, every earlier one is.
    flush: (callback) => (batch === '' && inFlight === 0 ? callback() : send(() => callback())),
  };
}
