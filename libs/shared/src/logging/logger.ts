import path from 'node:path';
import pino, { DestinationStream, Logger } from 'pino';
import { NO_LOG_FILE } from '../config/option-parsers';
import type { LogFormat, LogLevel, LogStdout } from '../config/options';
import { lineDestination, type LineDestination, type LineTarget } from './line-destination';

export type { Logger } from 'pino';

const PINO_LEVELS: Record<LogLevel, pino.Level> = { DEBUG: 'debug', INFO: 'info', WARNING: 'warn', ERROR: 'error' };

export interface LoggerOptions {
  name: string;
  level?: LogLevel;
  format?: LogFormat;
  /** Log file, which gets every line; none when undefined or `-` (stdout then gets every line). */
  file?: string;
  /** What stdout gets when there is a log file (default events: every line but the per-request ones). */
  stdout?: LogStdout;
  /** Write here instead (tests); records are the raw pino JSON lines. */
  destination?: DestinationStream;
}

/** A pino logger that writes to the log file and stdout, buffered and asynchronously (lineDestination). */
export function createLogger(options: LoggerOptions): Logger {
  const level = PINO_LEVELS[options.level ?? 'INFO'];
  return pino({ name: options.name, level, base: undefined }, options.destination ?? logDestination(options));
}

/** Where a program's lines go: the log file takes every line; stdout what --log-stdout says, or every line when it is the only target. */
export function logDestination(options: Pick<LoggerOptions, 'file' | 'format' | 'stdout'>): LineDestination {
  return lineDestination({ targets: logTargets(options), format: options.format ?? 'text' });
}

function logTargets(options: Pick<LoggerOptions, 'file' | 'stdout'>): LineTarget[] {
  if (!options.file || options.file === NO_LOG_FILE) return [{ dest: 1, requests: true }];
  const file = { dest: path.resolve(options.file), requests: true };
  const stdout = options.stdout ?? 'events';
  return stdout === 'none' ? [file] : [file, { dest: 1, requests: stdout === 'all' }];
}

/** A logger that drops everything, for code paths that need one but have nothing to say (unit tests). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
