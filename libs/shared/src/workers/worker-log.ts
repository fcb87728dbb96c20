import type { Logger } from 'pino';
import type { CdnConfig } from '../config/options';
import { type LineDestination } from '../logging/line-destination';
import { recordLineFormat, requestLineFormat } from '../logging/log-line';
import { createLogger, logDestination } from '../logging/logger';
import { checkProgramLogFile } from '../logging/program-logger';
import { sendToPrimary } from './worker-messages';

/** A worker sends its lines at least this often (each turn of its event loop), in batches of at most about this size. */
const BATCH_BYTES = 16 * 1024;

type LogConfig = Pick<CdnConfig, 'logLevel' | 'logFormat' | 'logFile' | 'logStdout'>;

/**
 * The primary's logger, and where its workers' lines go: the primary is the one writer of stdout and of the log
 * file, so that no line is torn or interleaved with another process's (a write of more than 4 KiB to a pipe is
 * not atomic, and an access line may hold an 8 KiB URL).
 */
export function createPrimaryLogger(name: string, config: LogConfig): { logger: Logger; writeLines(lines: string, requests: boolean): void } {
  checkProgramLogFile(config);
  const destination = logDestination({ file: config.logFile, format: config.logFormat, stdout: config.logStdout });
  return { logger: createLogger({ name, level: config.logLevel, destination }), writeLines: (lines, requests) => destination.writeLines(lines, requests) };
}

/** A worker's logger: its lines are formatted here and sent to the primary in batches, one IPC message per batch. */
export function createWorkerLogger(name: string, config: Pick<CdnConfig, 'logLevel' | 'logFormat'>): Logger {
  return createLogger({ name, level: config.logLevel, destination: workerLogDestination(config.logFormat) });
}

/** Event lines and per-request lines travel apart: the primary sends them to different targets (--log-stdout). */
function workerLogDestination(format: 'text' | 'json'): LineDestination {
  const formatRecord = recordLineFormat(format);
  const formatRequest = requestLineFormat(format);
  let events = '';
  let requests = '';
  let scheduled = false;
  let inFlight = 0;
  const send = (done?: () => void) => {
    const message = { type: 'cdn:log' as const, events, requests };
    events = '';
    requests = '';
    scheduled = false;
    inFlight += 1;
    sendToPrimary(message, () => {
      inFlight -= 1;
      done?.();
    });
  };
  const queued = () => {
    if (events.length + requests.length >= BATCH_BYTES) send();
    else if (!scheduled) {
      scheduled = true;
      setImmediate(() => (events !== '' || requests !== '') && send());
    }
  };
  const writeLines = (lines: string, request: boolean) => {
    if (request) requests += lines;
    else events += lines;
    queued();
  };
  return {
    format,
    write: (record: string) => writeLines(formatRecord(record), false),
    writeRequestLine: (name, message, fields) => writeLines(formatRequest(name, message, fields), true),
    writeLines,
    // Messages leave in order: once the last one is out, every earlier one is.
    flush: (callback) => (events === '' && requests === '' && inFlight === 0 ? callback() : send(() => callback())),
  };
}
