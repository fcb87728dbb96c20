/**
 * Fast non-cryptographic hashing for rendezvous scores. Keys come from clients, but a skewed hash
 * only moves load around and bounded loads cap that, so speed wins over collision resistance.
 */

/** FNV-1a over the UTF-16 code units of a string. */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** MurmurHash3's finaliser: a bijection on 32 bits with full avalanche, to fix FNV's weak low bits. */
export function mix32(hash: number): number {
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/** A per-node seed, computed once per table. */
export function nodeSeed(nodeId: string): number {
  return mix32(fnv1a32(nodeId));
}

/** A uniform number in (0, 1) for a (key, node) pair: never 0 or 1, so its logarithm is finite and negative. */
export function pairUnit(keyHash: number, seed: number): number {
  // Two rounds so keys whose hashes differ in few bits still score independently per node.
  const mixed = mix32(mix32(keyHash ^ seed) + seed);
  return (mixed + 0.5) / 4294967296;
}
