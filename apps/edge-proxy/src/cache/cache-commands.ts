import { type CacheCommand, type CacheReceipt, type LoadOf, type Logger, normalizeCdnTarget } from '@cdn/shared';
import type { EdgeMetrics } from '../observability/edge-metrics';
import { AppliedOperations } from './applied-operations';
import type { RoutingState } from '../routing/routing-state';
import type { BackgroundFill } from './background-fill';
import { primaryKey } from './http-semantics';
import type { TieredCache } from './store/tiered-cache';

export interface CacheCommandHandlerOptions {
  edgeId: string;
  cache: TieredCache;
  /** Fetches a URL into the cache with no client waiting. */
  backgroundFill: BackgroundFill;
  sortQuery: boolean;
  /** Cache-warming requests in flight per node. */
  warmConcurrency: number;
  routing: () => RoutingState | undefined;
  sendReceipt: (receipt: CacheReceipt) => void;
  /** Sends a command to every edge (this one included). */
  broadcast: (command: CacheCommand) => void;
  metrics: EdgeMetrics;
  logger: Logger;
  now: () => number;
  random: () => number;
  loadOf: LoadOf;
}

/**
 * Carries out the cache commands every edge receives: purges (this edge's memory tier, and the shared tier
 * when it is the edge named for it), warming, and invalidations from other edges. Purges and warms end
 * with a receipt to the control plane; each is carried out once, and every copy the control plane sends
 * again (it re-sends until it has the receipt) gets the same receipt.
 */
export function createCacheCommandHandler(options: CacheCommandHandlerOptions): (command: CacheCommand) => void {
  const { edgeId, cache, logger, metrics, now } = options;
  const applied = new AppliedOperations();
  // Targets in the normal form client requests are keyed by, whatever spelling the command came in (the
  // control plane normalises too; an older one, or another edge, may not have).
  const normal = (target: string) => normalizeCdnTarget(target) ?? target;
  const key = (target: string) => primaryKey(normal(target), { sortQuery: options.sortQuery });
  const matchOf = (command: { urls: string[]; prefixes: string[]; tags: string[] }) => ({ urls: command.urls.map(key), prefixes: command.prefixes.map(normal), tags: command.tags });

  async function purge(command: Extract<CacheCommand, { type: 'purge' }>): Promise<CacheReceipt> {
    const match = matchOf(command);
    const errors: string[] = [];
    let affected = cache.purgeMemory(match, command.soft, now());
    if (command.sharedTierBy === edgeId && cache.shared) {
      try {
        affected += await cache.purgeShared(match, command.soft, now());
      } catch (err) {
        errors.push(`shared tier not purged: ${(err as Error).message}`);
      }
      // Edges may have refilled their memory from the shared tier while it was being purged.
      const { urls, prefixes, tags, soft, operationId } = command;
      options.broadcast({ type: 'sweep', operationId, urls, prefixes, tags, soft, fromEdge: edgeId, issuedAt: now() });
    }
    metrics.purgedEntries.inc(affected);
    logger.info(`Cache purge ${command.operationId}: ${affected} entries ${command.soft ? 'marked stale' : 'removed'}${errors.length ? `; ${errors.join('; ')}` : ''}`);
    return { operationId: command.operationId, edgeId, applied: true, entriesAffected: affected, errors, finishedAt: now() };
  }

  async function warm(command: Extract<CacheCommand, { type: 'warm' }>): Promise<CacheReceipt> {
    const state = options.routing();
    const receipt = (entriesAffected: number, errors: string[], applied = true): CacheReceipt => ({ operationId: command.operationId, edgeId, applied, entriesAffected, errors, finishedAt: now() });
    if (state === undefined) return receipt(0, ['no routing table yet'], false);
    const errors: string[] = [];
    let warmed = 0;
    // One queue per node, each drained by at most warmConcurrency workers, so warming cannot flatten an origin.
    const queues = new Map<string, string[]>();
    const random = options.random;
    for (const target of command.urls.map(normal)) {
      const node = state.balancer.pick({ key: key(target), clientLocation: undefined }, options.loadOf, random);
      if (node === undefined) {
        errors.push(`GET ${target}: no active node`);
        continue;
      }
      const queue = queues.get(node.id) ?? [];
      queue.push(target);
      queues.set(node.id, queue);
    }
    const worker = async (nodeId: string, queue: string[]) => {
      for (let target = queue.shift(); target !== undefined; target = queue.shift()) {
        try {
          const result = await options.backgroundFill({ state, target, primary: key(target), requestHeaders: {}, nodeId });
          if (result === 'stored' || result === 'refreshed') warmed += 1;
          else errors.push(`GET ${target}: the answer may not be cached`);
          metrics.warmFetches.inc({ result });
        } catch (err) {
          metrics.warmFetches.inc({ result: 'error' });
          errors.push(`GET ${target}: ${(err as Error).message}`);
        }
      }
    };
    const workers: Promise<void>[] = [];
    for (const [nodeId, queue] of queues) {
      for (let i = 0; i < Math.min(options.warmConcurrency, queue.length); i++) workers.push(worker(nodeId, queue));
    }
    await Promise.all(workers);
    logger.info(`Cache warm ${command.operationId}: ${warmed} of ${command.urls.length} URLs cached${errors.length ? `, ${errors.length} failed` : ''}`);
    return receipt(warmed, errors);
  }

  return (command) => {
    if (command.type === 'invalidate') {
      if (command.fromEdge === edgeId) return;
      const count = cache.memory.deletePrimaries(command.targets);
      metrics.invalidations.inc({ source: 'remote' });
      logger.debug(`Invalidated ${command.targets.join(' ')} at the request of edge ${command.fromEdge} (${count} entries)`);
      return;
    }
    if (command.type === 'sweep') {
      const count = cache.purgeMemory(matchOf(command), command.soft, now());
      logger.debug(`Cache purge ${command.operationId}: second sweep of memory after the shared tier was purged (${count} entries)`);
      return;
    }
    // A re-send names the edges that have not answered; the others already did.
    if (command.edges && !command.edges.includes(edgeId)) return;
    const known = applied.get(command.operationId);
    if (known !== undefined) {
      metrics.commandRepeats.inc({ type: command.type, result: known === 'running' ? 'running' : 'answered_again' });
      logger.debug(`Cache ${command.type} ${command.operationId} received again: ${known === 'running' ? 'still being carried out' : 'sending the same receipt again'}`);
      if (known !== 'running') options.sendReceipt(known);
      return;
    }
    applied.started(command.operationId);
    const run = command.type === 'purge' ? purge(command) : warm(command);
    const answer = (receipt: CacheReceipt) => {
      applied.finished(receipt);
      options.sendReceipt(receipt);
    };
    run.then(answer, (err: unknown) => {
      logger.error({ err }, `Cache ${command.type} ${command.operationId} failed`);
      answer({ operationId: command.operationId, edgeId, applied: false, entriesAffected: 0, errors: [(err as Error).message], finishedAt: now() });
    });
  };
}
