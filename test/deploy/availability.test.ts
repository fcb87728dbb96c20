/**
 * The base survives the loss of a pod, a node or a zone, and upgrades without dropping traffic; the dev overlay is
 * one of everything for a laptop.
 */
import { describe, expect, it } from 'vitest';
import { named, ofKind, selects, workloads } from '../support/k8s/objects';
import { KUSTOMIZATIONS, render } from '../support/k8s/render';

/** How long an edge lets requests in flight finish after SIGTERM (SHUTDOWN_GRACE_MS of apps/edge-proxy/src/main.ts). */
const EDGE_SHUTDOWN_GRACE_S = 5;

describe.each(KUSTOMIZATIONS.filter((k) => k !== 'overlays/dev'))('deploy/k8s/%s', (name) => {
  const objects = render(name);
  const all = workloads(objects);
  const byName = (n: string) => all.find((w) => w.name === n)!;

  it('runs several control planes, three NATS servers and at least two edges', () => {
    expect(byName('cdn-control-plane').replicas).toBeGreaterThanOrEqual(2);
    expect(byName('cdn-nats').replicas).toBe(3);
    expect(byName('cdn-edge').replicas).toBeGreaterThanOrEqual(2);
  });

  it('has a PodDisruptionBudget for every workload of more than one pod, letting one go at a time', () => {
    const autoscaled = (w: (typeof all)[number]) => ofKind(objects, 'HorizontalPodAutoscaler').some((h) => h.spec.scaleTargetRef.name === w.name && h.spec.maxReplicas > 1);
    for (const w of all.filter((w) => w.replicas > 1 || autoscaled(w))) {
      const budgets = ofKind(objects, 'PodDisruptionBudget').filter((p) => selects(p.spec.selector, w.template.metadata.labels));
      expect(budgets.map((b) => b.spec), w.name).toEqual([{ maxUnavailable: 1, selector: expect.anything() }]);
    }
  });

  it('spreads the pods of every workload of more than one pod across zones', () => {
    for (const w of all.filter((w) => w.replicas > 1)) {
      const spread = w.template.spec.topologySpreadConstraints ?? [];
      expect(spread.some((c: any) => c.topologyKey === 'topology.kubernetes.io/zone' && selects(c.labelSelector, w.template.metadata.labels)), w.name).toBe(true);
    }
  });

  it('autoscales the edges by CPU and leaves their count to the autoscaler', () => {
    const edge = byName('cdn-edge');
    const hpa = named(objects, 'HorizontalPodAutoscaler', 'cdn-edge')!;
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'cdn-edge' });
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(edge.object.spec.replicas).toBeUndefined();
  });

  it('upgrades the control plane and the edges by starting new pods before stopping old ones', () => {
    for (const n of ['cdn-control-plane', 'cdn-edge']) expect(byName(n).object.spec.strategy.rollingUpdate.maxUnavailable, n).toBe(0);
  });

  it('lets an edge finish its requests when it stops: a preStop pause, then its shutdown grace, within the termination grace period', () => {
    const spec = byName('cdn-edge').template.spec;
    const pause = spec.containers[0].lifecycle.preStop.sleep.seconds;
    expect(pause).toBeGreaterThanOrEqual(5);
    expect(spec.terminationGracePeriodSeconds).toBeGreaterThan(pause + EDGE_SHUTDOWN_GRACE_S);
  });

  it('puts the edges behind a LoadBalancer and keeps the control plane and the data stores inside the cluster', () => {
    const types = Object.fromEntries(ofKind(objects, 'Service').map((s) => [s.metadata.name, s.spec.type ?? 'ClusterIP']));
    expect(types).toEqual({ 'cdn-edge': 'LoadBalancer', 'cdn-control-plane': 'ClusterIP', 'cdn-nats': 'ClusterIP', 'cdn-nats-cluster': 'ClusterIP', 'cdn-redis': 'ClusterIP' });
  });
});

describe('deploy/k8s/overlays/dev', () => {
  const objects = render('overlays/dev');

  it('runs one pod of everything', () => {
    expect(Object.fromEntries(workloads(objects).map((w) => [w.name, w.replicas]))).toEqual({ 'cdn-nats': 1, 'cdn-redis': 1, 'cdn-control-plane': 1, 'cdn-edge': 1 });
    expect(named(objects, 'HorizontalPodAutoscaler', 'cdn-edge')!.spec).toMatchObject({ minReplicas: 1, maxReplicas: 1 });
  });

  it('claims no volume', () => {
    expect(workloads(objects).filter((w) => w.object.spec.volumeClaimTemplates).map((w) => w.name)).toEqual([]);
    expect(ofKind(objects, 'PersistentVolumeClaim')).toEqual([]);
  });
});
