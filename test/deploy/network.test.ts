/**
 * Who may connect to what (NetworkPolicies evaluated as the cluster would), and what the public Service exposes:
 * only the edges and the control plane reach NATS and Redis, and the admin API is out of reach from the edges'
 * public Service and from the edges themselves.
 */
import { describe, expect, it } from 'vitest';
import { allowed, type Peer } from '../support/k8s/network-policy';
import { containerEnv } from '../support/k8s/env';
import { named, workloads } from '../support/k8s/objects';
import { KUSTOMIZATIONS, render } from '../support/k8s/render';

const NAMESPACE = { 'kubernetes.io/metadata.name': 'cdn' };
const OTHER_NAMESPACE = { 'kubernetes.io/metadata.name': 'monitoring' };

describe.each(KUSTOMIZATIONS)('deploy/k8s/%s', (name) => {
  const objects = render(name);
  const all = workloads(objects);
  const labelsOf = (n: string) => all.find((w) => w.name === n)!.template.metadata.labels;
  const podOf = (n: string): Peer => ({ pod: labelsOf(n), namespace: NAMESPACE });
  const peers: Record<string, Peer> = {
    'cdn-control-plane': podOf('cdn-control-plane'),
    'cdn-edge': podOf('cdn-edge'),
    'cdn-nats': podOf('cdn-nats'),
    'cdn-redis': podOf('cdn-redis'),
    'another pod of the namespace': { pod: { app: 'debug' }, namespace: NAMESPACE },
    'a pod of another namespace': { pod: { app: 'prometheus' }, namespace: OTHER_NAMESPACE },
    'the Internet': { external: true },
  };
  /** The peers that may connect to a port of a workload's pods. */
  const reaching = (workload: string, portName: string) => {
    const port = all.find((w) => w.name === workload)!.template.spec.containers[0].ports.find((p: any) => p.name === portName);
    return Object.keys(peers).filter((peer) => allowed(objects, peers[peer], { labels: labelsOf(workload), namespace: 'cdn', port: { name: port.name, number: port.containerPort } }));
  };

  it('lets only the control plane and the edges reach NATS, and only NATS servers its route port', () => {
    expect(reaching('cdn-nats', 'client')).toEqual(['cdn-control-plane', 'cdn-edge']);
    expect(reaching('cdn-nats', 'cluster')).toEqual(['cdn-nats']);
    expect(reaching('cdn-nats', 'monitor')).toEqual([]);
  });

  it('lets only the edges reach Redis', () => {
    expect(reaching('cdn-redis', 'redis')).toEqual(['cdn-edge']);
  });

  it('keeps the admin API away from the edges and the Internet', () => {
    expect(reaching('cdn-control-plane', 'http')).toEqual(['cdn-control-plane', 'cdn-nats', 'cdn-redis', 'another pod of the namespace', 'a pod of another namespace']);
  });

  it('lets anyone send requests to the edges, and only pods of the cluster read their metrics', () => {
    expect(reaching('cdn-edge', 'http')).toEqual(Object.keys(peers));
    expect(reaching('cdn-edge', 'metrics')).toEqual(Object.keys(peers).filter((p) => p !== 'the Internet'));
  });

  it('exposes only the edges\' client port through their public Service, never the port of /metrics', () => {
    const service = named(objects, 'Service', 'cdn-edge')!;
    const edge = all.find((w) => w.name === 'cdn-edge')!.template.spec.containers[0];
    const env = containerEnv(edge, objects, { name: 'cdn-edge-0', namespace: 'cdn', ip: '10.0.0.1' });
    const targets = service.spec.ports.map((p: any) => edge.ports.find((c: any) => c.name === p.targetPort || c.containerPort === p.targetPort).containerPort);
    expect(targets).toEqual([Number(env.CDN_PORT)]);
    expect(env.CDN_ADMIN_PORT).toBeDefined();
    expect(targets).not.toContain(Number(env.CDN_ADMIN_PORT));
  });
});
