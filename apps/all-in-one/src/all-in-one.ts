import http from 'node:http';
import os from 'node:os';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { CdnConfig, createHardenedServer, InProcessBus, listen, listenerLimits, listenerMetrics, Logger, StartupGate } from '@cdn/shared';
import { createEdgeProxy } from '@cdn/edge-proxy';
import { clientPortHandler, warnOfOpenAdminApi } from './client-port';
import { startEmbeddedControlPlane } from './embedded-control-plane';

export interface AllInOneServer {
  server: http.Server;
  /** The admin listener, with --admin-port. */
  adminServer: http.Server | undefined;
  logger: Logger;
  close(): Promise<void>;
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
  const adminGate = new StartupGate();
  const adminServer =
    config.adminPort === undefined ? undefined : createHardenedServer(adminGate.listener, { limits: listenerLimits(config), logger, metrics: listenerMetrics(registry, 'cdn_cp_'), listener: 'admin' });

  try {
    if (adminServer) await listen(adminServer, config.adminHost, config.adminPort!, { host: '--admin-host', port: '--admin-port' });
    const parts = await startParts(config, logger, registry);
    gate.open(clientPortHandler(config, parts.edge, parts.controlPlane.handler));
    adminGate.open(parts.controlPlane.handler);
    logger.info(
      adminServer
        ? `CDN server listening on http://${config.host}:${config.port} (/cdn), admin API on http://${config.adminHost}:${config.adminPort}`
        : `CDN server listening on http://${config.host}:${config.port} (control plane and edge in one process)`,
    );
    warnOfOpenAdminApi(config, logger);
    return {
      server,
      adminServer,
      logger,
      async close() {
        server.close();
        server.closeIdleConnections();
        adminServer?.close();
        adminServer?.closeAllConnections();
        await parts.close();
        logger.info('CDN server stopped');
      },
    };
  } catch (err) {
    server.close();
    adminServer?.close();
    throw err;
  }
}

async function startParts(config: CdnConfig, logger: Logger, registry: Registry) {
  collectDefaultMetrics({ register: registry });
  const bus = new InProcessBus();

  const controlPlane = await startEmbeddedControlPlane(config, logger, bus, registry);
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
