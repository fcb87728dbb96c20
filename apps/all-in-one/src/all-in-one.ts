import http from 'node:http';
import os from 'node:os';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { CdnConfig, createHardenedServer, InProcessBus, listen, listenerLimits, listenerMetrics, Logger, StartupGate } from '@cdn/shared';
import { createControlPlane } from '@cdn/control-plane';
import { createEdgeProxy } from '@cdn/edge-proxy';

export interface AllInOneServer {
  server: http.Server;
  logger: Logger;
  close(): Promise<void>;
}

/** Client traffic goes to the edge; everything else is the admin API. */
export function isEdgePath(url: string | undefined): boolean {
  return url !== undefined && (url.startsWith('/cdn/') || url === '/cdn' || url.startsWith('/cdn?'));
}

/**
 * Starts the control plane and the edge behind one listener. The port is taken first, so that a port in
 * use stops the start before anything touches saved state (--reset-config).
 */
export async function startAllInOne(config: CdnConfig, logger: Logger): Promise<AllInOneServer> {
  const gate = new StartupGate();
  const registry = new Registry();
  // The one port is the edge's client port first: its connections count under cdn_edge_.
  const server = createHardenedServer(gate.listener, { limits: listenerLimits(config), logger, metrics: listenerMetrics(registry, 'cdn_edge_') });
  await listen(server, config.host, config.port);

  try {
    const parts = await startParts(config, logger, registry);
    gate.open((req, res) => (isEdgePath(req.url) ? parts.edge.handle(req, res) : parts.controlPlane.handler(req, res)));
    logger.info(`CDN server listening on http://${config.host}:${config.port} (control plane and edge in one process)`);
    return {
      server,
      logger,
      async close() {
        server.close();
        server.closeIdleConnections();
        await parts.close();
        logger.info('CDN server stopped');
      },
    };
  } catch (err) {
    server.close();
    throw err;
  }
}

async function startParts(config: CdnConfig, logger: Logger, registry: Registry) {
  collectDefaultMetrics({ register: registry });
  const bus = new InProcessBus();

  const controlPlane = await createControlPlane({
    config,
    logger: logger.child({ name: 'control-plane' }),
    store: bus.store,
    source: bus.source(),
    transport: { kind: 'in-process', bus },
    cacheCommands: bus.cacheCommands,
    nodeLoads: bus.nodeLoads,
    registry,
  });
  const edgeSource = bus.source();
  const edge = createEdgeProxy({
    // The control plane owns the cache switch (--disable-cache, toggle_cache); the edge follows its table.
    config: { ...config, cacheEnabled: true },
    logger: logger.child({ name: 'edge-proxy' }),
    source: edgeSource,
    events: bus.events,
    cacheCommands: bus.cacheCommands,
    nodeLoads: bus.nodeLoads,
    edgeId: config.edgeId ?? `${os.hostname()}-embedded`,
    registry,
  });
  await edge.start();
  return {
    controlPlane,
    edge,
    async close() {
      await edge.close();
      await edgeSource.close();
      await controlPlane.close();
    },
  };
}
