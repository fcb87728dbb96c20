import { collectDefaultMetrics, type Registry } from 'prom-client';

/**
 * prom-client's gauges named like counters: Prometheus keeps `_total` for counters, so `promtool check metrics`
 * refuses them. Their totals are the sums of nodejs_active_handles, nodejs_active_requests and
 * nodejs_active_resources, which prom-client registers beside them by type.
 */
const GAUGES_NAMED_TOTAL = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

/**
 * The process metrics of every program (control plane, edge, all-in-one, a --workers primary and its workers),
 * under prom-client's standard names (`process_*`, `nodejs_*`) and no prefix, so one dashboard reads them all.
 */
export function registerProcessMetrics(registry: Registry): void {
  collectDefaultMetrics({ register: registry });
  for (const name of GAUGES_NAMED_TOTAL) registry.removeSingleMetric(name);
}
