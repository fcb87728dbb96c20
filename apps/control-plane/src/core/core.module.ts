import { DynamicModule, Global, Module } from '@nestjs/common';
import type { CdnConfig, Logger, RoutingSource, RoutingStore } from '@cdn/shared';
import type { Registry } from 'prom-client';
import { CDN_CONFIG, CLOCK, Clock, LOGGER, METRICS_REGISTRY, ROUTING_SOURCE, ROUTING_STORE } from './core.constants';

export interface CoreDependencies {
  config: CdnConfig;
  logger: Logger;
  clock: Clock;
  registry: Registry;
  store: RoutingStore;
  source: RoutingSource;
}

/** Makes the control plane's outside dependencies injectable everywhere. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(deps: CoreDependencies): DynamicModule {
    const providers = [
      { provide: CDN_CONFIG, useValue: deps.config },
      { provide: LOGGER, useValue: deps.logger },
      { provide: CLOCK, useValue: deps.clock },
      { provide: METRICS_REGISTRY, useValue: deps.registry },
      { provide: ROUTING_STORE, useValue: deps.store },
      { provide: ROUTING_SOURCE, useValue: deps.source },
    ];
    return { module: CoreModule, providers, exports: providers.map((p) => p.provide) };
  }
}
