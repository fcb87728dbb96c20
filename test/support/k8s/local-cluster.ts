/**
 * Starts what a render says, as a kubelet would, as local processes: every replica of every workload, each
 * container with its command line (the Dockerfile's ENTRYPOINT and CMD for this project's image, run from the
 * checkout, which the image copies as it is), its environment (ConfigMaps and Secrets resolved, $(VAR) expanded),
 * its volumes, and its probes. Ports and names of the cluster become free local ports (see local-network.ts).
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, Running, tempDir } from '../processes';
import { commandLine, IMAGE_APP_DIR, runsCdnImage } from './cdn-image';
import type { Image } from './dockerfile';
import { containerEnv, expand } from './env';
import { createNetwork, LISTEN_PORT_SETTING, listenPort, type Network } from './local-network';
import { mountVolumes } from './local-volumes';
import { containersOf, podNames, selects, workloads, type K8sObject, type Workload } from './objects';
import { ProbeRunner } from './probes';
import { killTree } from './process-tree';

export interface LocalContainer {
  pod: string;
  workload: Workload;
  spec: any;
  process: Running;
  probes: ProbeRunner;
  /** The command line as started (local paths and ports). */
  argv: string[];
  env: Record<string, string>;
  /** Container path → host path. */
  hostPath(containerPath: string): string;
  /** Every container path in a text, as a host path. */
  rewritePaths(text: string): string;
}

export interface LocalCluster {
  network: Network;
  containers: LocalContainer[];
  /** Resolves when every container is ready; rejects, with every log, when one exits or the time is up. */
  allReady(timeoutMs: number): Promise<void>;
  /** The base URL of a ready pod behind a Service port, as kube-proxy would pick one (the first ready one, or the n-th). */
  serviceUrl(service: string, portName: string, nth?: number): string;
  /** The containers of a workload's pods. */
  of(workload: string): LocalContainer[];
  /** Deletes a pod as the kubelet does: its preStop hook, SIGTERM, then SIGKILL after the grace period. Resolves with the exit code. */
  deletePod(pod: string, duringPreStop?: () => Promise<void>): Promise<{ code: number | null; seconds: number }>;
  /** Every container's output, for failure messages. */
  logs(): string;
  stop(): Promise<void>;
}

/** The ports, names and paths of the cluster in one setting, as the local processes must see them. */
function localised(value: string, setting: string, pod: string, network: Network, rewritePaths: (t: string) => string): string {
  if (LISTEN_PORT_SETTING.test(setting)) return listenPort(setting, value, pod, network);
  return rewritePaths(network.rewriteAddresses(value));
}

/** A configuration file's listen ports (`port: 4222`, `http_port: 8222`) and addresses, as the local processes must see them. */
function localisedConfig(text: string, pod: string, network: Network): string {
  const ports = text.replace(/^(\s*)(\w*port)(\s*[:=]\s*)(\d+)\s*$/gim, (_, indent: string, key: string, sep: string, port: string) => `${indent}${key}${sep}${listenPort(key, port, pod, network)}`);
  return network.rewriteAddresses(ports);
}

function commandOf(container: any, image: Image): string[] {
  if (runsCdnImage(container)) return commandLine(container, image);
  // Other images' entrypoints are not known here: their containers must say what they run.
  if (!container.command) throw new Error(`container ${container.name} (${container.image}) must set command`);
  return [...container.command, ...(container.args ?? [])];
}

