import type { Logger } from 'pino';

/**
 * Whether the shared tier is worth asking. It logs only transitions: one warning when Redis goes away, one line
 * when it is back, however many calls fail in between.
 */
export interface SharedAvailability {
  readonly available: boolean;
  markDown(reason: string): void;
  markUp(): void;
}

export function createSharedAvailability(logger: Logger, where: string): SharedAvailability {
  let state: 'starting' | 'up' | 'down' = 'starting';
  return {
    get available() {
      return state === 'up';
    },
    markDown(reason) {
      if (state === 'down') return;
      state = 'down';
      logger.warn(`Shared cache unavailable: ${reason}; serving from nodes`);
    },
    markUp() {
      if (state === 'up') return;
      const previous = state;
      state = 'up';
      logger.info(previous === 'starting' ? `Shared cache connected to ${where}` : `Shared cache available again at ${where}`);
    },
  };
}
