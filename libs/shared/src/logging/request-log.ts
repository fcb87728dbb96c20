import pino, { type Logger } from 'pino';
import { isLineDestination } from './line-destination';

/** Where the lines logged once per request go (the access line, "Forwarding ..."), at INFO. */
export interface RequestLog {
  info(message: string): void;
}

const DROPPED: RequestLog = { info: () => undefined };

/**
 * The request log of a logger: straight to its line destination when it has one (no pino record, no JSON round
 * trip: these are most of a busy edge's lines), else through the logger itself (tests' destinations).
 * The level is read once: it is fixed for a program's life.
 */
export function requestLogOf(logger: Logger): RequestLog {
  if (!logger.isLevelEnabled('info')) return DROPPED;
  const stream = (logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym];
  const name = (logger.bindings() as { name?: string }).name ?? 'cdn';
  if (isLineDestination(stream)) return { info: (message) => stream.writeRequestLine(name, message) };
  return { info: (message) => logger.info(message) };
}
