import { Counter, Gauge, type Registry } from 'prom-client';
import type { CloseReason } from './client-error';

/** What a hardened listener reports; `listener` names it when a program has several (client, admin). */
export interface ListenerMetrics {
  closed(listener: string, reason: CloseReason): void;
  /** Reads the listener's open connections on each scrape. */
  watch(listener: string, limit: number, open: () => number): void;
}

const byRegistry = new WeakMap<Registry, Map<string, ListenerMetrics>>();

/**
 * The listener metrics of one registry under one prefix (cdn_edge_ or cdn_cp_), created once however many
 * listeners report to them: prom-client refuses a second metric of the same name.
 */
export function listenerMetrics(registry: Registry, prefix: string): ListenerMetrics {
  let forRegistry = byRegistry.get(registry);
  if (!forRegistry) byRegistry.set(registry, (forRegistry = new Map()));
  const existing = forRegistry.get(prefix);
  if (existing) return existing;

  const registers = [registry];
  const closedTotal = new Counter({
    name: `${prefix}connections_closed_total`,
    help: 'Client connections the listener closed, by reason (header_timeout, idle_timeout, keepalive_timeout, bad_request, headers_too_large, connection_limit, evicted_silent)',
    labelNames: ['listener', 'reason'],
    registers,
  });
  const watched = new Map<string, { limit: number; open: () => number }>();
  new Gauge({
    name: `${prefix}connections_open`,
    help: 'Client connections open now',
    labelNames: ['listener'],
    registers,
    collect() {
      for (const [listener, { open }] of watched) this.set({ listener }, open());
    },
  });
  new Gauge({
    name: `${prefix}connections_limit`,
    help: 'Client connections allowed at once (--max-connections)',
    labelNames: ['listener'],
    registers,
    collect() {
      for (const [listener, { limit }] of watched) this.set({ listener }, limit);
    },
  });
  const metrics: ListenerMetrics = {
    closed: (listener, reason) => closedTotal.inc({ listener, reason }),
    watch: (listener, limit, open) => void watched.set(listener, { limit, open }),
  };
  forRegistry.set(prefix, metrics);
  return metrics;
}
