import type { Logger } from '@cdn/shared';
import type { EdgeMetrics } from '../observability/edge-metrics';
import type { StorageObserver } from './http-semantics';

/** Counts the storage decisions worth watching, with a DEBUG line each (misses only: never on a hit). */
export function storageObserver(metrics: EdgeMetrics, logger: Logger): StorageObserver {
  return {
    targeted(field) {
      metrics.targetedDirectives.inc({ field });
      logger.debug(`Caching decided by ${field}; Cache-Control and Expires ignored (RFC 9213)`);
    },
    heuristic(seconds) {
      metrics.heuristicFreshness.inc();
      logger.debug(`Heuristic freshness of ${seconds} s from Last-Modified (RFC 9111 §4.2.2)`);
    },
  };
}
