import { EDGE_EVENTS, EdgeEventPublisher, EdgeNodeStats, Logger } from '@cdn/shared';

export interface EdgeReporterOptions {
  events: EdgeEventPublisher;
  edgeId: string;
  intervalMs: number;
  now: () => number;
  /** The revision in use, or undefined before the first table (nothing is reported then: there is nothing to compare). */
  revision: () => number | undefined;
  /** Per-node figures since the last report (passive health, in-flight requests). */
  nodeStats: () => Record<string, EdgeNodeStats>;
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
    const revision = this.options.revision();
    if (revision === undefined || this.timer === undefined) return;
    try {
      this.options.events.publish(EDGE_EVENTS.report, {
        edgeId: this.options.edgeId,
        revision,
        reportedAt: this.options.now(),
        startedAt: this.startedAt,
        nodes: this.options.nodeStats(),
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
