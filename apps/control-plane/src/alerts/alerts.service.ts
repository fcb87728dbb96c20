import { Inject, Injectable, OnModuleDestroy, Optional } from '@nestjs/common';
import type { CdnConfig, Logger, NodeStatus } from '@cdn/shared';
import { Counter, Registry } from 'prom-client';
import { CDN_CONFIG, CLOCK, Clock, LOGGER, METRICS_REGISTRY } from '../core/core.constants';
import { DEFAULT_DELIVERY, deliverAlert, DeliveryOptions, postJson, sleep } from './alert-delivery';
import { Alert, AlertDecision, alertPayload, AlertPolicy, NodeCondition } from './alert-policy';
import { ALERT_DELIVERY, AlertDeliveryOverride } from './alerts.constants';

/**
 * Turns node and edge changes into alerts: the policy decides what goes out, each alert is logged
 * (WARNING, ERROR for critical, INFO) and posted to every --alert-webhook in the background, so a slow
 * or dead receiver never holds a health decision. Down alerts wait --alert-delay: a timer wakes the
 * policy when the next one is due (the health loop's sweep() is the backstop).
 */
@Injectable()
export class AlertsService implements OnModuleDestroy {
  private readonly policy: AlertPolicy;
  private timer: NodeJS.Timeout | undefined;
  private readonly stopping = new AbortController();
  private readonly pending = new Set<Promise<void>>();
  private readonly delivery: DeliveryOptions;
  private readonly alerts: Counter<'event' | 'result'>;

  constructor(
    @Inject(CDN_CONFIG) private readonly config: CdnConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(METRICS_REGISTRY) metrics: Registry,
    @Optional() @Inject(ALERT_DELIVERY) override?: AlertDeliveryOverride,
  ) {
    this.policy = new AlertPolicy({ downDelayMs: config.alertDelay * 1000 });
    this.delivery = { ...DEFAULT_DELIVERY, sleep, post: postJson, ...override };
    this.alerts = new Counter({
      name: 'cdn_cp_alerts_total',
      help: 'Alerts by event and result: sent or failed (per webhook), suppressed (duplicate or flapping), cancelled (its condition ended within --alert-delay)',
      labelNames: ['event', 'result'],
      registers: [metrics],
    });
  }

  /** A node changed status at `at` (the transition's time: a delayed alert carries it); `active`/`total` count the nodes after the change. */
  nodeChanged(node: string, to: NodeStatus, reason: string, active: number, total: number, at: number): void {
    this.apply(this.policy.nodeChanged(node, condition(to), reason, at));
    this.apply(this.policy.activeCountChanged(active, total, at));
  }

  /**
   * Starts from the nodes as they are when this replica becomes the leader: what the previous leader will
   * have announced is not announced again; a node that went down too recently for its alert to be due
   * (--alert-delay) gets it when it is due.
   */
  resume(nodes: readonly { id: string; status: NodeStatus; reason: string; since: number }[]): void {
    const now = this.clock();
    const active = nodes.filter((n) => n.status === 'active').length;
    for (const node of nodes) {
      const down = condition(node.status) === 'down';
      if (down && node.since + this.config.alertDelay * 1000 > now) this.apply(this.policy.nodeChanged(node.id, 'down', node.reason, node.since));
      else this.policy.presume(node.id, condition(node.status), node.since);
    }
    this.policy.presumeActiveCount(active, nodes.length, now);
  }

  /** A node was deregistered: it may have been the last active one, or the last inactive one. */
  nodeRemoved(node: string, active: number, total: number): void {
    const now = this.clock();
    this.apply(this.policy.nodeRemoved(node, now));
    this.apply(this.policy.activeCountChanged(active, total, now));
  }

  edgeLost(edge: string, reason: string): void {
    this.apply(this.policy.edgeLost(edge, reason, this.clock()));
  }

  edgeBack(edge: string): void {
    this.policy.edgeBack(edge);
  }

  /** Sends down alerts whose delay is over and ends flap holds that have gone quiet; called by the health loop and the due timer. */
  sweep(): void {
    this.apply(this.policy.sweep(this.clock()));
  }

  /** Resolves once every alert in flight is delivered or given up (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping.abort();
    clearTimeout(this.timer);
    await this.idle();
  }

  private apply(decisions: AlertDecision[]): void {
    for (const decision of decisions) {
      const { alert } = decision;
      switch (decision.action) {
        case 'send':
          this.send(alert);
          break;
        case 'suppress': {
          this.alerts.inc({ event: alert.event, result: 'suppressed' });
          const line = `Alert ${alert.event}${subject(alert)} suppressed (${decision.why}): ${alert.reason}`;
          if (decision.why === 'flapping') this.logger.info(line);
          else this.logger.debug(line);
          break;
        }
        case 'defer':
          this.logger.debug(`Alert ${alert.event}${subject(alert)} pending: sent in ${Math.max(0, Math.ceil((decision.dueAt - this.clock()) / 1000))} s if the condition still holds (--alert-delay ${this.config.alertDelay} s): ${alert.reason}`);
          break;
        case 'cancel':
          this.alerts.inc({ event: alert.event, result: 'cancelled' });
          this.logger.info(`Alert ${alert.event}${subject(alert)} cancelled: ${decision.why}, within --alert-delay (${this.config.alertDelay} s): ${alert.reason}`);
          break;
      }
    }
    this.armTimer();
  }

  /** One timer, for the next deferred alert: it goes out close to its due time rather than on the next health round. */
  private armTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const due = this.policy.nextDue();
    if (due === undefined || this.stopping.signal.aborted) return;
    this.timer = setTimeout(() => this.sweep(), Math.max(0, due - this.clock()));
    this.timer.unref();
  }

  private send(alert: Alert): void {
    const line = `Alert ${alert.event}${subject(alert)}: ${alert.reason}`;
    if (alert.severity === 'critical') this.logger.error(line);
    else if (alert.severity === 'warning') this.logger.warn(line);
    else this.logger.info(line);
    if (this.stopping.signal.aborted) return;
    const body = JSON.stringify(alertPayload(alert));
    for (const url of this.config.alertWebhooks) {
      const delivery = this.deliver(alert, url, body).finally(() => this.pending.delete(delivery));
      this.pending.add(delivery);
    }
  }

  private async deliver(alert: Alert, url: string, body: string): Promise<void> {
    const onRetry = (attempt: number, delayMs: number, error: string) =>
      this.logger.debug(`Alert ${alert.event}${subject(alert)}: webhook ${url} failed (${error}) on attempt ${attempt}; retrying in ${delayMs} ms`);
    const result = await deliverAlert(url, body, { ...this.delivery, onRetry }, this.stopping.signal);
    if (result.ok) {
      this.alerts.inc({ event: alert.event, result: 'sent' });
      this.logger.debug(`Alert ${alert.event}${subject(alert)} delivered to ${url} (attempt ${result.attempts})`);
    } else {
      this.alerts.inc({ event: alert.event, result: 'failed' });
      this.logger.warn(`Alert ${alert.event}${subject(alert)} could not be delivered to ${url} after ${result.attempts} attempt(s): ${result.error}`);
    }
  }
}

function condition(status: NodeStatus): NodeCondition {
  if (status === 'active') return 'up';
  if (status === 'draining') return 'neutral';
  return 'down';
}

function subject(alert: Alert): string {
  if (alert.node !== undefined) return ` for node ${alert.node}`;
  if (alert.edge !== undefined) return ` for edge ${alert.edge}`;
  return '';
}
