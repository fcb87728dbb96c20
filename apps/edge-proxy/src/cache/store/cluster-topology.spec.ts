import { describe, expect, it } from 'vitest';
import { mastersOf, SLOTS, slotRanges, slotsOf, topologyChange } from './cluster-topology';

/** A per-slot array as node-redis keeps it, from [from, to, master] runs. */
function slotArray(...runs: [number, number, string][]) {
  const slots: ({ master: { address: string } } | undefined)[] = new Array(SLOTS);
  for (const [from, to, address] of runs) for (let slot = from; slot <= to; slot++) slots[slot] = { master: { address } };
  return slots;
}

const three = slotRanges(slotArray([0, 5460, 'a:1'], [5461, 10922, 'b:2'], [10923, 16383, 'c:3']));

describe('cluster topology', () => {
  it('turns the per-slot array into runs of slots per master', () => {
    expect(three).toEqual([
      { from: 0, to: 5460, master: 'a:1' },
      { from: 5461, to: 10922, master: 'b:2' },
      { from: 10923, to: 16383, master: 'c:3' },
    ]);
    expect(slotRanges(slotArray([0, 10, 'a:1'], [20, 30, 'a:1']))).toEqual([
      { from: 0, to: 10, master: 'a:1' },
      { from: 20, to: 30, master: 'a:1' },
    ]);
    expect(slotRanges(new Array(SLOTS))).toEqual([]);
  });

  it('names the masters and the slots each serves', () => {
    expect(mastersOf(three)).toEqual(['a:1', 'b:2', 'c:3']);
    expect(slotsOf(three, 'b:2')).toBe('5461-10922');
    expect(slotsOf(slotRanges(slotArray([0, 10, 'a:1'], [20, 20, 'a:1'])), 'a:1')).toBe('0-10,20');
  });

  it('tells a failover: the failed master\'s slots went to its replica', () => {
    const after = slotRanges(slotArray([0, 5460, 'a:1'], [5461, 10922, 'e:5'], [10923, 16383, 'c:3']));
    expect(topologyChange(three, after)).toBe('slots 5461-10922 b:2 → e:5');
    expect(topologyChange(three, three)).toBeUndefined();
  });

  it('tells slots moved between masters, and slots first learnt or lost', () => {
    const resharded = slotRanges(slotArray([0, 5400, 'a:1'], [5401, 10922, 'b:2'], [10923, 16383, 'c:3']));
    expect(topologyChange(three, resharded)).toBe('slots 5401-5460 a:1 → b:2');
    expect(topologyChange([], three)).toBe('slots 0-5460 none → a:1; slots 5461-10922 none → b:2; slots 10923-16383 none → c:3');
    expect(topologyChange(three, slotRanges(slotArray([0, 5460, 'a:1'], [10923, 16383, 'c:3'])))).toBe('slots 5461-10922 b:2 → none');
    expect(topologyChange(slotRanges(slotArray([7, 7, 'a:1'])), [])).toBe('slot 7 a:1 → none');
  });
});
