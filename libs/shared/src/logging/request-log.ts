import pino, { type Logger } from 'pino';
import { isLineDestination } from './line-destination';
import type { JsonMembers } from './log-line';

/** Where the lines logged once per request go (the access line, "Forwarding ..."), at INFO. */
export interface RequestLog {
  /** True when lines are JSON (--log-format json): only then are a line's fields worth making. */
  readonly json: boolean;
  /** One line: `message` as it is in the text format; in JSON, `msg` followed by `fields` (JSON members, no braces). */
  info(message: string, fields?: JsonMembers): void;
}

const DROPPED: RequestLog = { json: false, info: () => undefined };

/**
 * The request log of a logger: straight to its line destination when it has one (no pino record, no JSON round
 * trip: these are most of a busy edge's lines), else through the logger itself (tests' destinations).
 * The level is read once: it is fixed for a program's life.
 */
export function requestLogOf(logger: Logger): RequestLog {
  if (!logger.isLevelEnabled('info')) return DROPPED;
  const stream = (logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym];
  const name = (logger.bindings() as { name?: string }).name ?? 'cdn';
  if (isLineDestination(stream)) return { json: stream.format === 'json', info: (message, fields) => stream.writeRequestLine(name, message, fields) };
  return { json: false, info: (message) => logger.info(message) };
}
