/**
 * The standalone edge (`npm run start:edge -- --nats-url nats://...`): listens at once, then follows the routing
 * table the control plane publishes on NATS and reports back over it. Its only state is optional: with
 * --state-dir it keeps the last applied table and starts from it while NATS cannot be reached.
 */
import cluster from 'node:cluster';
import os from 'node:os';
import { collectDefaultMetrics } from 'prom-client';
import {
  BusConnection,
  CacheCommand,
  CdnConfig,
  checkOptionsOrExit,
  closeGracefully,
  connectNats,
  countNatsProblems,
  createHardenedServer,
  createNatsCacheCommandBus,
  createNatsEdgeEventPublisher,
  createNatsNodeLoadBus,
  createNatsRoutingSource,
  exitOnSignals,
  exitOnStartupFailure,
  listen,
  listenerLimits,
  listenerMetrics,
  loadConfigOrExit,
  Logger,
  NatsCredentials,
  NodeLoads,
  programInfo,
  readNatsCredentials,
  redactUrl,
  ROUTING_BUCKET,
  servingProcess,
  ServingProcess,
  watchNatsConnection,
  workerEdgeId,
} from '@cdn/shared';
import { COUNTED_MESSAGES } from './http/counted-messages';
import { createLateBoundBroadcast, createLateBoundPublisher, createLateBoundSource } from './bus/late-bound';
import { createEdgeProxy } from './edge-proxy';
import { openStateDir } from './state/state-dir';
import { runEdgePrimary } from './workers/edge-primary';

type NatsConnection = Awaited<ReturnType<typeof connectNats>>;

async function main(): Promise<void> {
  const info = programInfo('edge');
  const config = loadConfigOrExit(info);
  if (!config.natsUrl) {
    process.stderr.write(`${info.name}: error: --nats-url is required for the standalone edge (e.g. --nats-url nats://127.0.0.1:4222; or set CDN_NATS_URL)\nTry '${info.name} --help'.\n`);
    process.exit(2);
  }
  // Secret files and certificates are read once, now; options that do not fit together are a usage error.
  const credentials = checkOptionsOrExit(info, () => readNatsCredentials(config));
  if (config.workers > 1 && cluster.isPrimary) return runEdgePrimary(info, config);
  let logger: Logger | undefined;
  try {
    const serving = servingProcess('edge-proxy', config);
    logger = serving.logger;
    await run(config, config.natsUrl, credentials, serving);
  } catch (err) {
    await exitOnStartupFailure(info.name, err, logger);
  }
}

async function run(config: CdnConfig, natsUrl: string, credentials: NatsCredentials, serving: ServingProcess): Promise<void> {
  const { logger, registry, slot } = serving;
  // A worker is an edge of its own (its own memory cache, its own receipts), named after its primary's edge id.
  const edgeId = workerEdgeId(config.edgeId ?? `${os.hostname()}-${slot === undefined ? process.pid : process.ppid}`, slot);
  collectDefaultMetrics({ register: registry });
  // --state-dir has one writer: the first worker. Every worker starts from what it holds.
  const writesState = slot === undefined || slot === 1;
  // Before listening: a --state-dir that cannot be written stops the start with one line naming it.
  const stateDir = config.stateDir === undefined ? undefined : openStateDir({ dir: config.stateDir, edgeId, logger, registry, writes: writesState });
  const natsAt = `NATS at ${redactUrl(natsUrl)}`;
  let bus: BusConnection | undefined;
  const waitingFor = () => (bus?.connected() ? `the routing bucket ${ROUTING_BUCKET} on ${natsAt}` : natsAt);

  const source = createLateBoundSource();
  const events = createLateBoundPublisher();
  const cacheCommands = createLateBoundBroadcast<CacheCommand>();
  const nodeLoads = createLateBoundBroadcast<NodeLoads>();
  const edge = createEdgeProxy({
    config,
    logger,
    source,
    events,
    cacheCommands,
    nodeLoads,
    edgeId,
    registry,
    savedTable: stateDir?.saved,
    onTableApplied: stateDir && writesState ? (table, appliedAt) => stateDir.writer.save(table, appliedAt) : undefined,
    waitingFor,
    noSavedTable: stateDir ? stateDir.noSavedTable : 'no --state-dir to start from',
  });

  const limits = listenerLimits(config);
  const listenerStats = listenerMetrics(registry, 'cdn_edge_');
  const server = createHardenedServer(edge.handle, { limits, logger, metrics: listenerStats, messages: COUNTED_MESSAGES });
  await listen(server, config.host, config.port);
  logger.info(`Edge ${edgeId} listening on http://${config.host}:${config.port}`);
  const adminServer = config.adminPort === undefined ? undefined : createHardenedServer(edge.handleAdmin, { limits, logger, metrics: listenerStats, listener: 'admin' });
  if (adminServer) {
    await listen(adminServer, config.adminHost, config.adminPort!, { host: '--admin-host', port: '--admin-port' });
    logger.info(`Edge ${edgeId} serves /metrics, /healthz and /readyz on http://${config.adminHost}:${config.adminPort}`);
  }
  await edge.start();
  serving.started();

  let nc: NatsConnection | undefined;
  let stopping = false;
  // connectNats retries forever, also when NATS refuses our credentials or certificate (logged at ERROR and
  // counted): an edge keeps serving its last table, and until the first one /cdn answers not_ready and /readyz says so.
  connectNats({ servers: natsUrl, name: `cdn-edge-${edgeId}`, logger, credentials, whenRefused: 'retry', onProblem: countNatsProblems(registry, 'cdn_edge_') })
    .then(async (connection) => {
      if (stopping) return void (await connection.close());
      nc = connection;
      bus = watchNatsConnection(connection, redactUrl(natsUrl));
      events.attach(createNatsEdgeEventPublisher({ nc: connection, logger }));
      cacheCommands.attach(createNatsCacheCommandBus({ nc: connection, logger }));
      nodeLoads.attach(createNatsNodeLoadBus({ nc: connection, logger }));
      await source.attach(createNatsRoutingSource({ nc: connection, logger }));
    })
    .catch((err: unknown) => logger.error({ err }, 'Could not follow the routing table on NATS'));

  exitOnSignals(logger, async (signal) => {
    stopping = true;
    logger.info(`Received ${signal}, shutting down edge ${edgeId}`);
    const closed = closeGracefully(server);
    adminServer?.close();
    adminServer?.closeAllConnections();
    await closed;
    await edge.close();
    // The last table applied is on disk before the process ends.
    await stateDir?.writer.close();
    await source.close();
    await events.close();
    await cacheCommands.close();
    await nodeLoads.close();
    await nc?.drain().catch((err: unknown) => logger.warn({ err }, 'NATS drain failed'));
    logger.info(`Edge ${edgeId} stopped`);
  });
}

void main();
