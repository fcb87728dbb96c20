import type http from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { CustomStrategy } from '@nestjs/microservices';
import { ExpressAdapter } from '@nestjs/platform-express';
import {
  ALWAYS_CONNECTED,
  type BusConnection,
  type CacheCommandBus,
  type CdnConfig,
  checkWritableDirectory,
  createRequestIds,
  type InProcessBus,
  type Logger,
  type NatsCredentials,
  type NodeLoadBus,
  type RequestIds,
  type RoutingSource,
  type RoutingStore,
} from '@cdn/shared';
import { Registry } from 'prom-client';
import type { AlertDeliveryOverride } from './alerts/alerts.constants';
import { AlertsService } from './alerts/alerts.service';
import { AppModule } from './app.module';
import { createFileOperationStore, operationsFileFor } from './cache/store/file-operation-store';
import type { OperationStore } from './cache/store/operation-store';
import type { Timings } from './core/timings';
import { NestPinoLogger } from './core/nest-logger';
import { registerLeaderGauges } from './cluster/leader-gauges';
import { LEADERSHIP, type Leadership } from './cluster/leadership';
import { requestIdMiddleware } from './http/request-id';
import type { Replication } from './cluster/replication';
import { followReplicatedState } from './cluster/follow-replicated-state';
import { HealthService } from './health/health.service';
import { DashboardFeed } from './dashboard/dashboard-feed';
import { AllExceptionsFilter } from './http/all-exceptions.filter';
import { RouteMethods } from './http/route-methods';
import { LoadBroadcaster } from './loads/load-broadcaster';
import { NodeRegistry } from './nodes/node-registry';
import { RoutingPublisher } from './routing/routing-publisher';
import { AdminGate } from './security/admin-gate';
import { RoutingReconciler } from './routing/routing-reconciler';
import { NodeStateStore } from './state/node-state-store';
import { InProcessBusServer } from './transport/in-process-bus.server';
import { ResilientNatsServer } from './transport/resilient-nats.server';

export interface ControlPlane {
  /** The admin API as a plain Node request handler (the Nest express instance after app.init()). */
  handler: (req: http.IncomingMessage, res: http.ServerResponse) => void;
  app: INestApplication;
  /** Ends the answers that never finish by themselves (dashboards' event streams), so that a closing server need not wait for them. */
  endStreams(): void;
  /** Stops the health loop and load broadcasts, saves the node state, closes Nest (and its microservice); pending alert retries are cancelled. */
  close(): Promise<void>;
}

export interface ControlPlaneOptions {
  /**
   * nodeTimeout, healthInterval, healthPath, probeTimeout, healthyThreshold, unhealthyThreshold,
   * alertWebhooks, alertDelay, cacheEnabled, nodesFile, resetConfig are used.
   */
  config: CdnConfig;
  logger: Logger;
  /** Where the routing table is published. */
  store: RoutingStore;
  /** A reader of the same routing state: its latest revision is what edges' lag is measured against. */
  source: RoutingSource;
  /** Where edge events come from (on NATS, with the same identity and TLS as the caller's own connection). */
  transport: { kind: 'nats'; servers: string; credentials?: NatsCredentials } | { kind: 'in-process'; bus: InProcessBus };
  /** Where live node loads are broadcast every second (bus.nodeLoads in-process, createNatsNodeLoadBus on NATS). Closed by the caller. */
  nodeLoads: NodeLoadBus;
  /**
   * Control-plane replicas: the node table and cache switch in the node bucket, the leader's duties by lease
   * (--nats-url). Without it, one control plane keeps its nodes in --nodes-file.
   */
  replication?: Replication;
  /** Tests only: whether this control plane leads, instead of always (one control plane) or by lease (replicas). */
  leadership?: Leadership;
  /** Tests only: shorter alert back-off or a fake sender. */
  alertDelivery?: AlertDeliveryOverride;
  /** Where cache purge and warm go to every edge (receipts come back as edge events through `transport`). Closed by the caller. */
  cacheCommands: CacheCommandBus;
  /** Whether `cacheCommands` can carry a command now (NATS connected); by default always (the in-process bus). */
  busConnection?: BusConnection;
  /** Where cache operations are kept across restarts; by default a file beside --nodes-file. Closed by the control plane. */
  operations?: OperationStore;
  /** Makes the X-Request-Id of admin requests that come without a usable one (default: a random prefix per process). */
  requestIds?: RequestIds;
  /** Shared with the edge in the all-in-one server; every metric here is prefixed cdn_cp_. */
  registry?: Registry;
  /** Clock in ms, for tests. */
  now?: () => number;
  /** Tests only: how often the whole routing store is reconciled (ms); 30 s by default. */
  reconcileIntervalMs?: number;
  /** Tests only: shorter snapshot and re-send periods. */
  timings?: Partial<Timings>;
}

