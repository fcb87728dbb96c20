import type { RoutingTable } from '@cdn/shared';

/** Where the routing table in use came from. */
export type TableOrigin =
  /** The routing source (NATS, or the all-in-one's in-process bus), followed as it changes. */
  | { source: 'live' }
  /** --state-dir: written by an earlier run, served until the live table arrives. */
  | { source: 'saved'; savedAt: number; from: string };

/** A routing table from --state-dir to start with. */
export interface SavedStart {
  table: RoutingTable;
  /** When it was written (ms since the epoch). */
  savedAt: number;
  /** The directory it was read from. */
  from: string;
  /** Entries of the file left out by the routing schema (each logged when it was read). */
  leftOut: number;
}

export const LIVE_TABLE: TableOrigin = Object.freeze({ source: 'live' });

/** Seconds since a saved table was written (never negative, whatever the clocks did); 0 for the live table. */
export function tableAgeSeconds(origin: TableOrigin, now: number): number {
  return origin.source === 'saved' ? Math.max(0, Math.floor((now - origin.savedAt) / 1000)) : 0;
}

/** "42 s", "17 min", "5 h 3 min", "12 d 4 h": an age for a log line. */
export function formatAge(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}
