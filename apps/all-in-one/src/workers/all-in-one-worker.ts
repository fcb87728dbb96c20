import {
  CdnConfig,
  closeGracefully,
  connectIpcBus,
  exitOnSignals,
  exitOnStartupFailure,
  listen,
  Logger,
  ProgramInfo,
  servingProcess,
  StartupGate,
  registerProcessMetrics,
} from '@cdn/shared';
import { clientPortHandler } from '../client-port';
import { createEmbeddedEdge } from '../embedded-edge';
import { createClientListener } from '../listeners';
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
    registerProcessMetrics(registry);
    const gate = new StartupGate();
    const server = createClientListener(config, gate, logger, registry);
    await listen(server, config.host, config.port);
    const bus = connectIpcBus();
    const edge = createEmbeddedEdge(config, logger, bus, registry, serving.slot);
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
