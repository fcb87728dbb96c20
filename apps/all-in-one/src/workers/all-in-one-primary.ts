import http from 'node:http';
import {
  BusRelay,
  CdnConfig,
  ClusterPrimary,
  exitOnSignals,
  exitOnStartupFailure,
  InProcessBus,
  listen,
  ProgramInfo,
  relayBusToWorkers,
  StartupGate,
  startClusterPrimary,
} from '@cdn/shared';
import type { ControlPlane } from '@cdn/control-plane';
import { createAdminListener } from '../listeners';
import { warnOfOpenAdminApi } from '../client-port';
import { startEmbeddedControlPlane } from '../embedded-control-plane';
import { listenOnAdminSocket } from './admin-socket';

/**
 * The all-in-one server's --workers primary: the control plane runs here, once (it owns --nodes-file), and its
 * in-process bus reaches the workers' edges over IPC. The workers share the client port; they serve /cdn and
 * relay everything else to this control plane over a Unix socket. With --admin-port the primary serves the
 * admin listener itself.
 */
export async function runAllInOnePrimary(info: ProgramInfo, config: CdnConfig): Promise<void> {
  let primary: ClusterPrimary | undefined;
  let relay: BusRelay | undefined;
  let controlPlane: ControlPlane | undefined;
  try {
    const { logger, registry, pool } = (primary = startClusterPrimary('cdn', config, (worker, message) => relay?.onMessage(worker, message)));
    // Workers' admin requests wait here while the control plane starts.
    const gate = new StartupGate();
    const socketServer = http.createServer(gate.listener);
    const adminGate = new StartupGate();
    const adminServer = createAdminListener(config, adminGate, logger, registry);
    exitOnSignals(logger, async (signal) => {
      logger.info(`Received ${signal}, shutting down the ${config.workers} workers, then the control plane`);
      // Dashboards' streams pass through the workers, which would otherwise wait for them to end.
      controlPlane?.endStreams();
      await pool.stop();
      socketServer.close();
      adminServer?.close();
      adminServer?.closeAllConnections();
      await relay?.close();
      await controlPlane?.close();
      logger.info('CDN server stopped');
    });
    await listenOnAdminSocket(socketServer);
    // The workers have taken the port before the control plane touches saved state (--reset-config): a port in use stops the start first.
    await pool.ready;
    if (adminServer) await listen(adminServer, config.adminHost, config.adminPort!, { host: '--admin-host', port: '--admin-port' });
    const bus = new InProcessBus();
    controlPlane = await startEmbeddedControlPlane(config, logger, bus, registry);
    relay = await relayBusToWorkers(bus, pool);
    gate.open(controlPlane.handler);
    adminGate.open(controlPlane.handler);
    logger.info(`CDN server listening on http://${config.host}:${config.port} with ${config.workers} workers (control plane in the primary, pid ${process.pid})`);
    warnOfOpenAdminApi(config, logger);
  } catch (err) {
    await primary?.pool.stop();
    await exitOnStartupFailure(info.name, err, primary?.logger);
  }
}
