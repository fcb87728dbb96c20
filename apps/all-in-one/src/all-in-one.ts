import http from 'node:http';
import { Registry } from 'prom-client';
import { CdnConfig, InProcessBus, listen, Logger, registerProcessMetrics, StartupGate } from '@cdn/shared';
import { createAdminListener, createClientListener } from './listeners';
import { clientPortHandler, warnOfOpenAdminApi } from './client-port';
import { startEmbeddedControlPlane } from './embedded-control-plane';
import { createEmbeddedEdge } from './embedded-edge';

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
  const server = createClientListener(config, gate, logger, registry);
  await listen(server, config.host, config.port);
  const adminGate = new StartupGate();
  const adminServer = createAdminListener(config, adminGate, logger, registry);

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
        parts.controlPlane.endStreams();
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
  registerProcessMetrics(registry);
  const bus = new InProcessBus();

  const controlPlane = await startEmbeddedControlPlane(config, logger, bus, registry);
  const edgeSource = bus.source();
  const edge = createEmbeddedEdge(config, logger, { source: edgeSource, events: bus.events, cacheCommands: bus.cacheCommands, nodeLoads: bus.nodeLoads }, registry);
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
