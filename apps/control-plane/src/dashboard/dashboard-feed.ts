import type { IncomingMessage, ServerResponse } from 'node:http';
import { CdnError, type Logger } from '@cdn/shared';
import type { Registry } from 'prom-client';
import { DASHBOARD_DEFAULTS, type DashboardTimings } from './dashboard.constants';
import { DashboardEvent, DashboardFrames, DashboardSources } from './dashboard-frames';
import { DashboardMetrics, DisconnectReason } from './dashboard-metrics';
import { SSE_HEADERS, SSE_KEEPALIVE } from './sse';

interface Client {
  res: ServerResponse;
  address: string;
  connectedAt: number;
}

/**
 * The dashboards connected to GET /dashboard/events, and the one timer that feeds them: it runs only
 * while some are connected, builds each tick's events once and writes the same text to every client.
 * A client that stops reading is cut off once its backlog passes MAX_BUFFERED_BYTES.
 */
export class DashboardFeed {
  private readonly clients = new Set<Client>();
  private readonly frames: DashboardFrames;
  private readonly metrics: DashboardMetrics;
  private timer: NodeJS.Timeout | undefined;
  private lastWrite = 0;
  private readonly timings: DashboardTimings;

  constructor(
    private readonly sources: DashboardSources,
    private readonly logger: Logger,
    registry: Registry,
    timings: Partial<DashboardTimings> = {},
  ) {
    this.timings = { ...DASHBOARD_DEFAULTS, ...timings };
    this.frames = new DashboardFrames(sources, this.timings.fullTableMs, this.timings.statsMs);
    this.metrics = new DashboardMetrics(registry, () => this.clients.size);
  }

  get size(): number {
    return this.clients.size;
  }

  /** Starts a stream on `res` with a snapshot; throws 503 too_many_clients (nothing written yet) when full. */
  connect(req: IncomingMessage, res: ServerResponse): void {
    const address = req.socket.remoteAddress ?? 'unknown';
    const { maxClients } = this.timings;
    if (this.clients.size >= maxClients) {
      this.metrics.refused.inc();
      this.logger.warn(`Refused a dashboard from ${address}: ${maxClients} dashboards are connected, as many as allowed`);
      throw new CdnError('too_many_clients', `${maxClients} dashboards are connected to this control plane, as many as it serves; close one and retry.`);
    }
    res.writeHead(200, SSE_HEADERS);
    if (req.method === 'HEAD') return void res.end();
    const client: Client = { res, address, connectedAt: this.sources.now() };
    const first = this.clients.size === 0;
    this.clients.add(client);
    res.on('close', () => this.remove(client, 'closed'));
    this.logger.debug(`Dashboard connected from ${address} (${this.clients.size} connected)`);
    this.send(client, [this.frames.snapshot(first)]);
    this.lastWrite = client.connectedAt;
    if (this.timer === undefined) {
      this.timer = setInterval(() => this.tick(), this.timings.tickMs);
      this.timer.unref();
    }
  }

  /** Ends every stream: the control plane is stopping, and a server would otherwise wait for them to finish. */
  close(): void {
    for (const client of [...this.clients]) {
      this.remove(client, 'shutdown');
      client.res.end();
    }
  }

  private tick(): void {
    let events: DashboardEvent[];
    try {
      events = this.frames.next();
    } catch (err) {
      // A failing source must not end the streams: the next tick tries again.
      this.logger.error({ err }, 'Could not build the dashboard update');
      return;
    }
    const now = this.sources.now();
    if (events.length === 0 && now - this.lastWrite < this.timings.keepaliveMs) return;
    for (const client of [...this.clients]) {
      if (events.length > 0) this.send(client, events);
      else this.write(client, SSE_KEEPALIVE);
    }
    this.lastWrite = now;
  }

  private send(client: Client, events: readonly DashboardEvent[]): void {
    for (const event of events) {
      if (!this.write(client, event.text)) return;
      this.metrics.events.inc({ type: event.type });
    }
  }

  /** False when the client was cut off for reading too slowly. */
  private write(client: Client, text: string): boolean {
    if (client.res.writableLength > this.timings.maxBufferedBytes) {
      this.logger.warn(`Cut off the dashboard of ${client.address}: more than ${this.timings.maxBufferedBytes} bytes unread; it will reconnect`);
      this.remove(client, 'slow');
      client.res.destroy();
      return false;
    }
    client.res.write(text);
    this.metrics.sentBytes.inc(Buffer.byteLength(text));
    return true;
  }

  private remove(client: Client, reason: DisconnectReason): void {
    if (!this.clients.delete(client)) return;
    this.metrics.disconnects.inc({ reason });
    const seconds = Math.round((this.sources.now() - client.connectedAt) / 1000);
    this.logger.debug(`Dashboard of ${client.address} disconnected (${reason}) after ${seconds} s (${this.clients.size} connected)`);
    if (this.clients.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
}
