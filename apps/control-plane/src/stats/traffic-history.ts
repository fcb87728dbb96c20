import type { EdgeTraffic, TrafficCounts } from '@cdn/shared';
import { SlotRing } from './slot-ring';
import type { StatsWindowName } from './stats-report';

/** 5-second slots over 5 minutes: the 1m and 5m windows and the series. */
export const FINE_SLOT_MS = 5_000;
export const FINE_SLOTS = 60;
/** 1-minute slots over the hour: the 1h window. */
export const COARSE_SLOT_MS = 60_000;
export const COARSE_SLOTS = 60;

/** Each window: which ring, and how many of its slots up to the current one (still filling). */
const WINDOWS: Record<StatsWindowName, { ring: 'fine' | 'coarse'; slots: number }> = {
  '1m': { ring: 'fine', slots: 12 },
  '5m': { ring: 'fine', slots: FINE_SLOTS },
  '1h': { ring: 'coarse', slots: COARSE_SLOTS },
};

export const WINDOW_NAMES = Object.keys(WINDOWS) as StatsWindowName[];

/** What a window summed, and since when (the start of its oldest slot). */
export interface WindowSpan {
  from: number;
}

/** The reported traffic of one thing (all edges, one node, one edge) over the last hour. */
export class TrafficHistory {
  private readonly fine = new SlotRing(FINE_SLOT_MS, FINE_SLOTS);
  private readonly coarse = new SlotRing(COARSE_SLOT_MS, COARSE_SLOTS);
  /** When it was last named in a report, by the control plane's clock. */
  lastSeen: number;

  constructor(now: number) {
    this.lastSeen = now;
  }

  add(now: number, traffic: EdgeTraffic): void {
    this.lastSeen = now;
    this.fine.add(now, traffic);
    this.coarse.add(now, traffic);
  }

  /** Adds the window ending at `now` to `into`; returns when the window starts. */
  window(name: StatsWindowName, now: number, into: TrafficCounts): WindowSpan {
    const { ring: which, slots } = WINDOWS[name];
    const ring = which === 'fine' ? this.fine : this.coarse;
    const last = ring.slotOf(now);
    const first = last - slots + 1;
    ring.sumInto(first, last, into);
    return { from: first * ring.slotMs };
  }

  /** Adds one 5-second slot (a series point) to `into`. */
  fineSlot(slot: number, into: TrafficCounts): TrafficCounts {
    return this.fine.sumInto(slot, slot, into);
  }
}
