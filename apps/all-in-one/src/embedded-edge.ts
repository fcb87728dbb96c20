import os from 'node:os';
import type { Registry } from 'prom-client';
import { createEdgeProxy, type EdgeProxy } from '@cdn/edge-proxy';
import { workerEdgeId, type CacheCommandBus, type CdnConfig, type EdgeEventPublisher, type Logger, type NodeLoadBus, type RoutingSource } from '@cdn/shared';

/** The bus an embedded edge follows: the in-process bus, or in a --workers worker its IPC relay. */
export interface EmbeddedEdgeBus {
  source: RoutingSource;
  events: EdgeEventPublisher;
  cacheCommands: CacheCommandBus;
  nodeLoads: NodeLoadBus;
}

/** The all-in-one's edge, named `<hostname>-embedded` unless --edge-id says; a --workers worker adds its `slot`. */
export function createEmbeddedEdge(config: CdnConfig, logger: Logger, bus: EmbeddedEdgeBus, registry: Registry, slot?: number): EdgeProxy {
  return createEdgeProxy({
    // The control plane owns the cache switch (--disable-cache, toggle_cache); the edge follows its table.
    config: { ...config, cacheEnabled: true },
    logger: logger.child({ name: 'edge-proxy' }),
    source: bus.source,
    events: bus.events,
    cacheCommands: bus.cacheCommands,
    nodeLoads: bus.nodeLoads,
    edgeId: workerEdgeId(config.edgeId ?? `${os.hostname()}-embedded`, slot),
    registry,
    // The primary sums its workers' gauges, and every worker sees the same Redis: one reports its size.
    reportsSharedSize: slot === undefined || slot === 1,
  });
}
