/**
 * The standalone control plane: `npm run start:control-plane -- --nats-url nats://127.0.0.1:4222 [flags]`.
 * Publishes routing to NATS (JetStream KV) and hears edge reports on NATS.
 */
import http from 'node:http';
import {
  connectNats,
  createLogger,
  createNatsCacheCommandBus,
  createNatsNodeLoadBus,
  createNatsRoutingSource,
  createNatsRoutingStore,
  loadConfigOrExit,
} from '@cdn/shared';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { createControlPlane } from './control-plane';

const PROGRAM = 'cdn-control-plane';

async function main(): Promise<void> {
  const config = loadConfigOrExit({
    name: PROGRAM,
    description: 'CDN control plane: node registration, health and the routing table published to edges over NATS',
    version: '1.0.0',
    options: [
      'host', 'port', 'nodeTimeout', 'healthInterval', 'cacheTime', 'cacheEnabled', 'logLevel', 'logFile', 'logFormat', 'resetConfig', 'nodesFile', 'natsUrl',
      'healthPath', 'healthyThreshold', 'unhealthyThreshold', 'probeTimeout', 'alertWebhooks',
    ],
  });
  if (!config.natsUrl) {
    process.stderr.write(`${PROGRAM}: error: --nats-url is required (or CDN_NATS_URL), e.g. --nats-url nats://127.0.0.1:4222\nTry '${PROGRAM} --help'.\n`);
    process.exit(2);
  }

  const logger = createLogger({ name: 'control-plane', level: config.logLevel, format: config.logFormat, file: config.logFile });
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'cdn_cp_' });

  const nc = await connectNats({ servers: config.natsUrl, name: PROGRAM, logger });
  const store = createNatsRoutingStore({ nc, logger });
  const source = createNatsRoutingSource({ nc, logger });
  const cacheCommands = createNatsCacheCommandBus({ nc, logger });
  const nodeLoads = createNatsNodeLoadBus({ nc, logger });
  const cp = await createControlPlane({ config, logger, store, source, cacheCommands, nodeLoads, registry, transport: { kind: 'nats', servers: config.natsUrl } });

  const server = http.createServer(cp.handler);
  server.on('error', (err) => {
    logger.error({ err }, `Cannot listen on ${config.host}:${config.port}`);
    logger.flush();
    process.exit(1);
  });
  server.listen(config.port, config.host, () => logger.info(`Control plane listening on http://${config.host}:${config.port}`));

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal} received: shutting down`);
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    // Keep-alive clients that never go idle must not hold the shutdown forever.
    setTimeout(() => server.closeAllConnections(), 5_000).unref();
    await closed;
    try {
      await cp.close();
      await cacheCommands.close();
      await nodeLoads.close();
      await source.close();
      await store.close();
    } catch (err) {
      logger.error({ err }, 'Error during shutdown');
    }
    // Draining needs the server; when NATS is unreachable there is nothing left to deliver anyway.
    await nc.drain().catch(async (err: unknown) => {
      logger.warn({ err }, 'Could not drain the NATS connection; closing it');
      await nc.close().catch(() => undefined);
    });
    logger.info('Control plane stopped');
    logger.flush(() => process.exit(0));
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`${PROGRAM}: fatal: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
