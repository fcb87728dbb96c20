import os from 'node:os';
import { collectDefaultMetrics } from 'prom-client';
import { createEdgeProxy } from '@cdn/edge-proxy';
import {
  CdnConfig,
  closeGracefully,
  connectIpcBus,
  createHardenedServer,
  exitOnSignals,
  exitOnStartupFailure,
  listen,
  listenerLimits,
  listenerMetrics,
  Logger,
  ProgramInfo,
  servingProcess,
  StartupGate,
  workerEdgeId,
} from '@cdn/shared';
import { clientPortHandler } from '../client-port';
import { relayToPrimary } from './admin-socket';

/**
 * One worker of the all-in-one server: an edge (its own memory cache, reporting as `<edge-id>-w<slot>`) on the
 * shared client port, following the primary's routing table over IPC; the admin API is relayed to the primary.
 */
export async function runAllInOneWorker(info: ProgramInfo, config: CdnConfig): Promise<void> {
  let logger: Logger | undefined;
  try {
    const serving = servingProcess('cdn', config);
    logger = serving.logger;
    const { registry } = serving;
    collectDefaultMetrics({ register: registry });
    const gate = new StartupGate();
    const server = createHardenedServer(gate.listener, { limits: listenerLimits(config), logger, metrics: listenerMetrics(registry, 'cdn_edge_') });
    await listen(server, config.host, config.port);
    const bus = connectIpcBus();
    const edge = createEdgeProxy({
      // The control plane owns the cache switch (--disable-cache, toggle_cache); the edge follows its table.
      config: { ...config, cacheEnabled: true },
      logger: logger.child({ name: 'edge-proxy' }),
      source: bus.source,
      events: bus.events,
      cacheCommands: bus.cacheCommands,
      nodeLoads: bus.nodeLoads,
      edgeId: workerEdgeId(config.edgeId ?? `${os.hostname()}-embedded`, serving.slot),
      registry,
    });
    await edge.start();
    exitOnSignals(logger, async () => {
      await closeGracefully(server);
      await edge.close();
      await bus.source.close();
      await bus.cacheCommands.close();
      await bus.nodeLoads.close();
    });
    serving.started();
    // Until the control plane has published its table, requests wait at the gate, as in a single process.
    await bus.firstTable;
    gate.open(clientPortHandler(config, edge, relayToPrimary(logger)));
  } catch (err) {
    await exitOnStartupFailure(info.name, err, logger);
  }
}
