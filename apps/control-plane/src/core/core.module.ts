import { DynamicModule, Global, Module } from '@nestjs/common';
import type { CdnConfig, Logger, NodeLoadBus, RoutingSource, RoutingStore } from '@cdn/shared';
import { ALERT_DELIVERY, AlertDeliveryOverride } from '../alerts/alerts.constants';
import { defaultReplicaId, LEADERSHIP, type Leadership, SoleLeadership } from '../cluster/leadership';
import { REPLICATION, type Replication } from '../cluster/replication';
import { DEFAULT_RECONCILE_INTERVAL_MS, ROUTING_RECONCILE_INTERVAL } from '../routing/routing.constants';
import type { Registry } from 'prom-client';
import { CDN_CONFIG, CLOCK, Clock, LOGGER, METRICS_REGISTRY, NODE_LOAD_BUS, ROUTING_SOURCE, ROUTING_STORE, TIMINGS } from './core.constants';
import { DEFAULT_TIMINGS, Timings } from './timings';

export interface CoreDependencies {
  config: CdnConfig;
  logger: Logger;
  clock: Clock;
  registry: Registry;
  store: RoutingStore;
  source: RoutingSource;
  nodeLoads: NodeLoadBus;
  /** Control-plane replicas sharing their state in NATS KV; one control plane with a nodes file when absent. */
  replication?: Replication;
  /** Tests only: a leadership other than the replicas' lease (one control plane always leads by default). */
  leadership?: Leadership;
  /** Tests shorten the alert back-off; defaults to real HTTP and timers. */
  alertDelivery?: AlertDeliveryOverride;
  /** How often the whole routing store is reconciled (ms); 30 s by default. */
  reconcileIntervalMs?: number;
  /** Tests shorten the background periods; defaults to DEFAULT_TIMINGS. */
  timings?: Partial<Timings>;
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
      { provide: NODE_LOAD_BUS, useValue: deps.nodeLoads },
      { provide: REPLICATION, useValue: deps.replication ?? null },
      { provide: LEADERSHIP, useValue: deps.replication?.lease ?? deps.leadership ?? new SoleLeadership(deps.config.replicaId ?? defaultReplicaId()) },
      { provide: ALERT_DELIVERY, useValue: deps.alertDelivery ?? {} },
      { provide: ROUTING_RECONCILE_INTERVAL, useValue: deps.reconcileIntervalMs ?? DEFAULT_RECONCILE_INTERVAL_MS },
      { provide: TIMINGS, useValue: { ...DEFAULT_TIMINGS, ...deps.timings } },
    ];
    return { module: CoreModule, providers, exports: providers.map((p) => p.provide) };
  }
}
