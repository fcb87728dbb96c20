/** A container's environment and command line as the kubelet makes them: envFrom, then env in order, with $(VAR) references expanded. */
import { configKeys, configValue, named, type K8sObject } from './objects';

export interface PodIdentity {
  name: string;
  namespace: string;
  ip: string;
}

/** $(VAR) becomes VAR's value when VAR is defined (else it is left as written); $$(VAR) stays a literal $(VAR). */
export function expand(text: string, env: Record<string, string>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (match, name: string | undefined) => (name === undefined ? '$' : (env[name] ?? match)));
}

function configObject(objects: K8sObject[], kind: 'ConfigMap' | 'Secret', name: string): K8sObject {
  const object = named(objects, kind, name);
  if (!object) throw new Error(`${kind} ${name} is not in the render`);
  return object;
}

function fieldValue(fieldPath: string, pod: PodIdentity): string {
  const fields: Record<string, string> = { 'metadata.name': pod.name, 'metadata.namespace': pod.namespace, 'status.podIP': pod.ip, 'status.hostIP': pod.ip, 'spec.nodeName': 'node-1' };
  if (!(fieldPath in fields)) throw new Error(`fieldRef ${fieldPath} is not one this test knows`);
  return fields[fieldPath];
}

/** The environment of `container` in the pod `pod`; a reference to a missing object or key throws, as the kubelet refuses to start it. */
export function containerEnv(container: any, objects: K8sObject[], pod: PodIdentity): Record<string, string> {
  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? []) {
    const kind = from.configMapRef ? 'ConfigMap' : 'Secret';
    const object = configObject(objects, kind, (from.configMapRef ?? from.secretRef).name);
    for (const key of configKeys(object)) env[`${from.prefix ?? ''}${key}`] = configValue(object, key)!;
  }
  for (const variable of container.env ?? []) {
    const ref = variable.valueFrom;
    if (!ref) {
      env[variable.name] = expand(variable.value ?? '', env);
    } else if (ref.fieldRef) {
      env[variable.name] = fieldValue(ref.fieldRef.fieldPath, pod);
    } else {
      const keyRef = ref.configMapKeyRef ?? ref.secretKeyRef;
      const object = configObject(objects, ref.configMapKeyRef ? 'ConfigMap' : 'Secret', keyRef.name);
      const value = configValue(object, keyRef.key);
      if (value === undefined) throw new Error(`${object.kind} ${keyRef.name} has no key ${keyRef.key} (for ${variable.name})`);
      env[variable.name] = value;
    }
  }
  return env;
}

/** The names of the variables a container sets, without resolving them. */
export function envNames(container: any, objects: K8sObject[]): string[] {
  const names = new Set<string>();
  for (const from of container.envFrom ?? []) {
    const object = named(objects, from.configMapRef ? 'ConfigMap' : 'Secret', (from.configMapRef ?? from.secretRef).name);
    for (const key of object ? configKeys(object) : []) names.add(`${from.prefix ?? ''}${key}`);
  }
  for (const variable of container.env ?? []) names.add(variable.name);
  return [...names];
}
