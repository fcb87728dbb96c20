/**
 * The objects of each kustomization fit together: every reference resolves, every Service reaches pods on ports
 * they declare, every CDN_* variable is an option of the program it is given to, and NATS, its users and their
 * passwords agree with the programs that log in.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OPTION_SPECS, programOptions } from '@cdn/shared';
import { CDN_USERS_FILE } from '../support/cdn-nats-users';
import { commandLine, programOf, runsCdnImage } from '../support/k8s/cdn-image';
import { readDockerfile } from '../support/k8s/dockerfile';
import { containerEnv, envNames } from '../support/k8s/env';
import { configKeys, configValue, containersOf, named, ofKind, referencedConfig, selects, workloads } from '../support/k8s/objects';
import { KUSTOMIZATIONS, render } from '../support/k8s/render';

const image = readDockerfile();
const pod = (name: string) => ({ name, namespace: 'cdn', ip: '10.0.0.1' });

/** The options a program takes, by their variable. */
function variablesOf(program: Parameters<typeof programOptions>[0]): string[] {
  return programOptions(program).map((key) => OPTION_SPECS[key].env);
}

describe.each(KUSTOMIZATIONS)('deploy/k8s/%s fits together', (name) => {
  const objects = render(name);
  const all = workloads(objects);
  const cdnContainers = all.flatMap((w) => containersOf(w.template.spec).filter(runsCdnImage).map((container) => ({ workload: w, container })));

  it('every Secret and ConfigMap a pod names is in the render, with the keys it names', () => {
    const missing = all.flatMap((w) =>
      referencedConfig(w.template.spec)
        .filter((ref) => {
          const object = named(objects, ref.kind, ref.name);
          return !object || (ref.key !== undefined && !configKeys(object).includes(ref.key));
        })
        .map((ref) => `${w.name} ${ref.where}: ${ref.kind} ${ref.name}${ref.key ? ` key ${ref.key}` : ''}`),
    );
    expect(missing).toEqual([]);
  });

  it('every Service selects a pod template, and each of its target ports is a port of every pod it selects', () => {
    for (const service of ofKind(objects, 'Service')) {
      const selected = all.filter((w) => selects(service.spec.selector, w.template.metadata.labels));
      expect(selected.length, `Service ${service.metadata.name}`).toBeGreaterThan(0);
      for (const w of selected) {
        const ports = containersOf(w.template.spec).flatMap((c) => c.ports ?? []);
        for (const port of service.spec.ports) {
          const target = port.targetPort ?? port.port;
          expect(ports.some((p: any) => p.name === target || p.containerPort === target), `Service ${service.metadata.name} port ${port.name} -> ${w.name}:${target}`).toBe(true);
        }
      }
    }
  });

  it('every workload\'s selector selects its own pod template, and no other workload\'s', () => {
    for (const w of all) {
      expect(all.filter((other) => selects(w.object.spec.selector, other.template.metadata.labels)).map((o) => o.name)).toEqual([w.name]);
    }
  });

  it('gives each program of the image only CDN_* variables it takes (its rows of the README\'s settings table)', () => {
    for (const { workload, container } of cdnContainers) {
      const program = programOf(commandLine(container, image));
      const taken = variablesOf(program);
      const foreign = envNames(container, objects).filter((v) => v.startsWith('CDN_') && !taken.includes(v));
      expect(foreign, `${workload.name} runs ${program}`).toEqual([]);
    }
  });

  it('runs the control plane and the edges, named after their pods', () => {
    const programs = Object.fromEntries(cdnContainers.map(({ workload, container }) => [workload.name, { program: programOf(commandLine(container, image)), env: containerEnv(container, objects, pod(`${workload.name}-x`)) }]));
    expect(programs['cdn-control-plane'].program).toBe('control-plane');
    expect(programs['cdn-control-plane'].env.CDN_REPLICA_ID).toBe('cdn-control-plane-x');
    expect(programs['cdn-edge'].program).toBe('edge');
    expect(programs['cdn-edge'].env.CDN_EDGE_ID).toBe('cdn-edge-x');
  });

  it('asks the control plane for as many copies of each bucket as there are NATS servers', () => {
    const nats = all.find((w) => w.name === 'cdn-nats')!;
    const controlPlane = cdnContainers.find((c) => c.workload.name === 'cdn-control-plane')!;
    expect(Number(containerEnv(controlPlane.container, objects, pod('cp')).CDN_NATS_REPLICAS)).toBe(nats.replicas);
  });

  it('mounts deploy/nats/cdn-users.conf, as it is, where the NATS configuration includes it', () => {
    const nats = all.find((w) => w.name === 'cdn-nats')!;
    const sources = nats.template.spec.volumes.find((v: any) => v.name === 'config').projected.sources;
    const users = named(objects, 'Secret', sources.find((s: any) => s.secret).secret.name)!;
    expect(configValue(users, 'cdn-users.conf')).toBe(fs.readFileSync(CDN_USERS_FILE, 'utf8'));
    const config = configValue(named(objects, 'ConfigMap', sources.find((s: any) => s.configMap).configMap.name)!, 'nats.conf')!;
    expect(config).toMatch(/^include cdn-users\.conf$/m);
  });

  it('gives the NATS servers every variable their configuration reads', () => {
    const nats = all.find((w) => w.name === 'cdn-nats')!;
    const container = nats.template.spec.containers[0];
    const sources = nats.template.spec.volumes.find((v: any) => v.name === 'config').projected.sources;
    const files = [configValue(named(objects, 'ConfigMap', sources[0].configMap.name)!, 'nats.conf')!, fs.readFileSync(CDN_USERS_FILE, 'utf8')];
    // Variables are unquoted $NAMEs ("$JS.API.>" in quotes is a subject); comments say nothing.
    const read = new Set(files.flatMap((text) => [...text.replace(/#.*$/gm, '').replace(/"[^"]*"/g, '').matchAll(/\$([A-Z_][A-Z0-9_]*)/g)].map((m) => m[1])));
    expect([...read].filter((v) => !envNames(container, objects).includes(v))).toEqual([]);
  });

  it('logs each program in as a NATS user of the users file, with the password the server expects of that user', () => {
    const users = fs.readFileSync(CDN_USERS_FILE, 'utf8');
    const nats = all.find((w) => w.name === 'cdn-nats')!;
    const serverEnv = containerEnv(nats.template.spec.containers[0], objects, pod('cdn-nats-0'));
    for (const { workload, container } of cdnContainers) {
      const env = containerEnv(container, objects, pod(workload.name));
      const variable = new RegExp(`user: ${env.CDN_NATS_USER}\\s+password: \\$([A-Z_]+)`).exec(users)?.[1];
      expect(variable, `${workload.name}: user ${env.CDN_NATS_USER} in ${path.basename(CDN_USERS_FILE)}`).toBeDefined();
      expect(env.CDN_NATS_PASSWORD, workload.name).toBe(serverEnv[variable!]);
    }
  });

  it('gives the edges the password Redis requires', () => {
    const redis = all.find((w) => w.name === 'cdn-redis')!.template.spec.containers[0];
    const redisEnv = containerEnv(redis, objects, pod('cdn-redis'));
    const password = redis.args[redis.args.indexOf('--requirepass') + 1].replace(/\$\((\w+)\)/, (_: string, v: string) => redisEnv[v]);
    const edge = cdnContainers.find((c) => c.workload.name === 'cdn-edge')!;
    const url = new URL(containerEnv(edge.container, objects, pod('cdn-edge')).CDN_CACHE_REDIS_URL);
    expect(decodeURIComponent(url.password)).toBe(password);
    expect(password).toMatch(/^[A-Za-z0-9-]+$/);
  });
});

describe('NATS in the base', () => {
  const objects = render('base');
  const nats = workloads(objects).find((w) => w.name === 'cdn-nats')!;

  it('is a cluster of 3 servers whose routes name each of them through the headless Service that publishes them before they are ready', () => {
    expect(nats.replicas).toBe(3);
    expect(nats.object.spec.podManagementPolicy).toBe('Parallel');
    const headless = named(objects, 'Service', nats.object.spec.serviceName)!;
    expect(headless.spec).toMatchObject({ clusterIP: 'None', publishNotReadyAddresses: true });
    const config = configValue(ofKind(objects, 'ConfigMap').find((c) => c.metadata.name.startsWith('cdn-nats-config'))!, 'nats.conf')!;
    const routes = [...config.matchAll(/nats:\/\/([\w.-]+):(\d+)/g)].map((m) => `${m[1]}:${m[2]}`);
    const clusterPort = nats.template.spec.containers[0].ports.find((p: any) => p.name === 'cluster').containerPort;
    expect(routes).toEqual([0, 1, 2].map((i) => `cdn-nats-${i}.${headless.metadata.name}:${clusterPort}`));
  });

  it('keeps JetStream on a volume claim of each server', () => {
    expect(nats.object.spec.volumeClaimTemplates.map((t: any) => t.metadata.name)).toEqual(['data']);
  });
});
