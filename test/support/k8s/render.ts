/** The kustomizations of deploy/k8s, rendered by `kubectl kustomize` as `kubectl apply -k` would apply them. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ROOT } from '../processes';
import type { K8sObject } from './objects';

export const K8S_DIR = path.join(ROOT, 'deploy/k8s');

/** Every kustomization users apply, by the directory they name (relative to deploy/k8s). */
export const KUSTOMIZATIONS = ['.', 'base', 'overlays/dev', 'overlays/prometheus-operator'] as const;
export type KustomizationName = (typeof KUSTOMIZATIONS)[number];

const rendered = new Map<string, K8sObject[]>();

/** The objects a kustomization renders to; kubectl's error (with its stderr) when it does not render. */
export function render(name: KustomizationName): K8sObject[] {
  const cached = rendered.get(name);
  if (cached) return cached;
  const result = spawnSync('kubectl', ['kustomize', path.join(K8S_DIR, name)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw new Error(`kubectl kustomize could not run (is kubectl installed?): ${result.error.message}`);
  if (result.status !== 0) throw new Error(`kubectl kustomize deploy/k8s/${name} failed:\n${result.stderr}`);
  const objects = parseAllDocuments(result.stdout).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`kubectl kustomize deploy/k8s/${name} printed invalid YAML: ${doc.errors[0].message}`);
    return doc.toJS() as K8sObject;
  });
  rendered.set(name, objects);
  return objects;
}
