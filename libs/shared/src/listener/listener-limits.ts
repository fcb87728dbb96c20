import type { CdnConfig } from '../config/options';
import { openFileLimit, type OpenFileLimit } from './open-file-limit';

/** How long clients may take and how many may be connected at once, on one listener. */
export interface ListenerLimits {
  /** A request's line and headers must arrive within this time of its first byte (or of the connection). */
  headerTimeoutMs: number;
  /** A connection on which the kernel neither receives nor accepts a byte for this long is closed. */
  idleTimeoutMs: number;
  /** An idle keep-alive connection (between requests) is closed after this long. */
  keepAliveTimeoutMs: number;
  /** Client connections at once; a new one past it takes the place of a silent one, or is closed. */
  maxConnections: number;
  /** Largest request head (line and headers) in bytes; larger gets 431. */
  maxHeaderSize: number;
  /** Where maxConnections came from, for the start-up line. */
  maxConnectionsFrom: string;
}

export type ListenerConfig = Pick<CdnConfig, 'headerTimeout' | 'idleTimeout' | 'keepAliveTimeout' | 'maxConnections' | 'maxHeaderSize'>;

/**
 * The limits the options ask for. `--max-connections 0` is half the soft open-file limit: the other half
 * stays free for what serving a client needs besides its socket (the connection to a node, Redis, NATS,
 * the log), so a flood of clients cannot starve the requests already accepted.
 */
export function listenerLimits(config: ListenerConfig, files: OpenFileLimit = openFileLimit()): ListenerLimits {
  const fromFiles = Math.max(1, Math.floor(Math.min(files.soft, 2 ** 31) / 2));
  const maxConnectionsFrom =
    config.maxConnections > 0
      ? '--max-connections'
      : files.source === 'proc'
        ? `half the open-file limit of ${files.soft}`
        : `half an assumed open-file limit of ${files.soft} (/proc/self/limits unreadable)`;
  return {
    headerTimeoutMs: config.headerTimeout * 1000,
    idleTimeoutMs: config.idleTimeout * 1000,
    keepAliveTimeoutMs: config.keepAliveTimeout * 1000,
    maxConnections: config.maxConnections > 0 ? config.maxConnections : fromFiles,
    maxHeaderSize: config.maxHeaderSize,
    maxConnectionsFrom,
  };
}
