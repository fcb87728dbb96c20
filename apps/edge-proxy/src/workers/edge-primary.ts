import os from 'node:os';
import { CdnConfig, ClusterPrimary, exitOnSignals, exitOnStartupFailure, ProgramInfo, startClusterPrimary } from '@cdn/shared';

/**
 * The standalone edge's --workers primary. It serves nothing: its workers share the ports and each follows the
 * routing table on NATS as an edge of its own (`<edge-id>-w1` ...), so the control plane waits for every worker's
 * receipt of a purge as for any edge's. The primary restarts a worker that dies, writes every worker's log lines
 * and answers their /metrics with the aggregate of all.
 */
export async function runEdgePrimary(info: ProgramInfo, config: CdnConfig): Promise<void> {
  const edgeId = config.edgeId ?? `${os.hostname()}-${process.pid}`;
  let primary: ClusterPrimary | undefined;
  try {
    const { logger, pool } = (primary = startClusterPrimary('edge-proxy', config));
    exitOnSignals(logger, async (signal) => {
      logger.info(`Received ${signal}, shutting down edge ${edgeId} and its ${config.workers} workers`);
      await pool.stop();
      logger.info(`Edge ${edgeId} stopped`);
    });
    await pool.ready;
    logger.info(`Edge ${edgeId} serves with ${config.workers} workers, edges ${edgeId}-w1 to ${edgeId}-w${config.workers}`);
  } catch (err) {
    await primary?.pool.stop();
    await exitOnStartupFailure(info.name, err, primary?.logger);
  }
}
