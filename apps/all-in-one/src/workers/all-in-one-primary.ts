import http from 'node:http';
import { createControlPlane } from '@cdn/control-plane';
import {
  BusRelay,
  CdnConfig,
  createHardenedServer,
  exitOnSignals,
  exitOnStartupFailure,
  InProcessBus,
  listen,
  listenerLimits,
  listenerMetrics,
  ProgramInfo,
  relayBusToWorkers,
  StartupGate,
  startClusterPrimary,
} from '@cdn/shared';
import type { ControlPlane } from '@cdn/control-plane';
import { warnOfOpenAdminApi } from '../client-port';
import { listenOnAdminSocket } from './admin-socket';

/**
 * The all-in-one server's --workers primary: the control plane runs here, once (it owns --nodes-file), and its
 * in-process bus reaches the workers' edges over IPC. The workers share the client port; they serve /cdn and
 * relay everything else to this control plane over a Unix socket. With --admin-port the primary serves the
 * admin listener itself.
 */
export async function runAllInOnePrimary(info: ProgramInfo, config: CdnConfig): Promise<void> {
  let relay: BusRelay | undefined;
  const { logger, registry, pool } = startClusterPrimary('cdn', config, (worker, message) => relay?.onMessage(worker, message));
  // Workers' admin requests wait here while the control plane starts.
  const gate = new StartupGate();
  const socketServer = http.createServer(gate.listener);
  const adminGate = new StartupGate();
  const adminServer =
    config.adminPort === undefined ? undefined : createHardenedServer(adminGate.listener, { limits: listenerLimits(config), logger, metrics: listenerMetrics(registry, 'cdn_cp_'), listener: 'admin' });
  let controlPlane: ControlPlane | undefined;
  exitOnSignals(logger, async (signal) => {
    logger.info(`Received ${signal}, shutting down the ${config.workers} workers, then the control plane`);
    await pool.stop();
    socketServer.close();
    adminServer?.close();
    adminServer?.closeAllConnections();
    await relay?.close();
    await controlPlane?.close();
    logger.info('CDN server stopped');
  });

  try {
    await listenOnAdminSocket(socketServer);
    // The workers have taken the port before the control plane touches saved state (--reset-config): a port in use stops the start first.
    await pool.ready;
    if (adminServer) await listen(adminServer, config.adminHost, config.adminPort!, { host: '--admin-host', port: '--admin-port' });
    const bus = new InProcessBus();
    controlPlane = await createControlPlane({
      config,
      logger: logger.child({ name: 'control-plane' }),
      store: bus.store,
      source: bus.source(),
      transport: { kind: 'in-process', bus },
      cacheCommands: bus.cacheCommands,
      nodeLoads: bus.nodeLoads,
      registry,
    });
    relay = await relayBusToWorkers(bus, pool);
    gate.open(controlPlane.handler);
    adminGate.open(controlPlane.handler);
    logger.info(`CDN server listening on http://${config.host}:${config.port} with ${config.workers} workers (control plane in the primary, pid ${process.pid})`);
    warnOfOpenAdminApi(config, logger);
  } catch (err) {
    await pool.stop();
    await exitOnStartupFailure(info.name, err, logger);
  }
}
