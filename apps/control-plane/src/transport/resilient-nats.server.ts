import { ServerNats, type NatsStatus } from '@nestjs/microservices';
import { NO_NATS_CREDENTIALS, redactUrl, type Logger, type NatsCredentials } from '@cdn/shared';

const FIRST_CONNECT_RETRY_MS = 2_000;

/**
 * Nest's NATS transport, made to tolerate a NATS server that is down when the control plane starts:
 * `listen` answers at once (the admin API must come up regardless) and the first connection is
 * retried until it succeeds or the app closes. Once connected, `maxReconnectAttempts: -1` makes the
 * client itself reconnect forever. (nats.js's own `waitOnFirstConnect` cannot be cancelled by close.)
 */
export class ResilientNatsServer extends ServerNats {
  private closed = false;
  private wake: (() => void) | undefined;
  /** --nats-url as it may be logged. */
  private readonly where: string;

  constructor(
    servers: string,
    private readonly log: Logger,
    credentials: NatsCredentials = NO_NATS_CREDENTIALS,
  ) {
    super({
      servers: servers.split(',').map((s) => s.trim()),
      name: 'cdn-control-plane-events',
      ...credentials.connectOptions,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1_000,
      waitOnFirstConnect: false,
      // As connectNats: a server whose users were fixed must be reached again without a restart.
      ignoreAuthErrorAbort: true,
    });
    this.where = redactUrl(servers);
  }

  override async listen(callback: (err?: unknown) => void): Promise<void> {
    callback();
    await super.listen((err) => {
      if (err && !this.closed) this.log.error({ err }, 'Could not subscribe to edge reports on NATS');
      else if (!err) this.log.info('Receiving edge reports over NATS');
    });
  }

  override async createNatsClient(): Promise<any> {
    for (let attempt = 0; ; attempt++) {
      try {
        const client = await super.createNatsClient();
        if (this.closed) {
          await client.close();
          throw new Error('closed before NATS was reached');
        }
        if (attempt > 0) this.log.info('NATS reachable: edge reports resume');
        return client;
      } catch (err) {
        if (this.closed) throw err;
        // The main connection got through with the same identity, so this is nearly always a NATS still starting.
        if (attempt === 0) this.log.warn({ err }, `Cannot connect to NATS at ${this.where} for edge reports (${(err as Error).message}); retrying every ${FIRST_CONNECT_RETRY_MS / 1000} s (edge reports are not received meanwhile)`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, FIRST_CONNECT_RETRY_MS);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    }
  }

  /** Replaces Nest's status logging, which reports every disconnect at ERROR although the client reconnects by itself. */
  override async handleStatusUpdates(client: any): Promise<void> {
    for await (const status of client.status() as AsyncIterable<{ type: string; server?: string }>) {
      if (status.type === 'disconnect') {
        this._status$.next('disconnected' as NatsStatus);
        this.log.warn(`Edge reports: disconnected from NATS at ${status.server ?? '?'}; reconnecting`);
      } else if (status.type === 'reconnect') {
        this._status$.next('connected' as NatsStatus);
        this.log.info(`Edge reports: reconnected to NATS at ${status.server ?? '?'}`);
      }
    }
  }

  override async close(): Promise<void> {
    this.closed = true;
    this.wake?.();
    await super.close();
  }
}
