/**
 * Prometheus finds every program's /metrics: by annotations in the base and the dev overlay, by PodMonitors (and
 * the rules of deploy/monitoring) in the prometheus-operator overlay, never both.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { containerEnv } from '../support/k8s/env';
import { ofKind, selects, workloads } from '../support/k8s/objects';
import { render } from '../support/k8s/render';
import { ROOT } from '../support/processes';

/** The port of each program's /metrics, by the program's own settings: the control plane's API port; an edge's admin port. */
function metricsPort(objects: ReturnType<typeof render>, workload: string): number {
  const w = workloads(objects).find((x) => x.name === workload)!;
  const env = containerEnv(w.template.spec.containers[0], objects, { name: `${workload}-0`, namespace: 'cdn', ip: '10.0.0.1' });
  return Number(workload === 'cdn-edge' ? env.CDN_ADMIN_PORT : env.CDN_PORT);
}

describe.each(['base', 'overlays/dev'] as const)('deploy/k8s/%s', (name) => {
  const objects = render(name);

  it('annotates the control plane and the edges for Prometheus, with the port and path of their /metrics', () => {
    for (const workload of ['cdn-control-plane', 'cdn-edge']) {
      const annotations = workloads(objects).find((w) => w.name === workload)!.template.metadata.annotations;
      expect(annotations, workload).toEqual({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(metricsPort(objects, workload)), 'prometheus.io/path': '/metrics' });
    }
  });
});

describe('deploy/k8s/overlays/prometheus-operator', () => {
  const objects = render('overlays/prometheus-operator');

  it('has no scrape annotations, so that nothing is scraped twice', () => {
    expect(workloads(objects).filter((w) => Object.keys(w.template.metadata.annotations ?? {}).some((a) => a.startsWith('prometheus.io/'))).map((w) => w.name)).toEqual([]);
  });

  it('has a PodMonitor for the control plane and one for the edges, each on the port of their /metrics', () => {
    const monitors = ofKind(objects, 'PodMonitor');
    for (const workload of ['cdn-control-plane', 'cdn-edge']) {
      const w = workloads(objects).find((x) => x.name === workload)!;
      const monitor = monitors.filter((m) => selects(m.spec.selector, w.template.metadata.labels));
      expect(monitor.length, workload).toBe(1);
      const [endpoint] = monitor[0].spec.podMetricsEndpoints;
      expect(endpoint.path).toBe('/metrics');
      expect(w.template.spec.containers[0].ports.find((p: any) => p.name === endpoint.port)?.containerPort, workload).toBe(metricsPort(objects, workload));
    }
  });

  it('has the rules of deploy/monitoring/prometheus/cdn-alerts.yml, the very groups', () => {
    const groups = ofKind(objects, 'PrometheusRule').flatMap((r) => r.spec.groups);
    expect(groups).toEqual(parse(fs.readFileSync(path.join(ROOT, 'deploy/monitoring/prometheus/cdn-alerts.yml'), 'utf8')).groups);
  });

  it('has alerting rules, each with a severity and a summary', () => {
    const rules = ofKind(objects, 'PrometheusRule').flatMap((r) => r.spec.groups.flatMap((g: any) => g.rules)).filter((r: any) => r.alert);
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      expect(['warning', 'critical'], rule.alert).toContain(rule.labels.severity);
      expect(rule.annotations.summary, rule.alert).toBeTruthy();
    }
  });
});
