import { createControlPlane, type ControlPlane } from '@cdn/control-plane';
import { CdnConfig, InProcessBus, Logger } from '@cdn/shared';
import type { Registry } from 'prom-client';

/** The all-in-one's control plane: it publishes on, and hears the edges through, the in-process bus. */
export function startEmbeddedControlPlane(config: CdnConfig, logger: Logger, bus: InProcessBus, registry: Registry): Promise<ControlPlane> {
  return createControlPlane({
    config,
    logger: logger.child({ name: 'control-plane' }),
    store: bus.store,
    source: bus.source(),
    transport: { kind: 'in-process', bus },
    cacheCommands: bus.cacheCommands,
    nodeLoads: bus.nodeLoads,
    registry,
  });
}
