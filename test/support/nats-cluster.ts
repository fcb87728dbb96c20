/** A real NATS cluster for tests: nats-server processes with JetStream, joined by routes. */
import { eventually, freePort, waitForPort } from './ports';
import { Running, start, tempDir } from './processes';

export interface NatsClusterServer {
  /** Its server_name (-n): what JetStream calls it in a stream's cluster info and the meta group. */
  readonly name: string;
  readonly port: number;
  readonly url: string;
  /** The process; stop('SIGKILL') is kill -9. */
  readonly process: Running;
  /** GET on its monitoring port (`/jsz`, `/routez`...), parsed as JSON. */
  monitor(path: string): Promise<any>;
}

export interface NatsCluster {
  readonly servers: readonly NatsClusterServer[];
  /** Every server's URL, comma-separated: what --nats-url takes for a cluster. */
  readonly url: string;
  /** The server named `name` (as a stream's `cluster.leader` names it). */
  named(name: string): NatsClusterServer;
  /** The JetStream meta leader as a live server sees it, undefined while there is none. */
  metaLeader(): Promise<string | undefined>;
}

const live = (server: NatsClusterServer) => server.process.child.exitCode === null && server.process.child.signalCode === null;

/**
 * Starts `size` nats-server processes (names n1, n2...) with JetStream, each with its own store dir, client, route
 * and monitoring port, routed to each other in cluster `cdn`; resolves once every one sees the others and
 * JetStream has a meta leader.
 */
export async function startNatsCluster(options: { size?: number } = {}): Promise<NatsCluster> {
  const size = options.size ?? 3;
  const ports = await Promise.all(Array.from({ length: size }, async () => ({ client: await freePort(), route: await freePort(), monitor: await freePort() })));
  const routes = ports.map((p) => `nats://127.0.0.1:${p.route}`).join(',');
  const servers = ports.map((p, i): NatsClusterServer => {
    const name = `n${i + 1}`;
    const args = ['-n', name, '-a', '127.0.0.1', '-p', String(p.client), '-m', String(p.monitor), '-js', '-sd', tempDir(`nats-${name}-`)];
    args.push('--cluster', `nats://127.0.0.1:${p.route}`, '--cluster_name', 'cdn', '--routes', routes);
    return {
      name,
      port: p.client,
      url: `nats://127.0.0.1:${p.client}`,
      process: start('nats-server', args, { name: `nats-${name}` }),
      monitor: async (path) => (await fetch(`http://127.0.0.1:${p.monitor}${path}`)).json(),
    };
  });
  await Promise.all(servers.map((server) => waitForPort(server.port)));

  const cluster: NatsCluster = {
    servers,
    url: servers.map((server) => server.url).join(','),
    named: (name) => {
      const server = servers.find((candidate) => candidate.name === name);
      if (!server) throw new Error(`no NATS server named ${name} in this cluster`);
      return server;
    },
    metaLeader: async () => {
      for (const server of servers.filter(live)) {
        const leader = (await server.monitor('/jsz').catch(() => undefined))?.meta_cluster?.leader;
        if (leader) return leader as string;
      }
      return undefined;
    },
  };
  await eventually(async () => {
    for (const server of servers) if ((await server.monitor('/routez')).num_routes < size - 1) return false;
    return (await cluster.metaLeader()) !== undefined;
  }, 30_000, 100);
  return cluster;
}
