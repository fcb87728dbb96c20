import type { Logger } from 'pino';

/**
 * Whether the shared tier is worth asking. It logs only transitions: one warning when Redis goes away, one line
 * when it is back, however many calls fail in between. A refusal (wrong password, untrusted certificate) is an
 * ERROR instead: no retry will fix it.
 */
export interface SharedAvailability {
  readonly available: boolean;
  markDown(reason: string): void;
  /** Redis refuses us; `message` names the flag to fix (see redisRefusal). */
  markRefused(message: string): void;
  markUp(): void;
}

/** `where` is the --cache-redis-url as it may be logged (its password redacted). */
export function createSharedAvailability(logger: Logger, where: string): SharedAvailability {
  let state: 'starting' | 'up' | 'down' | 'refused' = 'starting';
  return {
    get available() {
      return state === 'up';
    },
    markDown(reason) {
      if (state === 'down' || state === 'refused') return;
      state = 'down';
      logger.warn(`Shared cache unavailable: ${reason}; serving from nodes`);
    },
    markRefused(message) {
      if (state === 'refused') return;
      state = 'refused';
      logger.error(`Shared cache unavailable: ${message}; serving from nodes`);
    },
    markUp() {
      if (state === 'up') return;
      const previous = state;
      state = 'up';
      logger.info(previous === 'starting' ? `Shared cache connected to ${where}` : `Shared cache available again at ${where}`);
    },
  };
}
