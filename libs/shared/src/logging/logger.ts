import path from 'node:path';
import pino, { DestinationStream, Logger } from 'pino';
import { NO_LOG_FILE } from '../config/option-parsers';
import type { LogFormat, LogLevel } from '../config/options';
import { lineDestination, type LineDestination } from './line-destination';

export type { Logger } from 'pino';

const PINO_LEVELS: Record<LogLevel, pino.Level> = { DEBUG: 'debug', INFO: 'info', WARNING: 'warn', ERROR: 'error' };

export interface LoggerOptions {
  name: string;
  level?: LogLevel;
  format?: LogFormat;
  /** Log file appended to besides stdout; none when undefined or `-`. */
  file?: string;
  /** Write here instead (tests); records are the raw pino JSON lines. */
  destination?: DestinationStream;
}

/** A pino logger that writes to stdout and the log file, buffered and asynchronously (lineDestination). */
export function createLogger(options: LoggerOptions): Logger {
  const level = PINO_LEVELS[options.level ?? 'INFO'];
  return pino({ name: options.name, level, base: undefined }, options.destination ?? logDestination(options));
}

/** stdout, and the log file unless there is none. */
export function logDestination(options: Pick<LoggerOptions, 'file' | 'format'>): LineDestination {
  const targets: (number | string)[] = [1];
  if (options.file && options.file !== NO_LOG_FILE) targets.push(path.resolve(options.file));
  return lineDestination({ targets, format: options.format ?? 'text' });
}

/** A logger that drops everything, for code paths that need one but have nothing to say (unit tests). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
