import http from 'node:http';
import os from 'node:os';
import { once } from 'node:events';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { CdnConfig, createLogger, InProcessBus, Logger } from '@cdn/shared';
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

export async function startAllInOne(config: CdnConfig): Promise<AllInOneServer> {
  const logger = createLogger({ name: 'cdn', level: config.logLevel, format: config.logFormat, file: config.logFile });
  const registry = new Registry();
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

  // No whole-request deadline: uploads of any size stream through; headersTimeout still guards slow clients.
  const server = http.createServer({ requestTimeout: 0 }, (req, res) => (isEdgePath(req.url) ? edge.handle(req, res) : controlPlane.handler(req, res)));
  server.listen(config.port, config.host);
  await once(server, 'listening');
  logger.info(`CDN server listening on http://${config.host}:${config.port} (control plane and edge in one process)`);

  return {
    server,
    logger,
    async close() {
      server.close();
      server.closeIdleConnections();
      await edge.close();
      await edgeSource.close();
      await controlPlane.close();
      logger.info('CDN server stopped');
      await new Promise<void>((resolve) => logger.flush(() => resolve()));
    },
  };
}
