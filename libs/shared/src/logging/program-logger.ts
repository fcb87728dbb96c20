import type { Logger } from 'pino';
import type { CdnConfig } from '../config/options';
import { NO_LOG_FILE } from '../config/option-parsers';
import { checkAppendable } from '../process/startup-error';
import { createLogger } from './logger';

/**
 * A program's logger, as its --log-* flags say. The log file is opened once here, so that a file that
 * cannot be written stops the start with a line naming --log-file rather than failing on its first write.
 */
export function createProgramLogger(name: string, config: Pick<CdnConfig, 'logLevel' | 'logFormat' | 'logFile' | 'logStdout'>): Logger {
  checkProgramLogFile(config);
  return createLogger({ name, level: config.logLevel, format: config.logFormat, file: config.logFile, stdout: config.logStdout });
}

/** Stops the start with a line naming --log-file when the log file cannot be appended to. */
export function checkProgramLogFile(config: Pick<CdnConfig, 'logFile'>): void {
  if (config.logFile !== NO_LOG_FILE) checkAppendable(config.logFile, '--log-file', 'the log file', ', or --log-file - to log to stdout only');
}
