import type { Worker } from 'node:cluster';
import { AggregatorRegistry, Registry } from 'prom-client';
import { onPrimaryMessage, sendToPrimary, type MetricsJson, type WorkerMessage } from './worker-messages';

/** A worker that has not sent its metrics within this long is left out of that scrape (it is dying or stuck). */
const COLLECT_TIMEOUT_MS = 2_000;

/**
 * The primary's registry: what it serves (the all-in-one's control plane, on /metrics) and what its workers ask
 * for is the aggregate of its own metrics and every live worker's, fetched over IPC at each scrape. Counters and
 * histograms are summed; each gauge says how it is aggregated (`aggregator`: sum by default, min, max).
 */
export class ClusterRegistry extends Registry {
  private readonly reports = new PendingReplies<MetricsJson>();

  constructor(private readonly workers: () => Worker[]) {
    super();
  }

  override async metrics(): Promise<string> {
    const all = await Promise.all([this.getMetricsAsJSON(), ...this.workers().map((worker) => this.collect(worker))]);
    return AggregatorRegistry.aggregate(all.filter((metrics): metrics is MetricsJson => metrics !== undefined)).metrics();
  }

  /** Takes the workers' messages about metrics: their reports, and their requests for the aggregate. */
  onMessage(worker: Worker, message: WorkerMessage): void {
    if (message.type === 'cdn:metrics:report') this.reports.answer(message.id, message.metrics);
    if (message.type === 'cdn:metrics:ask') {
      this.metrics().then(
        (text) => worker.isConnected() && worker.send({ type: 'cdn:metrics:answer', id: message.id, text }),
        () => worker.isConnected() && worker.send({ type: 'cdn:metrics:answer', id: message.id, text: undefined }),
      );
    }
  }

  private collect(worker: Worker): Promise<MetricsJson | undefined> {
    return this.reports.ask(COLLECT_TIMEOUT_MS, (id) => worker.send({ type: 'cdn:metrics:collect', id }, (err: Error | null) => err && this.reports.answer(id, undefined)));
  }
}

/**
 * A worker's registry: it holds this worker's metrics, which it sends when the primary collects them, and its
 * exposition (what /metrics on this worker serves) is the primary's aggregate of every worker.
 */
export class WorkerRegistry extends Registry {
  private readonly answers = new PendingReplies<string>();

  constructor() {
    super();
    onPrimaryMessage((message) => {
      if (message.type === 'cdn:metrics:collect') {
        void this.getMetricsAsJSON().then((metrics) => sendToPrimary({ type: 'cdn:metrics:report', id: message.id, metrics }));
      }
      if (message.type === 'cdn:metrics:answer') this.answers.answer(message.id, message.text);
    });
  }

  override async metrics(): Promise<string> {
    const text = await this.answers.ask(2 * COLLECT_TIMEOUT_MS, (id) => sendToPrimary({ type: 'cdn:metrics:ask', id }));
    if (text === undefined) throw new Error('the primary did not answer with the metrics of every worker');
    return text;
  }
}

/** Questions sent over IPC, each with an id, waiting for the answer with that id: undefined when none comes in time. */
class PendingReplies<T> {
  private nextId = 0;
  private readonly waiting = new Map<number, (value: T | undefined) => void>();

  ask(timeoutMs: number, send: (id: number) => void): Promise<T | undefined> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.answer(id, undefined), timeoutMs);
      this.waiting.set(id, (value) => {
        clearTimeout(timer);
        this.waiting.delete(id);
        resolve(value);
      });
      send(id);
    });
  }

  answer(id: number, value: T | undefined): void {
    this.waiting.get(id)?.(value);
  }
}
