/** The most a node may carry, counting the request being placed. The nudge keeps 2.0000000001 from ceiling to 3. */
export function loadBound(epsilon: number, totalLoad: number, capacity: number, totalCapacity: number): number {
  return Math.ceil((1 + epsilon) * (totalLoad + 1) * (capacity / totalCapacity) - 1e-9);
}
