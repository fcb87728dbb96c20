/** The part of GET /stats the dashboard draws: the 5-minute series and each window's totals (not per node or edge). */
import type { SeriesPoint, Stats, StatsReport, StatsWindowName } from '../stats/stats-report';

export interface DashboardTraffic {
  interval_seconds: number;
  points: SeriesPoint[];
  windows: Record<StatsWindowName, Stats>;
}

export function dashboardTraffic(report: StatsReport): DashboardTraffic {
  return {
    interval_seconds: report.series.interval_seconds,
    points: report.series.points,
    windows: { '1m': report.windows['1m'].total, '5m': report.windows['5m'].total, '1h': report.windows['1h'].total },
  };
}
