import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import type { CdnConfig, Logger } from '@cdn/shared';
import { CDN_CONFIG, CLOCK, Clock, LOGGER } from '../core/core.constants';
import { NodeRegistry } from '../nodes/node-registry';
import { NodesService } from '../nodes/nodes.service';
import { RoutingPublisher } from '../routing/routing-publisher';
import { checkHeartbeatTimeout } from './health-transitions';

/**
 * The health loop: every --health-interval seconds, applies the pure decisions of
 * health-transitions.ts to every node, and retries a routing publish that failed.
 */
@Injectable()
export class HealthService implements OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    @Inject(CDN_CONFIG) private readonly config: CdnConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly registry: NodeRegistry,
    private readonly nodes: NodesService,
    private readonly routing: RoutingPublisher,
  ) {}

  /** Starts the periodic check; the timer never keeps the process alive on its own. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.check(), this.config.healthInterval * 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One health check, then a retry of a failed routing publish; concurrent calls share the one running. */
  check(): Promise<void> {
    this.running ??= this.runCheck(true).finally(() => (this.running = undefined));
    return this.running;
  }

  /** Applies heartbeat timeouts only: at start-up, before the first full publish. */
  checkNodes(): Promise<void> {
    this.running ??= this.runCheck(false).finally(() => (this.running = undefined));
    return this.running;
  }

  /** Resolves once a running check has finished. */
  async idle(): Promise<void> {
    await this.running;
  }

  onModuleDestroy(): void {
    this.stop();
  }

  private async runCheck(republish: boolean): Promise<void> {
    try {
      for (const { id } of this.registry.list()) {
        // Re-read: an earlier await in this loop may have let a heartbeat in.
        const node = this.registry.get(id);
        const change = node && checkHeartbeatTimeout(node, this.clock(), this.config.nodeTimeout);
        if (change) await this.nodes.markInactive(id, change);
      }
      // Not awaited: a store that is down may take its whole timeout, and heartbeat timeouts must not wait for it.
      if (republish) void this.routing.republishIfDirty(() => this.registry.routeNodes());
    } catch (err) {
      this.logger.error({ err }, 'Health check failed');
    }
  }
}
