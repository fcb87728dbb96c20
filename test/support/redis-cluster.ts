/** A real Redis Cluster for tests: redis-server processes started with --cluster-enabled yes, joined by redis-cli --cluster create. */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { eventually, freePort, waitForPort } from './ports';
import { Running, start, tempDir } from './processes';
import type { KeyPair } from './pki';

const execFileAsync = promisify(execFile);

/** Runs a command; a failure's message carries what it printed. */
async function run(command: string, args: string[], options: { timeout: number }): Promise<{ stdout: string }> {
  try {
    return await execFileAsync(command, args, options);
  } catch (err) {
    const { stdout, stderr } = err as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed: ${(err as Error).message}\n${stdout ?? ''}${stderr ?? ''}`);
  }
}

export interface ClusterNode {
  readonly port: number;
  /** The process; stop('SIGKILL') is kill -9. */
  readonly process: Running;
  /** Starts it again as it was (it rejoins with its nodes-<port>.conf, its data gone); resolves once it listens. */
  restart(): Promise<void>;
}

export interface RedisCluster {
  readonly nodes: readonly ClusterNode[];
  /** Every node's URL, comma-separated: what --cache-redis-url takes for a cluster. */
  readonly url: string;
  /** One node's URL (with the password and scheme of the others). */
  urlOf(port: number): string;
  /** The node that serves `key` now, as CLUSTER SLOTS on a live node says. */
  masterOf(key: string): Promise<ClusterNode>;
  /** Ports of the nodes that are masters with slots now. */
  masterPorts(): Promise<number[]>;
  /** redis-cli on one node (with the password and TLS options), returning its output. */
  cli(port: number, ...args: string[]): Promise<string>;
  /** Resolves once every connected replica has everything its master wrote (a write is then safe from a failover). */
  waitForReplicas(timeoutMs?: number): Promise<void>;
  /** Resolves once every live node says cluster_state:ok, every slot has a live master and every live replica is in sync (only such a replica can take over). */
  waitUntilHealthy(timeoutMs?: number): Promise<void>;
}

export interface RedisClusterOptions {
  masters?: number;
  replicasPerMaster?: number;
  /** requirepass and masterauth on every node. */
  password?: string;
  /**
   * Clients, the cluster bus and replication all speak TLS (rediss://). Clients show no certificate, but nodes show
   * `client` to each other: the cluster bus always asks for one.
   */
  tls?: { server: KeyPair; client: KeyPair; ca: string };
  /** Milliseconds before a silent master is failed over (cluster-node-timeout); default 1000. */
  nodeTimeoutMs?: number;
}

/**
 * Starts masters × (1 + replicas) redis-server processes on free ports (with a free cluster-bus port each), keeping
 * nothing on disk but their nodes-<port>.conf in a temp dir, creates the cluster and waits for cluster_state:ok.
 */
export async function startRedisCluster(options: RedisClusterOptions = {}): Promise<RedisCluster> {
  const masters = options.masters ?? 3;
  const count = masters * (1 + (options.replicasPerMaster ?? 1));
  const dir = tempDir('redis-cluster-');
  const nodes: ClusterNode[] = [];
  for (let i = 0; i < count; i++) {
    const port = await freePort();
    const busPort = await freePort();
    const args = [
      '--cluster-enabled', 'yes', '--cluster-config-file', path.join(dir, `nodes-${port}.conf`), '--cluster-node-timeout', String(options.nodeTimeoutMs ?? 1_000),
      '--cluster-port', String(busPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--logfile', path.join(dir, `redis-${port}.log`),
    ];
    if (options.password) args.push('--requirepass', options.password, '--masterauth', options.password);
    if (options.tls) {
      args.push('--port', '0', '--tls-port', String(port), '--tls-cluster', 'yes', '--tls-replication', 'yes');
      args.push('--tls-cert-file', options.tls.server.cert, '--tls-key-file', options.tls.server.key, '--tls-ca-cert-file', options.tls.ca, '--tls-auth-clients', 'no');
      args.push('--tls-client-cert-file', options.tls.client.cert, '--tls-client-key-file', options.tls.client.key);
    } else {
      args.push('--port', String(port));
    }
    const run = () => start('redis-server', args, { name: `redis-cluster-${port}` });
    const node = {
      port,
      process: run(),
      restart: async () => {
        node.process = run();
        await waitForPort(port);
      },
    };
    nodes.push(node);
  }
  await Promise.all(nodes.map((node) => waitForPort(node.port)));

  const cliOptions = [...(options.password ? ['-a', options.password, '--no-auth-warning'] : []), ...(options.tls ? ['--tls', '--cacert', options.tls.ca] : [])];
  const cli = async (port: number, ...args: string[]) => (await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...cliOptions, ...args], { timeout: 30_000 })).stdout;
  await run('redis-cli', [...cliOptions, '--cluster', 'create', ...nodes.map((node) => `127.0.0.1:${node.port}`), '--cluster-replicas', String(options.replicasPerMaster ?? 1), '--cluster-yes'], {
    timeout: 60_000,
  });

  const live = () => nodes.filter((node) => node.process.child.exitCode === null && node.process.child.signalCode === null);
  /** CLUSTER SLOTS from the first live node that answers: [from, to, masterPort, ...replicaPorts]. */
  const slots = async (): Promise<{ from: number; to: number; master: number }[]> => {
    for (const node of live()) {
      try {
        const lines = (await cli(node.port, '--json', 'cluster', 'slots')).trim();
        const reply = JSON.parse(lines) as [number, number, [string, number, string]][];
        return reply.map(([from, to, master]) => ({ from, to, master: master[1] }));
      } catch {
        // try the next node
      }
    }
    throw new Error('no live cluster node answers CLUSTER SLOTS');
  };
  const byPort = (port: number) => {
    const node = nodes.find((candidate) => candidate.port === port);
    if (!node) throw new Error(`port ${port} is no node of this cluster`);
    return node;
  };
  const scheme = options.tls ? 'rediss' : 'redis';
  const auth = options.password ? `:${encodeURIComponent(options.password)}@` : '';
  const urlOf = (port: number) => `${scheme}://${auth}127.0.0.1:${port}`;

  const cluster: RedisCluster = {
    nodes,
    url: nodes.map((node) => urlOf(node.port)).join(','),
    urlOf,
    masterOf: async (key) => {
      const slot = Number((await cli(live()[0].port, 'cluster', 'keyslot', key)).trim());
      const range = (await slots()).find((candidate) => slot >= candidate.from && slot <= candidate.to);
      if (!range) throw new Error(`slot ${slot} of "${key}" has no master`);
      return byPort(range.master);
    },
    masterPorts: async () => [...new Set((await slots()).map((range) => range.master))].sort(),
    cli,
    waitForReplicas: async (timeoutMs = 10_000) => {
      const alive = new Set(live().map((node) => node.port));
      const masters = (await cluster.masterPorts()).filter((port) => alive.has(port));
      await eventually(async () => {
        for (const port of masters) {
          const replication = await cli(port, 'info', 'replication');
          const written = Number(/master_repl_offset:(\d+)/.exec(replication)?.[1]);
          const replicas = [...replication.matchAll(/^slave\d+:.*offset=(\d+)/gm)].map((match) => Number(match[1]));
          if (replicas.some((offset) => offset < written)) return false;
        }
        return true;
      }, timeoutMs, 50);
    },
    waitUntilHealthy: async (timeoutMs = 30_000) => {
      await eventually(async () => {
        for (const node of live()) {
          if (!(await cli(node.port, 'cluster', 'info')).includes('cluster_state:ok')) return false;
          const replication = await cli(node.port, 'info', 'replication');
          if (replication.includes('role:slave') && !replication.includes('master_link_status:up')) return false;
        }
        const ranges = await slots();
        const covered = ranges.reduce((sum, range) => sum + range.to - range.from + 1, 0);
        const alive = new Set(live().map((node) => node.port));
        return covered === 16_384 && ranges.every((range) => alive.has(range.master));
      }, timeoutMs, 100);
    },
  };
  await cluster.waitUntilHealthy();
  return cluster;
}
