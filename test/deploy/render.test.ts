/**
 * Every kustomization of deploy/k8s renders with `kubectl kustomize`, and every object it renders is valid for
 * Kubernetes (or the Prometheus Operator) with no field the API would not know.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { K8S_DIR, KUSTOMIZATIONS, render } from '../support/k8s/render';
import { schemaProblems } from '../support/k8s/schema-validation';

/** The fields of a kustomization that kubectl 1.20's kustomize (v2.0.3, Debian's kubectl) reads, besides which none may be used. */
const KUSTOMIZE_V2_FIELDS = ['bases', 'resources', 'namespace', 'namePrefix', 'nameSuffix', 'commonLabels', 'commonAnnotations', 'configMapGenerator', 'secretGenerator', 'generatorOptions', 'patchesStrategicMerge', 'patchesJson6902', 'images', 'vars', 'crds'];

describe.each(KUSTOMIZATIONS)('kubectl kustomize deploy/k8s/%s', (name) => {
  it('renders', () => {
    expect(render(name).length).toBeGreaterThan(0);
  });

  it('renders only objects valid for their schema, with no unknown field', async () => {
    const problems: string[] = [];
    for (const object of render(name)) {
      for (const problem of await schemaProblems(object)) problems.push(`${object.kind}/${object.metadata.name}: ${problem}`);
    }
    expect(problems).toEqual([]);
  });

  it('puts everything but the namespace itself in the namespace it creates', () => {
    const objects = render(name);
    const namespaces = objects.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name);
    expect(namespaces).toEqual(['cdn']);
    expect(objects.filter((o) => o.kind !== 'Namespace' && o.metadata.namespace !== 'cdn').map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([]);
  });

  it('names each object once', () => {
    const ids = render(name).map((o) => `${o.kind}/${o.metadata.name}`);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  it('is written with the fields every kubectl since 1.20 reads', () => {
    const kustomization = parse(fs.readFileSync(path.join(K8S_DIR, name, 'kustomization.yaml'), 'utf8'));
    expect(Object.keys(kustomization).filter((field) => !KUSTOMIZE_V2_FIELDS.includes(field))).toEqual([]);
  });
});
