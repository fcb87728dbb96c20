import type { RouteNode } from '../routing-table';
import { boundedMemo, CLIENT_LOCATION_MEMO_LIMIT } from './bounded-memo';
import { parseClientLocation } from './client-location';
import { nodePlace, rankPlaces } from './geo-order';
import type { TierPicker } from './types';
import { pickWeighted, weightedSet } from './weighted-choice';

/** `geo`: the nearest group with a node left, capacity-weighted random within it. */
export function geoPicker(nodes: readonly RouteNode[]): TierPicker {
  const places = nodes.map(nodePlace);
  const groupsFor = boundedMemo(CLIENT_LOCATION_MEMO_LIMIT, (location) =>
    rankPlaces(places, parseClientLocation(location)).map((group) => weightedSet(group.map((place) => place.node))),
  );
  return (request, exclude, _loadOf, random) => {
    for (const group of groupsFor(request.clientLocation ?? '')) {
      const node = pickWeighted(group, random, exclude);
      if (node !== undefined) return node;
    }
    return undefined;
  };
}
