import type { RouteNode } from '../routing-table';
import { pickBounded, rendezvousScratch, rendezvousSet } from './bounded-rendezvous';
import { fnv1a32 } from './node-hash';
import type { TierPicker } from './types';

/** `consistent-hash`: the same key goes to the same node (best for cache hit rates), within bounded loads. */
export function consistentHashPicker(nodes: readonly RouteNode[], epsilon: number): TierPicker {
  const set = rendezvousSet(nodes);
  const scratch = rendezvousScratch(nodes.length);
  return (request, exclude, loadOf) => pickBounded(set, fnv1a32(request.key), exclude, loadOf, epsilon, scratch);
}
