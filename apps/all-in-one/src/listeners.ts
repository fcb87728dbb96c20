import type http from 'node:http';
import type { Registry } from 'prom-client';
import { COUNTED_MESSAGES } from '@cdn/edge-proxy';
import { CdnConfig, createHardenedServer, listenerLimits, listenerMetrics, Logger, StartupGate } from '@cdn/shared';

/** The client port, serving what `gate` opens to: it is the edge's port first, so its connections count under cdn_edge_. */
export function createClientListener(config: CdnConfig, gate: StartupGate, logger: Logger, registry: Registry): http.Server {
  return createHardenedServer(gate.listener, { limits: listenerLimits(config), logger, metrics: listenerMetrics(registry, 'cdn_edge_'), messages: COUNTED_MESSAGES });
}

/** The admin listener of --admin-port (none without it); its connections count under cdn_cp_. */
export function createAdminListener(config: CdnConfig, gate: StartupGate, logger: Logger, registry: Registry): http.Server | undefined {
  if (config.adminPort === undefined) return undefined;
  return createHardenedServer(gate.listener, { limits: listenerLimits(config), logger, metrics: listenerMetrics(registry, 'cdn_cp_'), listener: 'admin' });
}
