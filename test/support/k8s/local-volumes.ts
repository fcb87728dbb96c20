/**
 * A pod's volumes as directories of a temporary folder: emptyDirs and volume claims empty, ConfigMaps, Secrets and
 * projections filled with their keys as files. Paths inside the container map to them, longest mount first.
 */
import fs from 'node:fs';
import path from 'node:path';
import { configKeys, configValue, named, type K8sObject } from './objects';

export interface Mounts {
  /** Container path → host path, for each mount (and any fixed mapping given, such as the image's /app). */
  table: [string, string][];
  /** The host path of a container path; a path outside every mount is returned as it is. */
  hostPath(containerPath: string): string;
  /** Replaces every container path in a text (after a space, quote, `=` or `:`, or at its start) by its host path. */
  rewritePaths(text: string): string;
}

/** Writes the files a ConfigMap or Secret volume source shows (all its keys, or its items), passing ConfigMap text through `transform`. */
function writeSource(dir: string, object: K8sObject, items: { key: string; path: string }[] | undefined, transform: (text: string) => string): void {
  for (const { key, path: file } of items ?? configKeys(object).map((key) => ({ key, path: key }))) {
    const value = configValue(object, key);
    if (value === undefined) throw new Error(`${object.kind} ${object.metadata.name} has no key ${key}`);
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), object.kind === 'ConfigMap' ? transform(value) : value, { mode: 0o600 });
  }
}

function find(objects: K8sObject[], kind: 'ConfigMap' | 'Secret', name: string): K8sObject {
  const object = named(objects, kind, name);
  if (!object) throw new Error(`${kind} ${name} is not in the render`);
  return object;
}

/**
 * Makes the pod's volumes under `podDir` and the mount table of one container. ConfigMap files go through
 * `transform` (the cluster's addresses and ports become local ones), as their readers would see the cluster.
 */
export function mountVolumes(options: { objects: K8sObject[]; podSpec: any; claims: string[]; container: any; podDir: string; fixed?: [string, string][]; transform: (text: string) => string }): Mounts {
  const { objects, podSpec, container, podDir } = options;
  const volumeDir = (name: string) => path.join(podDir, 'volumes', name);

  const table: [string, string][] = [...(options.fixed ?? [])];
  for (const mount of container.volumeMounts ?? []) {
    const known = (podSpec.volumes ?? []).some((v: any) => v.name === mount.name) || options.claims.includes(mount.name);
    if (!known) throw new Error(`container ${container.name} mounts ${mount.name}, which is no volume of its pod`);
    table.push([mount.mountPath, path.join(volumeDir(mount.name), mount.subPath ?? '')]);
  }
  table.sort((a, b) => b[0].length - a[0].length);
  const hostPath = (p: string) => {
    const hit = table.find(([from]) => p === from || p.startsWith(`${from}/`));
    return hit ? hit[1] + p.slice(hit[0].length) : p;
  };
  const rewritePaths = (text: string) =>
    table.reduce((out, [from, to]) => out.replace(new RegExp(`(^|[\\s"'=:])${from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=/|$|[\\s"',])`, 'gm'), `$1${to}`), text);

  for (const volume of podSpec.volumes ?? []) {
    const dir = volumeDir(volume.name);
    if (fs.existsSync(dir)) continue;
    fs.mkdirSync(dir, { recursive: true });
    if (volume.emptyDir) continue;
    const sources = volume.projected ? volume.projected.sources : [volume];
    // A configuration file names paths as its container sees them.
    const transform = (text: string) => rewritePaths(options.transform(text));
    for (const source of sources) {
      if (source.configMap) writeSource(dir, find(objects, 'ConfigMap', source.configMap.name), source.configMap.items, transform);
      else if (source.secret) writeSource(dir, find(objects, 'Secret', source.secret.secretName ?? source.secret.name), source.secret.items, transform);
      else throw new Error(`volume ${volume.name}: a kind of volume this test does not make`);
    }
  }
  for (const claim of options.claims) fs.mkdirSync(volumeDir(claim), { recursive: true });
  return { table, hostPath, rewritePaths };
}