export async function startLocalCluster(objects: K8sObject[], image: Image, namespace = 'cdn'): Promise<LocalCluster> {
  const all = workloads(objects);
  const pods = all.flatMap((workload) => podNames(workload).map((name) => ({ name, workload })));
  const network = await createNetwork(objects, pods, namespace);
  const root = tempDir('k8s-local-');
  const containers: LocalContainer[] = [];

  for (const { name: pod, workload } of pods) {
    const podSpec = workload.template.spec;
    const podDir = path.join(root, pod);
    const claims = (workload.object.spec.volumeClaimTemplates ?? []).map((t: any) => t.metadata.name);
    for (const spec of containersOf(podSpec)) {
      const ours = runsCdnImage(spec);
      const mounts = mountVolumes({ objects, podSpec, claims, container: spec, podDir, fixed: ours ? [[IMAGE_APP_DIR, ROOT]] : [], transform: (text) => localisedConfig(text, pod, network) });
      const env = containerEnv(spec, objects, { name: pod, namespace, ip: '127.0.0.1' });
      const argv = commandOf(spec, image).map((arg) => expand(arg, env));
      const localEnv = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, localised(v, k, pod, network, mounts.rewritePaths)]));
      const localArgv = argv.map((arg, i) => localised(arg, argv[i - 1] ?? '', pod, network, mounts.rewritePaths));
      const workdir = mounts.hostPath(spec.workingDir ?? (ours ? image.workdir : '/'));
      const cwd = workdir === '/' ? podDir : workdir;
      fs.mkdirSync(cwd, { recursive: true });
      // The container sees its own environment and the image's, not the test's.
      const processEnv = { PATH: process.env.PATH, HOSTNAME: pod, ...(ours ? image.env : {}), ...localEnv };
      const child = spawn(localArgv[0], localArgv.slice(1), { cwd, env: processEnv, stdio: ['ignore', 'pipe', 'pipe'] });
      const running = new Running(child, `${pod}/${spec.name}`);
      const probes = new ProbeRunner(spec, { hostPort: (port) => network.hostPort(pod, port) });
      probes.start();
      containers.push({ pod, workload, spec, process: running, probes, argv: localArgv, env: localEnv, hostPath: mounts.hostPath, rewritePaths: mounts.rewritePaths });
    }
  }

  const logs = () => containers.map((c) => `==== ${c.process.name}: ${c.argv.join(' ')}\n${c.process.output.slice(-6000)}`).join('\n');

  const killContainer = async (c: LocalContainer) => {
    c.probes.stop();
    killTree(c.process.child.pid!);
    if (c.process.child.exitCode === null && c.process.child.signalCode === null) await c.process.exited;
  };

  return {
    network,
    containers,
    logs,
    of: (workload) => containers.filter((c) => c.workload.name === workload),
    async allReady(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const exited = containers.find((c) => c.process.child.exitCode !== null && !c.process.child.killed);
        if (exited) throw new Error(`${exited.process.name} exited with ${exited.process.child.exitCode}\n${logs()}`);
        const killed = containers.find((c) => c.probes.killedBecause);
        if (killed) throw new Error(`${killed.process.name}: ${killed.probes.killedBecause}\n${logs()}`);
        const waiting = containers.filter((c) => !c.probes.ready);
        if (waiting.length === 0) return;
        if (Date.now() > deadline) throw new Error(`not ready after ${timeoutMs} ms: ${waiting.map((c) => c.process.name).join(', ')}\n${logs()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    serviceUrl(serviceName, portName, nth = 0) {
      const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === serviceName);
      if (!service) throw new Error(`no Service ${serviceName}`);
      const port = service.spec.ports.find((p: any) => p.name === portName);
      if (!port) throw new Error(`Service ${serviceName} has no port ${portName}`);
      const endpoints = [...new Set(containers.filter((c) => selects(service.spec.selector, c.workload.template.metadata.labels) && c.probes.ready && c.process.child.exitCode === null).map((c) => c.pod))];
      if (endpoints.length <= nth) throw new Error(`Service ${serviceName} has ${endpoints.length} ready endpoints`);
      return `http://127.0.0.1:${network.hostPort(endpoints[nth], port.targetPort ?? port.port)}`;
    },
    async deletePod(pod, duringPreStop) {
      const own = containers.filter((c) => c.pod === pod);
      const started = Date.now();
      const grace = own[0].workload.template.spec.terminationGracePeriodSeconds ?? 30;
      const results = await Promise.all(
        own.map(async (c) => {
          const preStop = c.spec.lifecycle?.preStop;
          const hook = (async () => {
            if (preStop?.sleep) await new Promise((r) => setTimeout(r, preStop.sleep.seconds * 1000));
            else if (preStop?.exec) spawnSync(preStop.exec.command[0], preStop.exec.command.slice(1).map((a: string) => c.rewritePaths(a)), { env: { PATH: process.env.PATH, ...c.env } });
          })();
          await Promise.all([hook, duringPreStop?.()]);
          c.probes.stop();
          c.process.child.kill('SIGTERM');
          const killer = setTimeout(() => void killContainer(c), Math.max(0, grace * 1000 - (Date.now() - started)));
          const code = await c.process.exited;
          clearTimeout(killer);
          return code;
        }),
      );
      return { code: results.find((r) => r !== 0) ?? results[0], seconds: (Date.now() - started) / 1000 };
    },
    async stop() {
      await Promise.all(containers.map(killContainer));
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
