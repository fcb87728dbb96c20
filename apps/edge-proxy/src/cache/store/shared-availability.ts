import type { Logger } from 'pino';

/**
 * Whether the shared tier is worth asking. It logs each outage episode once: one line when it begins (a WARNING
 * when Redis, or part of a cluster, goes away), one INFO line with its length when every part is back, however many
 * calls fail and however the outage changes in between (those changes go to DEBUG). A refusal (wrong password,
 * untrusted certificate, the wrong kind of Redis) is an ERROR instead: no retry will fix it.
 */
export interface SharedAvailability {
  /** True when every part of Redis answers, or some do (a cluster with a master lost: the tier asks per key). */
  readonly available: boolean;
  /** Nothing answers. */
  markDown(reason: string): void;
  /** Some of a cluster's masters answer, others do not (`reason` names them). */
  markPartial(reason: string): void;
  /** Redis refuses us; `message` names the flag to fix (see redisRefusal). */
  markRefused(message: string): void;
  markUp(): void;
}

type State = 'starting' | 'up' | 'partial' | 'down' | 'refused';

/** `where` is the --cache-redis-url as it may be logged (its password redacted); `now` is the clock in ms. */
export function createSharedAvailability(logger: Logger, where: string, now: () => number = Date.now): SharedAvailability {
  let state: State = 'starting';
  /** When the current outage began. */
  let since: number | undefined;
  const begin = (next: State) => {
    state = next;
    since ??= now();
  };
  return {
    get available() {
      return state === 'up' || state === 'partial';
    },
    markDown(reason) {
      if (state === 'down' || state === 'refused') return;
      if (state === 'partial') {
        state = 'down';
        return logger.debug(`Shared cache now wholly unavailable: ${reason}`);
      }
      begin('down');
      logger.warn(`Shared cache unavailable: ${reason}; serving from nodes`);
    },
    markPartial(reason) {
      if (state === 'partial' || state === 'refused') return;
      if (state === 'down') {
        state = 'partial';
        return logger.debug(`Shared cache partly available again: ${reason}`);
      }
      begin('partial');
      logger.warn(`Shared cache partly unavailable: ${reason}; the keys there are served from nodes`);
    },
    markRefused(message) {
      if (state === 'refused') return;
      begin('refused');
      logger.error(`Shared cache unavailable: ${message}; serving from nodes`);
    },
    markUp() {
      if (state === 'up') return;
      const previous = state;
      state = 'up';
      if (previous === 'starting') return logger.info(`Shared cache connected to ${where}`);
      const seconds = since === undefined ? undefined : ((now() - since) / 1000).toFixed(1);
      since = undefined;
      logger.info(`Shared cache available again at ${where}${seconds === undefined ? '' : ` after ${seconds} s`}`);
    },
  };
}
