/** A cluster's slot map as a pure value: which master serves which slots, and how two maps differ. */

export const SLOTS = 16_384;

/** A run of consecutive slots served by one master (`host:port`). */
export interface SlotRange {
  from: number;
  to: number;
  master: string;
}

/** The slot map as ranges, from a per-slot array like node-redis's `cluster.slots` (holes where no master is known). */
export function slotRanges(slots: ReadonlyArray<{ master: { address: string } } | undefined>): SlotRange[] {
  const ranges: SlotRange[] = [];
  for (let slot = 0; slot < SLOTS; slot++) {
    const master = slots[slot]?.master.address;
    if (master === undefined) continue;
    const last = ranges[ranges.length - 1];
    if (last && last.master === master && last.to === slot - 1) last.to = slot;
    else ranges.push({ from: slot, to: slot, master });
  }
  return ranges;
}

/** The masters of a map, in slot order. */
export function mastersOf(ranges: readonly SlotRange[]): string[] {
  return [...new Set(ranges.map((range) => range.master))];
}

/** The slots a master serves, as `0-5460` or `0-10,20-30`. */
export function slotsOf(ranges: readonly SlotRange[], master: string): string {
  return ranges
    .filter((range) => range.master === master)
    .map((range) => (range.from === range.to ? String(range.from) : `${range.from}-${range.to}`))
    .join(',');
}

/** How `after` differs from `before`, one clause per run of slots that changed hands (`slots 0-5460 127.0.0.1:7000 → 127.0.0.1:7004`); undefined when alike. */
export function topologyChange(before: readonly SlotRange[], after: readonly SlotRange[]): string | undefined {
  const owners = (ranges: readonly SlotRange[]) => {
    const owner: (string | undefined)[] = new Array(SLOTS);
    for (const range of ranges) owner.fill(range.master, range.from, range.to + 1);
    return owner;
  };
  const [was, is] = [owners(before), owners(after)];
  const clauses: string[] = [];
  let start = -1;
  for (let slot = 0; slot <= SLOTS; slot++) {
    const differs = slot < SLOTS && was[slot] !== is[slot];
    const continues = differs && start !== -1 && was[slot] === was[start] && is[slot] === is[start];
    if (start !== -1 && !continues) {
      const range = start === slot - 1 ? `slot ${start}` : `slots ${start}-${slot - 1}`;
      clauses.push(`${range} ${was[start] ?? 'none'} → ${is[start] ?? 'none'}`);
      start = -1;
    }
    if (differs && start === -1) start = slot;
  }
  return clauses.length > 0 ? clauses.join('; ') : undefined;
}
