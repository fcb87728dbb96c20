import { Counter, Gauge, type Registry } from 'prom-client';

/** Why a dashboard's stream ended. */
export type DisconnectReason = 'closed' | 'slow' | 'shutdown';

/** The dashboard stream's metrics (cdn_cp_dashboard_*). */
export class DashboardMetrics {
  readonly events: Counter<'type'>;
  readonly sentBytes: Counter;
  readonly refused: Counter;
  readonly disconnects: Counter<'reason'>;

  constructor(registry: Registry, clients: () => number) {
    new Gauge({
      name: 'cdn_cp_dashboard_clients',
      help: 'Dashboards connected to GET /dashboard/events',
      registers: [registry],
      collect() {
        this.set(clients());
      },
    });
    this.events = new Counter({ name: 'cdn_cp_dashboard_events_total', help: 'Events sent to dashboards, by type (one per dashboard that got it)', labelNames: ['type'], registers: [registry] });
    this.sentBytes = new Counter({ name: 'cdn_cp_dashboard_sent_bytes_total', help: 'Bytes of events sent to dashboards', registers: [registry] });
    this.refused = new Counter({ name: 'cdn_cp_dashboard_clients_refused_total', help: 'Dashboards refused because as many were connected as allowed', registers: [registry] });
    this.disconnects = new Counter({
      name: 'cdn_cp_dashboard_disconnects_total',
      help: 'Dashboard streams ended, by reason: closed (by the page), slow (too much unread), shutdown',
      labelNames: ['reason'],
      registers: [registry],
    });
    for (const reason of ['closed', 'slow', 'shutdown'] as const) this.disconnects.inc({ reason }, 0);
  }
}
