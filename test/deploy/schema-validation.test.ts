/** The offline validation the manifests are held to catches what an API server would drop or refuse. */
import { describe, expect, it } from 'vitest';
import type { K8sObject } from '../support/k8s/objects';
import { schemaProblems } from '../support/k8s/schema-validation';

function deployment(container: Record<string, unknown>, extraSpec: Record<string, unknown> = {}): K8sObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'x', annotations: { 'prometheus.io/scrape': 'true' } },
    spec: {
      selector: { matchLabels: { app: 'x' } },
      template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'x', image: 'x:1', ...container }], volumes: [{ name: 'd', emptyDir: {} }] } },
      ...extraSpec,
    },
  };
}

describe('strict schema validation', () => {
  it('passes a valid object, with maps, empty objects and int-or-string ports', async () => {
    const object = deployment({ ports: [{ name: 'http', containerPort: 80 }], livenessProbe: { httpGet: { path: '/healthz', port: 'http' } }, resources: { limits: { memory: '1Gi' } } });
    expect(await schemaProblems(object)).toEqual([]);
  });

  it('names a misspelt field', async () => {
    expect(await schemaProblems(deployment({ imagePullPolicyy: 'Always' }))).toEqual(['/spec/template/spec/containers/0/imagePullPolicyy is not a field of Deployment (apps/v1)']);
  });

  it('names a field in the wrong place once, at its outermost unknown level', async () => {
    expect(await schemaProblems(deployment({}, { containers: [{ name: 'y', image: 'y' }] }))).toEqual(['/spec/containers is not a field of Deployment (apps/v1)']);
  });

  it('names a value of the wrong type', async () => {
    expect(await schemaProblems(deployment({ ports: [{ containerPort: '80' }] }))).toEqual(['/spec/template/spec/containers/0/ports/0/containerPort must be integer']);
  });

  it('validates prometheus-operator objects, strictly too', async () => {
    const monitor: K8sObject = { apiVersion: 'monitoring.coreos.com/v1', kind: 'PodMonitor', metadata: { name: 'x' }, spec: { selector: { matchLabels: { a: 'b' } }, podMetricsEndpoints: [{ port: 'metrics', pathh: '/metrics' }] } };
    expect(await schemaProblems(monitor)).toEqual(['/spec/podMetricsEndpoints/0/pathh is not a field of PodMonitor (monitoring.coreos.com/v1)']);
  });

  it('refuses a kind it has no schema for', async () => {
    await expect(schemaProblems({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'x' } })).rejects.toThrow('no schema for Widget in example.com/v1');
  });
});
