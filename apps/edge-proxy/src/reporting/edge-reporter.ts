import { EDGE_EVENTS, EdgeEventPublisher, EdgeNodeStats, EdgeTrafficReport, Logger } from '@cdn/shared';
import type { TableOrigin } from '../routing/table-origin';

export interface EdgeReporterOptions {
  events: EdgeEventPublisher;
  edgeId: string;
  intervalMs: number;
  now: () => number;
  /** The table in use, or undefined before the first one (nothing is reported then: there is nothing to compare). */
  applied: () => { revision: number; origin: TableOrigin } | undefined;
  /** Per-node figures since the last report (passive health, in-flight requests). */
  nodeStats: () => Record<string, EdgeNodeStats>;
  /** Client traffic since the last report (GET /stats on the control plane). */
  traffic: () => EdgeTrafficReport;
  logger: Logger;
}

/** Tells the control plane which table this edge serves with: after every applied table and periodically. */
export class EdgeReporter {
  private timer: NodeJS.Timeout | undefined;
  private startedAt = 0;

  constructor(private readonly options: EdgeReporterOptions) {}

  start(): void {
    this.startedAt = this.options.now();
    this.timer = setInterval(() => this.report(), this.options.intervalMs);
    // Reports must never keep a process alive that is otherwise done.
    this.timer.unref();
  }

  report(): void {
    const applied = this.options.applied();
    if (applied === undefined || this.timer === undefined) return;
    const { revision, origin } = applied;
    try {
      this.options.events.publish(EDGE_EVENTS.report, {
        edgeId: this.options.edgeId,
        revision,
        table: origin.source,
        ...(origin.source === 'saved' ? { tableSavedAt: origin.savedAt } : {}),
        reportedAt: this.options.now(),
        startedAt: this.startedAt,
        nodes: this.options.nodeStats(),
        traffic: this.options.traffic(),
      });
    } catch (err) {
      // The publisher promises not to throw; if one does, the next period tries again.
      this.options.logger.warn({ err }, 'Failed to publish the edge report');
    }
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