/**
 * Builds the control plane: loads the saved nodes, publishes the whole routing table, starts the
 * health loop and listens for edge reports. The caller serves `handler` on its own HTTP server.
 */
export async function createControlPlane(options: ControlPlaneOptions): Promise<ControlPlane> {
  const { config, logger, store, source } = options;
  const registry = options.registry ?? new Registry();
  // Changes could never be saved: better not to start than to lose them.
  checkWritableDirectory(config.nodesFile, '--nodes-file', 'the node state');
  const app = await NestFactory.create(
    AppModule.forRoot({
      config,
      logger,
      store,
      source,
      nodeLoads: options.nodeLoads,
      replication: options.replication,
      leadership: options.leadership,
      alertDelivery: options.alertDelivery,
      cache: {
        commands: options.cacheCommands,
        store: options.operations ?? createFileOperationStore({ file: operationsFileFor(config.nodesFile), logger, now: options.now }),
        connection: options.busConnection ?? ALWAYS_CONNECTED,
      },
      clock: options.now ?? Date.now,
      registry,
      reconcileIntervalMs: options.reconcileIntervalMs,
      timings: options.timings,
    }),
    new ExpressAdapter(),
    // Bodies are read by readJsonBody, once AdminGate has checked that they are sent as JSON.
    { bodyParser: false, logger: new NestPinoLogger(logger), abortOnError: false },
  );
  try {
    const routes = new RouteMethods();
    app.useGlobalFilters(new AllExceptionsFilter(logger, routes, registry));
    const express = app.getHttpAdapter().getInstance();
    express.disable('x-powered-by');
    // Before app.init() registers the routes, so that the gate runs first for every path, known or not; the id
    // first of all, so that even a refusal answers and logs it.
    app.use(requestIdMiddleware(options.requestIds ?? createRequestIds()));
    app.use(app.get(AdminGate).handle);
    app.connectMicroservice<CustomStrategy>({ strategy: eventServer(options.transport, logger) });
    await app.startAllMicroservices();
    await app.init();
    routes.learn(express.router.stack);
    registerLeaderGauges(registry, app.get<Leadership>(LEADERSHIP));

    // Replicas fill their table from the node bucket (seeded from --nodes-file when the bucket holds none).
    if (options.replication) await followReplicatedState(app, options.replication, config, logger);
    const health = app.get(HealthService);
    const publisher = app.get(RoutingPublisher);
    const nodes = app.get(NodeRegistry);
    const unloaded = app.get(NodeStateStore).notLoaded;
    if (unloaded !== undefined) publisher.withhold(unloaded);
    // A replica that becomes the leader at once publishes below (and its take-over does the same, harmlessly).
    await options.replication?.lease.start();
    // Nodes whose heartbeats stopped while we were down are marked before edges see the table.
    await health.checkNodes();
    await publisher.publishAll(nodes.routeNodes());
    // Our own reader of the routing state (after the first publish has created the bucket), unless the caller
    // already started it. Every entry it sees is checked against what we wrote: the store is ours.
    const reconciler = app.get(RoutingReconciler);
    if (source.current() === undefined) {
      source.start(() => undefined, { onEntry: (entry) => reconciler.notice(entry) }).catch((err: unknown) => logger.error({ err }, 'Could not read the routing state'));
    }
    health.start();
    reconciler.start();
    app.get(LoadBroadcaster).start();
  } catch (err) {
    await app.close().catch(() => undefined);
    throw err;
  }

  const state = app.get(NodeStateStore);
  const health = app.get(HealthService);
  const loads = app.get(LoadBroadcaster);
  const alerts = app.get(AlertsService);
  const reconciler = app.get(RoutingReconciler);
  let closing: Promise<void> | undefined;
  return {
    handler: app.getHttpAdapter().getInstance(),
    app,
    endStreams: () => app.get(DashboardFeed).close(),
    close: () =>
      (closing ??= (async () => {
        // A leader releases its lease first, so that another replica takes over at once.
        await options.replication?.lease.stop();
        health.stop();
        loads.stop();
        await reconciler.stop();
        await health.idle();
        await alerts.onModuleDestroy();
        await state.close();
        await app.close();
        options.replication?.nodes.close();
      })()),
  };
}

function eventServer(transport: ControlPlaneOptions['transport'], logger: Logger) {
  return transport.kind === 'nats' ? new ResilientNatsServer(transport.servers, logger, transport.credentials) : new InProcessBusServer(transport.bus);
}
