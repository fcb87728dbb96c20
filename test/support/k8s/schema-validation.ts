/**
 * Offline validation of rendered objects against the Kubernetes and prometheus-operator schemas (the models of
 * kubernetes-models and @kubernetes-models/prometheus-operator), strict about fields: the API server would drop
 * a misspelt or misplaced field without a word (or, with server-side field validation, refuse the object), so
 * an unknown field fails here.
 */
import type { K8sObject } from './objects';

interface SchemaError {
  instancePath: string;
  message?: string;
}

type Validate = (object: unknown) => SchemaError[];

/** The module of each kind's model: `kubernetes-models/<group>/<version>/<Kind>`, or the prometheus-operator package's. */
function modelModule(apiVersion: string, kind: string): string {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  if (group === 'monitoring.coreos.com') return `@kubernetes-models/prometheus-operator/${group}/${version}/${kind}`;
  return group === '' ? `kubernetes-models/${version}/${kind}` : `kubernetes-models/${group}/${version}/${kind}`;
}

const validators = new Map<string, Validate>();

async function validatorFor(apiVersion: string, kind: string): Promise<Validate> {
  const id = `${apiVersion} ${kind}`;
  const known = validators.get(id);
  if (known) return known;
  let Model: new (data: unknown) => { validate(): void };
  try {
    Model = (await import(modelModule(apiVersion, kind)))[kind];
  } catch {
    throw new Error(`no schema for ${kind} in ${apiVersion}`);
  }
  const validate: Validate = (object) => {
    try {
      new Model(object).validate();
      return [];
    } catch (err) {
      const errors = (err as { errors?: SchemaError[] }).errors;
      if (!errors) throw err;
      return errors;
    }
  };
  validators.set(id, validate);
  return validate;
}

/**
 * kustomize writes a Secret's base64 in lines of 76 characters; the API server decodes it with Go's base64, which
 * skips line breaks, while the schema's "byte" format does not allow them.
 */
function asDecoded(object: K8sObject): K8sObject {
  if (object.kind !== 'Secret' || !object.data) return object;
  return { ...object, data: Object.fromEntries(Object.entries(object.data as Record<string, string>).map(([k, v]) => [k, v.replace(/[\r\n]/g, '')])) };
}

/** A value no schema type accepts (not a string, number, boolean, null, object or array). */
const NOT_A_JSON_VALUE = () => undefined;

function pointer(path: (string | number)[]): string {
  return path.map((p) => `/${String(p).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

/** Every leaf of a JSON value (and every empty object or array, which has no leaf), with its path. */
function leaves(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.length === 0 ? [path] : value.flatMap((v, i) => leaves(v, [...path, i]));
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    return entries.length === 0 ? [path] : entries.flatMap(([k, v]) => leaves(v, [...path, k]));
  }
  return [path];
}

function replaced(value: any, path: (string | number)[], by: unknown): any {
  if (path.length === 0) return by;
  const [head, ...rest] = path;
  const copy = Array.isArray(value) ? [...value] : { ...value };
  copy[head as any] = replaced(value[head as any], rest, by);
  return copy;
}

/**
 * What is wrong with an object: its schema's errors, then every field the schema does not know. A field is known
 * when the schema checks its value: put a value no type accepts in its place, and an error names its path.
 */
export async function schemaProblems(rendered: K8sObject): Promise<string[]> {
  const object = asDecoded(rendered);
  const validate = await validatorFor(object.apiVersion, object.kind);
  const errors = validate(object);
  if (errors.length > 0) return errors.map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
  const unknown: string[] = [];
  for (const path of leaves(object)) {
    if (path.length === 0) continue;
    // A field under one already found unknown says nothing new.
    const at = pointer(path);
    if (unknown.some((u) => at.startsWith(`${u}/`))) continue;
    const checked = validate(replaced(object, path, NOT_A_JSON_VALUE)).some((e) => e.instancePath === at || e.instancePath.startsWith(`${at}/`));
    if (checked) continue;
    // Report the outermost field the schema does not know.
    let outer = path;
    while (outer.length > 1 && !validate(replaced(object, outer.slice(0, -1), NOT_A_JSON_VALUE)).some((e) => e.instancePath === pointer(outer.slice(0, -1)))) outer = outer.slice(0, -1);
    unknown.push(pointer(outer));
  }
  return unknown.map((u) => `${u} is not a field of ${object.kind} (${object.apiVersion})`);
}
