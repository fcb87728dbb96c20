/**
 * The standalone edge (`npm run start:edge -- --nats-url nats://...`): listens at once, then follows the routing
 * table the control plane publishes on NATS and reports back over it. Holds no state of its own.
 */
import http from 'node:http';
import os from 'node:os';
import { collectDefaultMetrics, Registry } from 'prom-client';
import {
  CacheCommand,
  connectNats,
  createLogger,
  createNatsCacheCommandBus,
  createNatsEdgeEventPublisher,
  createNatsNodeLoadBus,
  createNatsRoutingSource,
  loadConfigOrExit,
  NodeLoads,
} from '@cdn/shared';
import { createLateBoundBroadcast, createLateBoundPublisher, createLateBoundSource } from './bus/late-bound';
import { createEdgeProxy } from './edge-proxy';

const NAME = 'cdn-edge';
/** In-flight downloads get this long to finish on shutdown before their connections are cut. */
const SHUTDOWN_GRACE_MS = 5_000;

type NatsConnection = Awaited<ReturnType<typeof connectNats>>;

async function main(): Promise<void> {
  const config = loadConfigOrExit({
    name: NAME,
    description: 'CDN edge proxy: routes /cdn/* to CDN nodes by the routing table published on NATS, with a memory cache.',
    version: '1.0.0',
    options: ['host', 'port', 'cacheTime', 'cacheEnabled', 'logLevel', 'logFile', 'logFormat', 'natsUrl', 'edgeId', 'upstreamTimeout', 'cacheMaxBytes', 'cacheMaxObject', 'cacheRedisUrl', 'staleIfError', 'cacheSortQuery', 'cacheSetCookie', 'warmConcurrency', 'lbStrategy', 'retries', 'panicRouting'],
  });
  if (!config.natsUrl) {
    process.stderr.write(`${NAME}: error: --nats-url is required for the standalone edge (e.g. --nats-url nats://127.0.0.1:4222; or set CDN_NATS_URL)\nTry '${NAME} --help'.\n`);
    process.exit(2);
  }
  const natsUrl = config.natsUrl;
  const edgeId = config.edgeId ?? `${os.hostname()}-${process.pid}`;
  const logger = createLogger({ name: 'edge-proxy', level: config.logLevel, format: config.logFormat, file: config.logFile });
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const source = createLateBoundSource();
  const events = createLateBoundPublisher();
  const cacheCommands = createLateBoundBroadcast<CacheCommand>();
  const nodeLoads = createLateBoundBroadcast<NodeLoads>();
  const edge = createEdgeProxy({ config, logger, source, events, cacheCommands, nodeLoads, edgeId, registry });

  // Large uploads may take longer than Node's default 5-minute request timeout; headersTimeout still bounds slow headers.
  const server = http.createServer({ requestTimeout: 0 }, edge.handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  logger.info(`Edge ${edgeId} listening on http://${config.host}:${config.port}`);
  await edge.start();

  let nc: NatsConnection | undefined;
  let stopping = false;
  // connectNats retries forever; until it succeeds /cdn answers not_ready and /readyz says so.
  connectNats({ servers: natsUrl, name: `cdn-edge-${edgeId}`, logger })
    .then(async (connection) => {
      if (stopping) return void (await connection.close());
      nc = connection;
      events.attach(createNatsEdgeEventPublisher({ nc: connection, logger }));
      cacheCommands.attach(createNatsCacheCommandBus({ nc: connection, logger }));
      nodeLoads.attach(createNatsNodeLoadBus({ nc: connection, logger }));
      await source.attach(createNatsRoutingSource({ nc: connection, logger }));
    })
    .catch((err: unknown) => logger.error({ err }, 'Could not follow the routing table on NATS'));

  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info(`Received ${signal}, shutting down edge ${edgeId}`);
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const grace = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
    await closed;
    clearTimeout(grace);
    await edge.close();
    await source.close();
    await events.close();
    await cacheCommands.close();
    await nodeLoads.close();
    await nc?.drain().catch((err: unknown) => logger.warn({ err }, 'NATS drain failed'));
    logger.info(`Edge ${edgeId} stopped`);
    await new Promise<void>((resolve) => logger.flush(() => resolve()));
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      stop(signal).then(
        () => process.exit(0),
        (err: unknown) => {
          process.stderr.write(`${NAME}: shutdown failed: ${err instanceof Error ? err.stack : String(err)}\n`);
          process.exit(1);
        },
      );
    });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${NAME}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
