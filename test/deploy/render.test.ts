/**
 * Every kustomization of deploy/k8s renders with `kubectl kustomize`, and every object it renders is valid for
 * Kubernetes (or the Prometheus Operator) with no field the API would not know.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../support/processes';
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

describe('the README\'s Kubernetes section, pasted into a shell', () => {
  /** The bash blocks of the section, in order. */
  const blocks = (() => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const start = readme.indexOf('\n## Deploy on Kubernetes\n');
    expect(start).toBeGreaterThan(-1);
    return [...readme.slice(start, readme.indexOf('\n## ', start + 1)).matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1]);
  })();

  it('renders the base and both overlays with the commands it gives', () => {
    const renders = blocks.flatMap((b) => b.split('\n')).filter((line) => line.startsWith('kubectl kustomize '));
    expect(renders.map((l) => l.split(/\s+/)[2])).toEqual(expect.arrayContaining(['deploy/k8s', 'deploy/k8s/overlays/dev', 'deploy/k8s/overlays/prometheus-operator']));
    for (const line of renders.filter((l) => !l.includes('production'))) {
      const result = spawnSync('bash', ['-c', `${line.split('#')[0]} > /dev/null`], { cwd: ROOT, encoding: 'utf8' });
      expect(result.status, `${line}\n${result.stderr}`).toBe(0);
    }
  });

  it('makes an overlay whose Secret replaces every example value with a new random one', () => {
    const block = blocks.find((b) => b.includes('overlays/production'))!;
    const dir = tempDir();
    fs.cpSync(path.join(ROOT, 'deploy'), path.join(dir, 'deploy'), { recursive: true, verbatimSymlinks: true });
    const result = spawnSync('bash', ['-e', '-c', block], { cwd: dir, encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe('ok');
    const rendered = spawnSync('kubectl', ['kustomize', path.join(dir, 'deploy/k8s/overlays/production')], { encoding: 'utf8' });
    const secret = parseAllDocuments(rendered.stdout).map((d) => d.toJS()).find((o) => o.kind === 'Secret' && o.metadata.name.startsWith('cdn-secrets-'));
    const values = Object.entries(secret.data as Record<string, string>).map(([key, v]) => [key, Buffer.from(v, 'base64').toString('utf8')]);
    expect(Object.keys(secret.data).sort()).toEqual(Object.keys(render('base').find((o) => o.kind === 'Secret' && o.metadata.name.startsWith('cdn-secrets-'))!.data).sort());
    // nats-server parses the NATS passwords as configuration values: one that starts with a digit may read as a number.
    for (const [key, value] of values) expect(value, key).toMatch(key.startsWith('nats-') ? /^[a-z]+[0-9a-f]{64}$/ : /^[0-9a-f]{64}$/);
    expect(secret.metadata.namespace).toBe('cdn');
  });
});
