/** Limits and periods of the dashboard's event stream (GET /dashboard/events). */

/** Dashboards connected at once; one more gets 503 too_many_clients. Each costs a socket and a share of every tick. */
export const MAX_DASHBOARD_CLIENTS = 64;
/** How often changes are looked for and sent. */
export const TICK_MS = 1_000;
/**
 * How often the whole node and edge tables are sent again, refreshing what changes by itself (heartbeat
 * ages, probe timings in the reasons). In between only changed rows go out: 1,000 nodes are about 300 KB.
 */
export const FULL_TABLE_MS = 10_000;
/**
 * How often traffic figures are taken from GET /stats's report: edges report every 2 s, so oftener finds
 * nothing new, and a report covers every node (some 30 ms with 1,000 busy nodes).
 */
export const STATS_MS = 2_000;
/** A comment line after this long without an event, so that proxies and idle timeouts keep the stream open. */
export const KEEPALIVE_MS = 15_000;
/** A client that lets this much pile up unread is cut off; it reconnects and starts again from a snapshot. */
export const MAX_BUFFERED_BYTES = 1024 * 1024;

/** The limits and periods above, as one value: tests shorten them. */
export interface DashboardTimings {
  maxClients: number;
  tickMs: number;
  fullTableMs: number;
  statsMs: number;
  keepaliveMs: number;
  maxBufferedBytes: number;
}

export const DASHBOARD_DEFAULTS: DashboardTimings = {
  maxClients: MAX_DASHBOARD_CLIENTS,
  tickMs: TICK_MS,
  fullTableMs: FULL_TABLE_MS,
  statsMs: STATS_MS,
  keepaliveMs: KEEPALIVE_MS,
  maxBufferedBytes: MAX_BUFFERED_BYTES,
};
