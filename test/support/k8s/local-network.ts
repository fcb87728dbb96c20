/**
 * The cluster's network, on one loopback: every container port of every pod gets a free port of 127.0.0.1, and
 * the names a pod may resolve (Services, a StatefulSet's pods behind their headless Service) lead to them. A name
 * or port the manifests get wrong has nowhere to go, and fails the start.
 */
import { freePort } from '../ports';
import { containersOf, ofKind, selects, type K8sObject, type Workload } from './objects';

export interface PodPorts {
  pod: string;
  workload: Workload;
  /** containerPort → the host port standing in for it. */
  byNumber: Map<number, number>;
  byName: Map<string, number>;
}

export interface Network {
  pods: PodPorts[];
  /** The host port behind `host:port` as a pod would dial it; throws for a name or port nothing answers to. */
  resolve(host: string, port: number): number;
  /** The host port standing in for a pod's container port, by name or number. */
  hostPort(pod: string, port: string | number): number;
  /** Replaces every `name:port` of the cluster in a text with 127.0.0.1 and the host port behind it. */
  rewriteAddresses(text: string): string;
}

const DOMAIN = 'svc.cluster.local';

export async function createNetwork(objects: K8sObject[], pods: { name: string; workload: Workload }[], namespace: string): Promise<Network> {
  const podPorts: PodPorts[] = [];
  for (const { name, workload } of pods) {
    const byNumber = new Map<number, number>();
    const byName = new Map<string, number>();
    for (const port of containersOf(workload.template.spec).flatMap((c) => c.ports ?? [])) {
      const host = await freePort();
      byNumber.set(port.containerPort, host);
      if (port.name) byName.set(port.name, host);
    }
    podPorts.push({ pod: name, workload, byNumber, byName });
  }

  const hostPort = (pod: string, port: string | number): number => {
    const ports = podPorts.find((p) => p.pod === pod);
    const host = typeof port === 'number' ? ports?.byNumber.get(port) : ports?.byName.get(port);
    if (host === undefined) throw new Error(`pod ${pod} declares no container port ${port}`);
    return host;
  };

  /** Every spelling of a name in the namespace: short, with the namespace, fully qualified. */
  const spellings = (name: string) => [name, `${name}.${namespace}`, `${name}.${namespace}.svc`, `${name}.${namespace}.${DOMAIN}`];
  const names = new Map<string, (port: number) => number>();
  for (const service of ofKind(objects, 'Service')) {
    const selected = podPorts.filter((p) => selects(service.spec.selector, p.workload.template.metadata.labels));
    const through = (pod: PodPorts, port: number) => {
      const entry = service.spec.ports.find((p: any) => p.port === port);
      if (!entry) throw new Error(`Service ${service.metadata.name} has no port ${port}`);
      return hostPort(pod.pod, entry.targetPort ?? entry.port);
    };
    for (const spelling of spellings(service.metadata.name)) {
      names.set(spelling, (port) => {
        if (selected.length === 0) throw new Error(`Service ${service.metadata.name} selects no pod`);
        return through(selected[0], port);
      });
    }
    // A StatefulSet's pods are named under their headless Service: <pod>.<service>.
    if (service.spec.clusterIP === 'None') {
      for (const pod of selected.filter((p) => p.workload.kind === 'StatefulSet' && p.workload.object.spec.serviceName === service.metadata.name)) {
        for (const spelling of spellings(service.metadata.name)) names.set(`${pod.pod}.${spelling}`, (port) => hostPort(pod.pod, port));
      }
    }
  }

  const resolve = (host: string, port: number): number => {
    const lookup = names.get(host);
    if (!lookup) throw new Error(`${host}:${port} does not resolve in the cluster`);
    return lookup(port);
  };

  return {
    pods: podPorts,
    resolve,
    hostPort,
    // Every host name with a port is a name of the cluster (the manifests name nothing outside it): one that does
    // not resolve is a mistake. Addresses (0.0.0.0:...) are left as they are.
    rewriteAddresses: (text) =>
      text.replace(/(?<![\w.-])([a-z][a-z0-9.-]*[a-z0-9]):(\d+)\b/g, (match, host: string, port: string) => (host === 'localhost' ? match : `127.0.0.1:${resolve(host, Number(port))}`)),
  };
}

/** The names of settings that are a port to listen on: CDN_PORT, CDN_ADMIN_PORT, --port, port:, http_port: ... */
export const LISTEN_PORT_SETTING = /^(?:--?)?[\w-]*port$/i;

/** A listen port a setting gives, swapped for the host port standing in for it; a port the pod does not declare throws. */
export function listenPort(setting: string, value: string, pod: string, network: Network): string {
  const port = Number(value);
  if (!Number.isInteger(port) || port === 0) return value;
  try {
    return String(network.hostPort(pod, port));
  } catch {
    throw new Error(`${setting} makes ${pod} listen on port ${port}, which it does not declare as a container port`);
  }
}
