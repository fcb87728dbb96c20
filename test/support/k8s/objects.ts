/** Reading rendered objects: workloads and their pod templates, selectors, references by name. */

/** A Kubernetes object as rendered: only the fields every object has are typed. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: any;
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }[];
}

/** A Deployment or StatefulSet with what a kubelet needs of it. */
export interface Workload {
  object: K8sObject;
  kind: 'Deployment' | 'StatefulSet';
  name: string;
  /** spec.replicas; when absent, the minimum of the HorizontalPodAutoscaler that scales it, else 1 (the API's default). */
  replicas: number;
  template: { metadata: { labels: Record<string, string>; annotations?: Record<string, string> }; spec: any };
}

export function ofKind(objects: K8sObject[], kind: string): K8sObject[] {
  return objects.filter((o) => o.kind === kind);
}

export function named(objects: K8sObject[], kind: string, name: string): K8sObject | undefined {
  return objects.find((o) => o.kind === kind && o.metadata.name === name);
}

export function workloads(objects: K8sObject[]): Workload[] {
  const autoscalers = ofKind(objects, 'HorizontalPodAutoscaler');
  return objects
    .filter((o): o is K8sObject & { kind: Workload['kind'] } => o.kind === 'Deployment' || o.kind === 'StatefulSet')
    .map((object) => {
      const hpa = autoscalers.find((h) => h.spec.scaleTargetRef.kind === object.kind && h.spec.scaleTargetRef.name === object.metadata.name);
      return {
        object,
        kind: object.kind,
        name: object.metadata.name,
        replicas: object.spec.replicas ?? hpa?.spec.minReplicas ?? 1,
        template: object.spec.template,
      };
    });
}

/** The names of the pods a workload makes: a StatefulSet's are <name>-<ordinal>; a Deployment's get a suffix. */
export function podNames(workload: Workload): string[] {
  return Array.from({ length: workload.replicas }, (_, i) => (workload.kind === 'StatefulSet' ? `${workload.name}-${i}` : `${workload.name}-7d9f8c6b5-${'abcdefghij'[i]}x2kq`));
}

export function selects(selector: LabelSelector | Record<string, string> | undefined, labels: Record<string, string> = {}): boolean {
  if (!selector) return false;
  const full: LabelSelector = 'matchLabels' in selector || 'matchExpressions' in selector ? (selector as LabelSelector) : { matchLabels: selector as Record<string, string> };
  const byLabels = Object.entries(full.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpressions = (full.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    switch (operator) {
      case 'In':
        return key in labels && values.includes(labels[key]);
      case 'NotIn':
        return !(key in labels) || !values.includes(labels[key]);
      case 'Exists':
        return key in labels;
      case 'DoesNotExist':
        return !(key in labels);
    }
  });
  return byLabels && byExpressions;
}

/** Every container of a pod spec, init containers included. */
export function containersOf(podSpec: any): any[] {
  return [...(podSpec.initContainers ?? []), ...podSpec.containers];
}

/** The Secrets and ConfigMaps a pod spec names, wherever it names them. */
export function referencedConfig(podSpec: any): { kind: 'Secret' | 'ConfigMap'; name: string; key?: string; where: string }[] {
  const refs: { kind: 'Secret' | 'ConfigMap'; name: string; key?: string; where: string }[] = [];
  for (const c of containersOf(podSpec)) {
    for (const from of c.envFrom ?? []) {
      if (from.configMapRef) refs.push({ kind: 'ConfigMap', name: from.configMapRef.name, where: `${c.name} envFrom` });
      if (from.secretRef) refs.push({ kind: 'Secret', name: from.secretRef.name, where: `${c.name} envFrom` });
    }
    for (const env of c.env ?? []) {
      const ref = env.valueFrom;
      if (ref?.configMapKeyRef) refs.push({ kind: 'ConfigMap', name: ref.configMapKeyRef.name, key: ref.configMapKeyRef.key, where: `${c.name} env ${env.name}` });
      if (ref?.secretKeyRef) refs.push({ kind: 'Secret', name: ref.secretKeyRef.name, key: ref.secretKeyRef.key, where: `${c.name} env ${env.name}` });
    }
  }
  for (const v of podSpec.volumes ?? []) {
    const sources = v.projected ? v.projected.sources : [v];
    for (const s of sources) {
      for (const item of (s.configMap ?? s.secret)?.items ?? [{}]) {
        if (s.configMap) refs.push({ kind: 'ConfigMap', name: s.configMap.name, key: item.key, where: `volume ${v.name}` });
        if (s.secret) refs.push({ kind: 'Secret', name: s.secret.secretName ?? s.secret.name, key: item.key, where: `volume ${v.name}` });
      }
    }
  }
  return refs;
}

/** The value of a ConfigMap's or Secret's key as a program would read it. */
export function configValue(object: K8sObject, key: string): string | undefined {
  if (object.kind === 'Secret') {
    if (object.stringData?.[key] !== undefined) return object.stringData[key];
    return object.data?.[key] === undefined ? undefined : Buffer.from(object.data[key], 'base64').toString('utf8');
  }
  return object.data?.[key];
}

/** Every key of a ConfigMap or Secret. */
export function configKeys(object: K8sObject): string[] {
  return [...Object.keys(object.data ?? {}), ...Object.keys(object.stringData ?? {}), ...Object.keys(object.binaryData ?? {})];
}
