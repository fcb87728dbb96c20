import type { RouteNode } from '../routing-table';
import { loadBound } from './load-bound';
import { nodeSeed, pairUnit } from './node-hash';
import { pickRanked, UNDECIDED } from './ranked-candidates';
import type { LoadOf } from './types';

/**
 * Weighted rendezvous (highest-random-weight) hashing with bounded loads.
 *
 * Each (key, node) pair gets score = -capacity / ln(u), u uniform in (0,1): the top scorer is node i with
 * probability capacity_i / Σcapacity, and adding or removing a node only moves the keys it wins or held
 * (~1/N), never keys between other nodes. Bounded loads (Mirrokni et al.) cap a hot key's damage: a node
 * is skipped when taking one more request would put it above (1+ε) × its capacity share of the total.
 */
export interface RendezvousSet {
  readonly nodes: readonly RouteNode[];
  readonly capacities: Float64Array;
  readonly seeds: Uint32Array;
  readonly totalCapacity: number;
  readonly indexOf: ReadonlyMap<string, number>;
  /** The best nodes per key hash, best first, as far as they were ranked (ranked-candidates.ts). */
  readonly ranked: Map<number, Uint32Array>;
}

export function rendezvousSet(nodes: readonly RouteNode[]): RendezvousSet {
  const capacities = Float64Array.from(nodes, (node) => node.capacity);
  const seeds = Uint32Array.from(nodes, (node) => nodeSeed(node.id));
  const indexOf = new Map(nodes.map((node, i) => [node.id, i]));
  return { nodes, capacities, seeds, totalCapacity: capacities.reduce((sum, c) => sum + c, 0), indexOf, ranked: new Map() };
}

/** Per-request working memory, allocated once per balancer: a pick allocates nothing. */
export interface RendezvousScratch {
  scores: Float64Array;
  loads: Float64Array;
}

export function rendezvousScratch(size: number): RendezvousScratch {
  return { scores: new Float64Array(size), loads: new Float64Array(size) };
}


/**
 * The highest-scoring node for the key whose load stays within its bound; when none does (loads reported
 * by heartbeats can exceed any bound), the least loaded relative to capacity. Undefined when all are excluded.
 */
export function pickBounded(
  set: RendezvousSet,
  keyHash: number,
  exclude: ReadonlySet<string> | undefined,
  loadOf: LoadOf,
  epsilon: number,
  scratch: RendezvousScratch,
): RouteNode | undefined {
  if (loadOf.total !== undefined) {
    const ranked = pickRanked(set, keyHash, exclude, loadOf, loadOf.total, epsilon, scratch);
    if (ranked !== UNDECIDED) return ranked;
  }
  const { nodes, capacities, seeds } = set;
  const { scores, loads } = scratch;
  let totalLoad = 0;
  let totalCapacity = 0;
  let candidates = 0;
  for (let i = 0; i < nodes.length; i++) {
    if (exclude !== undefined && exclude.has(nodes[i].id)) {
      scores[i] = Number.NEGATIVE_INFINITY;
      continue;
    }
    const load = loadOf(nodes[i].id);
    loads[i] = load;
    totalLoad += load;
    totalCapacity += capacities[i];
    scores[i] = -capacities[i] / Math.log(pairUnit(keyHash, seeds[i]));
    candidates++;
  }
  if (candidates === 0) return undefined;
  // Best-first by repeated arg-max: the first node almost always fits, so this beats sorting every request.
  for (let tried = 0; tried < candidates; tried++) {
    let best = -1;
    for (let i = 0; i < nodes.length; i++) if (scores[i] > Number.NEGATIVE_INFINITY && (best < 0 || scores[i] > scores[best])) best = i;
    if (loads[best] + 1 <= loadBound(epsilon, totalLoad, capacities[best], totalCapacity)) return nodes[best];
    scores[best] = Number.NEGATIVE_INFINITY;
  }
  return leastLoaded(set, exclude, loads);
}

function leastLoaded(set: RendezvousSet, exclude: ReadonlySet<string> | undefined, loads: Float64Array): RouteNode {
  let best = -1;
  for (let i = 0; i < set.nodes.length; i++) {
    if (exclude !== undefined && exclude.has(set.nodes[i].id)) continue;
    if (best < 0 || loads[i] / set.capacities[i] < loads[best] / set.capacities[best]) best = i;
  }
  return set.nodes[best];
}
