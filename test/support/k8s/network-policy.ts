/** Whether the NetworkPolicies of a render let a connection through, by the rules of networking.k8s.io/v1 (ingress). */
import { ofKind, selects, type K8sObject } from './objects';

/** Where a connection comes from: a pod (its labels, its namespace's labels), or an address outside the cluster. */
export type Peer = { pod: Record<string, string>; namespace: Record<string, string> } | { external: true };

/** Where it goes: a pod of the render's namespace, and one of its container ports. */
export interface Target {
  labels: Record<string, string>;
  namespace: string;
  port: { name?: string; number: number };
}

function peerMatches(rulePeer: any, from: Peer, policyNamespace: string): boolean {
  if (rulePeer.ipBlock) return 'external' in from;
  if ('external' in from) return false;
  const namespaceOk = rulePeer.namespaceSelector ? selects(rulePeer.namespaceSelector, from.namespace) || isEmpty(rulePeer.namespaceSelector) : from.namespace['kubernetes.io/metadata.name'] === policyNamespace;
  const podOk = rulePeer.podSelector ? selects(rulePeer.podSelector, from.pod) || isEmpty(rulePeer.podSelector) : true;
  return namespaceOk && podOk;
}

function isEmpty(selector: any): boolean {
  return Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
}

function portMatches(rulePort: any, port: Target['port']): boolean {
  if ((rulePort.protocol ?? 'TCP') !== 'TCP') return false;
  if (rulePort.port === undefined) return true;
  return typeof rulePort.port === 'number' ? rulePort.port === port.number : rulePort.port === port.name;
}

/** True when the policies let `from` connect to the target; a pod no policy selects accepts everything. */
export function allowed(objects: K8sObject[], from: Peer, to: Target): boolean {
  const policies = ofKind(objects, 'NetworkPolicy').filter(
    (p) => (p.metadata.namespace ?? to.namespace) === to.namespace && (selects(p.spec.podSelector, to.labels) || isEmpty(p.spec.podSelector)) && (p.spec.policyTypes ?? ['Ingress']).includes('Ingress'),
  );
  if (policies.length === 0) return true;
  return policies.some((policy) =>
    (policy.spec.ingress ?? []).some(
      (rule: any) =>
        (rule.ports === undefined || rule.ports.length === 0 || rule.ports.some((p: any) => portMatches(p, to.port))) &&
        (rule.from === undefined || rule.from.length === 0 || rule.from.some((peer: any) => peerMatches(peer, from, policy.metadata.namespace ?? to.namespace))),
    ),
  );
}
