import { BaseRpcContext, CustomTransportStrategy, Server } from '@nestjs/microservices';
import type { InProcessBus } from '@cdn/shared';

/**
 * A Nest transport that receives edge events from the all-in-one server's InProcessBus, so the
 * same `@EventPattern` handlers serve both this and NATS.
 */
export class InProcessBusServer extends Server implements CustomTransportStrategy {
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly bus: InProcessBus) {
    super();
  }

  listen(callback: () => void): void {
    this.unsubscribe = this.bus.onEvent((event, data) => {
      // Events nobody handles are dropped quietly, as NATS does for subjects nobody subscribed to.
      if (!this.getHandlerByPattern(event)) return;
      void this.handleEvent(event, { pattern: event, data }, new BaseRpcContext([event]));
    });
    callback();
  }

  close(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  on(): void {
    // The bus has no connection states to report.
  }

  unwrap<T>(): T {
    return this.bus as T;
  }
}
