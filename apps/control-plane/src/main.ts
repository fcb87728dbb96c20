/**
 * The standalone control plane: `npm run start:control-plane -- --nats-url nats://127.0.0.1:4222 [flags]`.
 * Publishes routing to NATS (JetStream KV) and hears edge reports on NATS.
 */
import type http from 'node:http';
import {
  BusConnection,
  CdnConfig,
  checkOptionsOrExit,
  connectNats,
  countNatsProblems,
  createHardenedServer,
  createNatsCacheCommandBus,
  createNatsNodeLoadBus,
  createNatsRoutingSource,
  createNatsRoutingStore,
  createProgramLogger,
  exitOnSignals,
  exitOnStartupFailure,
  listen,
  listenerLimits,
  listenerMetrics,
  loadConfigOrExit,
  Logger,
  NatsCredentials,
  openAdminApiWarning,
  programInfo,
  readNatsCredentials,
  redactUrl,
  StartupGate,
  watchNatsConnected,
  watchNatsConnection,
  registerProcessMetrics,
} from '@cdn/shared';
import { Counter, Registry } from 'prom-client';
import { createNatsOperationStore } from './cache/store/nats-operation-store';
import { CLUSTER_BUCKET, KvBucket, NODES_BUCKET } from './cluster/kv-bucket';
import { LeaderLease } from './cluster/leader-lease';
import { defaultReplicaId } from './cluster/leadership';
import { createControlPlane } from './control-plane';

/** Keep-alive clients that never go idle get this long on shutdown before their connections are cut. */
const SHUTDOWN_GRACE_MS = 5_000;
/** A request made while the start is not done waits this long for it, then gets 503 not_ready. */
const STARTUP_WAIT_MS = 2_000;
/** NATS still unreachable after this long is worth a WARNING (the client keeps trying quietly). */
const NATS_WAIT_WARNING_MS = 5_000;
/** Replicas' announcements not renewed for this long leave the cluster bucket. */
const CLUSTER_ENTRY_TTL_MS = 3_600_000;

async function main(): Promise<void> {
  const info = programInfo('control-plane');
  const config = loadConfigOrExit(info);
  if (!config.natsUrl) {
    process.stderr.write(`${info.name}: error: --nats-url is required (or CDN_NATS_URL), e.g. --nats-url nats://127.0.0.1:4222\nTry '${info.name} --help'.\n`);
    process.exit(2);
  }
  // Secret files and certificates are read once, now; options that do not fit together are a usage error.
  const credentials = checkOptionsOrExit(info, () => readNatsCredentials(config));
  let logger: Logger | undefined;
  try {
    logger = createProgramLogger('control-plane', config);
    await run({ ...config, natsUrl: config.natsUrl }, credentials, logger, info.name);
  } catch (err) {
    await exitOnStartupFailure(info.name, err, logger);
  }
}

async function run(config: CdnConfig & { natsUrl: string }, credentials: NatsCredentials, logger: Logger, program: string): Promise<void> {
  const registry = new Registry();
  registerProcessMetrics(registry);
  let busConnection: BusConnection | undefined;
  watchNatsConnected(registry, 'cdn_cp_', () => busConnection);
  const refused = new Counter({ name: 'cdn_cp_startup_refused_requests_total', help: 'Requests answered 503 not_ready because the start had not finished (e.g. NATS unreachable)', registers: [registry] });
  // The port is taken first: a port in use stops the start before anything touches saved state. Until the
  // start is done, /healthz answers 200, /readyz 503 with what it waits for, /metrics as usual, and other
  // requests 503 not_ready after a short wait: connecting to NATS may take as long as NATS is down.
  const gate = new StartupGate({ waitMs: STARTUP_WAIT_MS, onRefused: () => refused.inc(), early: { '/metrics': (_req, res) => void serveMetrics(registry, res) } });
  const server = createHardenedServer(gate.listener, { limits: listenerLimits(config), logger, metrics: listenerMetrics(registry, 'cdn_cp_') });
  await listen(server, config.host, config.port);

  gate.setPhase(`connecting to NATS at ${redactUrl(config.natsUrl)}`);
  const stillConnecting = setTimeout(
    () => logger.warn(`Still connecting to NATS at ${redactUrl(config.natsUrl)}; until then /healthz answers 200 and /readyz and the admin API 503 not_ready`),
    NATS_WAIT_WARNING_MS,
  );
  // A NATS that refuses our credentials or certificate stops the start: nothing we publish would reach an edge.
  const nc = await connectNats({ servers: config.natsUrl, name: program, logger, credentials, whenRefused: 'fail', onProblem: countNatsProblems(registry, 'cdn_cp_') }).finally(() =>
    clearTimeout(stillConnecting),
  );
  gate.setPhase('loading the node state and publishing the routing table');
  const replicas = config.natsReplicas;
  const store = createNatsRoutingStore({ nc, logger, replicas });
  const source = createNatsRoutingSource({ nc, logger });
  const cacheCommands = createNatsCacheCommandBus({ nc, logger });
  const operations = createNatsOperationStore({ nc, logger, replicas });
  const replicaId = config.replicaId ?? defaultReplicaId();
  const replication = {
    nodes: new KvBucket(nc, logger, NODES_BUCKET, { replicas }),
    lease: new LeaderLease(new KvBucket(nc, logger, CLUSTER_BUCKET, { replicas, ttlMs: CLUSTER_ENTRY_TTL_MS }), replicaId, config.leaderLease * 1000, logger, Date.now, registry),
  };
  busConnection = watchNatsConnection(nc, config.natsUrl);
  const nodeLoads = createNatsNodeLoadBus({ nc, logger });
  const cp = await createControlPlane({
    config,
    logger,
    store,
    source,
    cacheCommands,
    busConnection,
    operations,
    nodeLoads,
    registry,
    replication,
    transport: { kind: 'nats', servers: config.natsUrl, credentials },
  });
  gate.open(cp.handler);
  logger.info(`Control plane listening on http://${config.host}:${config.port} (replica ${replicaId})`);
  const warning = openAdminApiWarning(config, config, '--host 127.0.0.1, or an address only your operators and nodes can reach');
  if (warning) logger.warn(warning);

  exitOnSignals(logger, async (signal) => {
    logger.info(`${signal} received: shutting down`);
    cp.endStreams();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS).unref();
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
  });
}

async function serveMetrics(registry: Registry, res: http.ServerResponse): Promise<void> {
  const text = await registry.metrics();
  res.writeHead(200, { 'content-type': registry.contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

void main();
