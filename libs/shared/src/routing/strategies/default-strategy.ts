import type { RouteNode } from '../routing-table';
import { boundedMemo, CLIENT_LOCATION_MEMO_LIMIT } from './bounded-memo';
import { pickBounded, rendezvousScratch, rendezvousSet } from './bounded-rendezvous';
import { parseClientLocation } from './client-location';
import { nodePlace, rankPlaces } from './geo-order';
import { fnv1a32 } from './node-hash';
import type { TierPicker } from './types';

/**
 * `default`: the nearest group with a node left, then bounded-load consistent hashing within it, so each
 * region caches each key on one node while no node of the region is overrun by a hot key.
 */
export function defaultPicker(nodes: readonly RouteNode[], epsilon: number): TierPicker {
  const places = nodes.map(nodePlace);
  const scratch = rendezvousScratch(nodes.length);
  const groupsFor = boundedMemo(CLIENT_LOCATION_MEMO_LIMIT, (location) =>
    rankPlaces(places, parseClientLocation(location)).map((group) => rendezvousSet(group.map((place) => place.node))),
  );
  return (request, exclude, loadOf) => {
    const keyHash = fnv1a32(request.key);
    for (const group of groupsFor(request.clientLocation ?? '')) {
      const node = pickBounded(group, keyHash, exclude, loadOf, epsilon, scratch);
      if (node !== undefined) return node;
    }
    return undefined;
  };
}
