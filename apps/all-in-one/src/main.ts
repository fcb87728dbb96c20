/**
 * The all-in-one CDN server (`npm start`): the control plane and one edge in one process, on one port,
 * joined by the in-process bus instead of NATS. Serves the original manual's whole API.
 */
import { loadConfigOrExit } from '@cdn/shared';
import { startAllInOne } from './all-in-one';

async function main(): Promise<void> {
  const config = loadConfigOrExit({
    name: 'cdn-server',
    description: 'CDN management system: control plane and edge proxy in one process (seed-compatible API on one port).',
    version: '1.0.0',
    options: [
      'host', 'port', 'nodeTimeout', 'healthInterval', 'cacheTime', 'cacheEnabled', 'logLevel',
      'logFile', 'logFormat', 'resetConfig', 'nodesFile', 'edgeId', 'upstreamTimeout',
      'cacheMaxBytes', 'cacheMaxObject', 'cacheRedisUrl', 'staleIfError', 'cacheSortQuery', 'cacheSetCookie', 'warmConcurrency', 'lbStrategy', 'retries', 'panicRouting',
    ],
  });
  const server = await startAllInOne(config);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    server.logger.info(`Received ${signal}, shutting down`);
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`cdn-server: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
