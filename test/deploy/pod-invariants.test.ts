/**
 * What every pod of every kustomization must have: probes, requests and limits, a locked-down security context,
 * volumes wherever a program writes (its root filesystem is read-only), and the image's user and version.
 */
import { describe, expect, it } from 'vitest';
import { OPTION_SPECS } from '@cdn/shared';
import { commandLine, PACKAGE_VERSION, runsCdnImage } from '../support/k8s/cdn-image';
import { readDockerfile } from '../support/k8s/dockerfile';
import { containerEnv } from '../support/k8s/env';
import { containersOf, workloads, type Workload } from '../support/k8s/objects';
import { KUSTOMIZATIONS, render } from '../support/k8s/render';

const image = readDockerfile();

/** Each container of each workload, named for messages. */
function containers(list: Workload[]): { where: string; workload: Workload; container: any }[] {
  return list.flatMap((workload) => containersOf(workload.template.spec).map((container) => ({ where: `${workload.name}/${container.name}`, workload, container })));
}

function mounted(container: any, file: string): boolean {
  return (container.volumeMounts ?? []).some((m: any) => !m.readOnly && (file === m.mountPath || file.startsWith(`${m.mountPath}/`)));
}

const MIB = 1024 * 1024;

function bytes(quantity: string): number {
  const [, n, unit = ''] = /^(\d+(?:\.\d+)?)([KMGT]i?)?$/.exec(quantity) ?? [];
  const factor: Record<string, number> = { '': 1, Ki: 1024, Mi: MIB, Gi: 1024 * MIB, K: 1e3, M: 1e6, G: 1e9 };
  return Number(n) * factor[unit];
}

describe.each(KUSTOMIZATIONS)('the pods of deploy/k8s/%s', (name) => {
  const objects = render(name);
  const all = containers(workloads(objects));

  it('all have a liveness and a readiness probe', () => {
    expect(all.filter(({ container }) => !container.livenessProbe || !container.readinessProbe).map((c) => c.where)).toEqual([]);
  });

  it('probe the programs of the image on /healthz (liveness) and /readyz (readiness), on ports they declare', () => {
    for (const { where, container } of all.filter((c) => runsCdnImage(c.container))) {
      const ports = container.ports.map((p: any) => p.name);
      expect(container.livenessProbe.httpGet, where).toMatchObject({ path: '/healthz' });
      expect(container.readinessProbe.httpGet, where).toMatchObject({ path: '/readyz' });
      expect(ports, where).toContain(container.livenessProbe.httpGet.port);
      expect(ports, where).toContain(container.readinessProbe.httpGet.port);
    }
  });

  it('all request and limit CPU and memory', () => {
    const missing = all.filter(({ container }) => ['requests', 'limits'].some((kind) => !container.resources?.[kind]?.cpu || !container.resources?.[kind]?.memory));
    expect(missing.map((c) => c.where)).toEqual([]);
  });

  it('all run as a non-root user, read-only, unprivileged, without capabilities, under the RuntimeDefault seccomp profile', () => {
    for (const { where, workload, container } of all) {
      const pod = workload.template.spec.securityContext ?? {};
      const own = container.securityContext ?? {};
      expect(own, where).toMatchObject({ runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } });
      expect(own.privileged ?? false, where).toBe(false);
      expect(own.runAsUser ?? pod.runAsUser, where).toBeGreaterThan(0);
      expect(pod, where).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(workload.template.spec.automountServiceAccountToken, `${where}: no pod needs the Kubernetes API`).toBe(false);
    }
  });

  it('give the programs of the image a writable volume for every file they write, their working directory included', () => {
    for (const { where, workload, container } of all.filter((c) => runsCdnImage(c.container))) {
      const env = containerEnv(container, objects, { name: `${workload.name}-0`, namespace: 'cdn', ip: '10.0.0.1' });
      expect(mounted(container, image.workdir), `${where}: the image's WORKDIR ${image.workdir}`).toBe(true);
      const written = [env.CDN_NODES_FILE, env.CDN_STATE_DIR, env.CDN_LOG_FILE === '-' ? undefined : (env.CDN_LOG_FILE ?? `${image.workdir}/cdn_system.log`)];
      for (const file of written.filter((f): f is string => f !== undefined)) expect(mounted(container, file.startsWith('/') ? file : `${image.workdir}/${file}`), `${where}: ${file}`).toBe(true);
    }
  });

  it('give the NATS servers a writable volume for JetStream and their pid file, and Redis one for its directory', () => {
    const nats = all.find((c) => c.container.name === 'nats')!.container;
    expect(mounted(nats, '/data/jetstream')).toBe(true);
    expect(mounted(nats, '/var/run/nats/nats.pid')).toBe(true);
    const redis = all.find((c) => c.container.name === 'redis')!.container;
    expect(mounted(redis, redis.args[redis.args.indexOf('--dir') + 1])).toBe(true);
  });

  it('run the image of this version, as the image\'s own user, with the entrypoint that starts a program', () => {
    for (const { where, workload, container } of all.filter((c) => runsCdnImage(c.container))) {
      expect(container.image, where).toBe(`cdn-management-system:${PACKAGE_VERSION}`);
      expect(container.command, `${where} keeps the image's ENTRYPOINT (tini)`).toBeUndefined();
      expect(commandLine(container, image).slice(0, image.entrypoint.length)).toEqual(image.entrypoint);
      const uid = container.securityContext?.runAsUser ?? workload.template.spec.securityContext?.runAsUser;
      expect(uid, where).toBe(image.user.uid);
    }
  });

  it('give each edge memory for its cache at 1.5 times its size (README: Caching), and 128 MiB besides', () => {
    const edge = all.find((c) => c.container.name === 'edge')!;
    const env = containerEnv(edge.container, objects, { name: 'cdn-edge-0', namespace: 'cdn', ip: '10.0.0.1' });
    const spec = OPTION_SPECS.cacheMaxBytes;
    const cache = (env[spec.env] === undefined ? spec.default : spec.parse!(env[spec.env], spec.env)) as number;
    expect(bytes(edge.container.resources.limits.memory)).toBeGreaterThanOrEqual(1.5 * cache + 128 * MIB);
  });

  it('keep Redis\'s maxmemory to three quarters of its memory limit, evicting the least recently used keys', () => {
    const redis = all.find((c) => c.container.name === 'redis')!.container;
    const arg = (flag: string) => redis.args[redis.args.indexOf(flag) + 1];
    expect(arg('--maxmemory-policy')).toBe('allkeys-lru');
    expect(bytes(arg('--maxmemory').replace(/mb$/i, 'Mi').replace(/gb$/i, 'Gi'))).toBeLessThanOrEqual(0.75 * bytes(redis.resources.limits.memory));
  });
});
