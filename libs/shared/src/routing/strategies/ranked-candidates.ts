import type { RouteNode } from '../routing-table';
import type { RendezvousScratch, RendezvousSet } from './bounded-rendezvous';
import { loadBound } from './load-bound';
import { pairUnit } from './node-hash';
import type { LoadOf } from './types';

/** Nodes ranked per key: enough for a hot key's every request in flight to sit on its own node and one more be placed. */
const RANKED = 256;
/** Keys whose ranking a set remembers; emptied when full, like the client-location memo. */
const RANKED_KEYS = 1024;
/** Sets this small are cheaper to scan than to remember rankings for. */
const SMALL_SET = 64;

/** Returned when the ranked nodes do not decide: the full scan does. */
export const UNDECIDED = Symbol('undecided');

/**
 * pickBounded's answer found without asking every node for its load: the nodes ranked for the key (remembered per
 * key and table) are walked best first, with the total load from `total` (kept by the load source, not summed
 * per pick). The same answer as the full scan whenever one of the ranked nodes fits; UNDECIDED otherwise. So a
 * pick costs the same with 10 or 10,000 nodes.
 */
export function pickRanked(
  set: RendezvousSet,
  keyHash: number,
  exclude: ReadonlySet<string> | undefined,
  loadOf: LoadOf,
  total: (nodes: readonly RouteNode[]) => number,
  epsilon: number,
  scratch: RendezvousScratch,
): RouteNode | undefined | typeof UNDECIDED {
  const { nodes, capacities } = set;
  if (nodes.length <= SMALL_SET) return UNDECIDED;
  let totalLoad = total(nodes);
  let totalCapacity = set.totalCapacity;
  let candidates = nodes.length;
  if (exclude !== undefined) {
    for (const id of exclude) {
      const i = set.indexOf.get(id);
      if (i === undefined) continue;
      totalLoad -= loadOf(id);
      totalCapacity -= capacities[i];
      candidates--;
    }
  }
  if (candidates === 0) return undefined;
  const fits = (i: number) => (exclude === undefined || !exclude.has(nodes[i].id)) && loadOf(nodes[i].id) + 1 <= loadBound(epsilon, totalLoad, capacities[i], totalCapacity);
  // Most keys are placed on their first node: only the best is remembered for them. A key whose best is full (a
  // hot key with requests piling up) gets its ranking, once.
  let ranked = set.ranked.get(keyHash);
  if (ranked === undefined) {
    if (set.ranked.size >= RANKED_KEYS) set.ranked.clear();
    ranked = Uint32Array.of(best(set, keyHash));
    set.ranked.set(keyHash, ranked);
  }
  if (ranked.length === 1) {
    if (fits(ranked[0])) return nodes[ranked[0]];
    if (nodes.length === 1) return UNDECIDED;
    ranked = rank(set, keyHash, scratch.scores);
    set.ranked.set(keyHash, ranked);
  }
  for (const i of ranked) if (fits(i)) return nodes[i];
  return UNDECIDED;
}

function score(set: RendezvousSet, keyHash: number, i: number): number {
  return -set.capacities[i] / Math.log(pairUnit(keyHash, set.seeds[i]));
}

/** The best node for the key (ties: the lower index, as the full scan's arg-max). */
function best(set: RendezvousSet, keyHash: number): number {
  let bestIndex = 0;
  let bestScore = score(set, keyHash, 0);
  for (let i = 1; i < set.nodes.length; i++) {
    const s = score(set, keyHash, i);
    if (s > bestScore) {
      bestIndex = i;
      bestScore = s;
    }
  }
  return bestIndex;
}

/** The set's best RANKED nodes for the key, best first. */
function rank(set: RendezvousSet, keyHash: number, scores: Float64Array): Uint32Array {
  const { nodes } = set;
  for (let i = 0; i < nodes.length; i++) scores[i] = score(set, keyHash, i);
  const better = (a: number, b: number) => scores[a] > scores[b] || (scores[a] === scores[b] && a < b);
  // The best RANKED of n by one pass over a min-heap (its root the worst kept): n log RANKED, no sort of all n.
  const size = Math.min(RANKED, nodes.length);
  const heap = new Uint32Array(size);
  let count = 0;
  for (let i = 0; i < nodes.length; i++) {
    if (count < size) {
      heap[count] = i;
      siftUp(heap, count++, better);
    } else if (better(i, heap[0])) {
      heap[0] = i;
      siftDown(heap, count, better);
    }
  }
  return heap.sort((a, b) => (better(a, b) ? -1 : 1));
}

function siftUp(heap: Uint32Array, at: number, better: (a: number, b: number) => boolean): void {
  while (at > 0) {
    const parent = (at - 1) >> 1;
    if (!better(heap[parent], heap[at])) return;
    [heap[parent], heap[at]] = [heap[at], heap[parent]];
    at = parent;
  }
}

function siftDown(heap: Uint32Array, count: number, better: (a: number, b: number) => boolean): void {
  let at = 0;
  for (;;) {
    const left = 2 * at + 1;
    if (left >= count) return;
    const right = left + 1;
    const worse = right < count && better(heap[left], heap[right]) ? right : left;
    if (!better(heap[at], heap[worse])) return;
    [heap[at], heap[worse]] = [heap[worse], heap[at]];
    at = worse;
  }
}
