/** Test helpers for the edge's integration specs: a real edge on a real port, fed by an InProcessBus. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import { CdnConfig, createLogger, EDGE_EVENTS, EdgeReport, InProcessBus, parseConfig, RouteNode, RoutingSource } from '@cdn/shared';
import { COUNTED_MESSAGES, createEdgeProxy, EdgeProxy, EdgeProxyOptions } from '../src/index';

export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

export interface EdgeHarness {
  url: string;
  port: number;
  bus: InProcessBus;
  edge: EdgeProxy;
  registry: Registry;
  logs: LogLine[];
  reports: EdgeReport[];
  /** Puts nodes in the store and waits until the edge has applied the resulting table. */
  putNodes(...nodes: RouteNode[]): Promise<void>;
  /** Lets queued bus deliveries run. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export function defaultConfig(overrides: Partial<CdnConfig> = {}): CdnConfig {
  return { ...parseConfig({ name: 'edge-test', description: '', version: '0', options: [] }, [], {}), ...overrides };
}

export function routeNode(id: string, url: string, extra: Partial<RouteNode> = {}): RouteNode {
  return { id, url, location: 'us-east', capacity: 100, status: 'active', load: 0, ...extra };
}

export async function startEdge(
  options: {
    config?: Partial<CdnConfig>;
    now?: () => number;
    random?: () => number;
    reportIntervalMs?: number;
    start?: boolean;
    /** Instead of the bus's own source (which delivers its table at once): one that is attached later, as NATS is. */
    source?: RoutingSource;
    /** The --state-dir options of the standalone edge. */
    edge?: Pick<EdgeProxyOptions, 'savedTable' | 'onTableApplied' | 'waitingFor' | 'noSavedTable'>;
  } = {},
): Promise<EdgeHarness> {
  const bus = new InProcessBus();
  const logs: LogLine[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) logs.push(JSON.parse(line) as LogLine);
      callback();
    },
  });
  const logger = createLogger({ name: 'edge-proxy', level: 'DEBUG', destination });
  const registry = new Registry();
  const reports: EdgeReport[] = [];
  const unsubscribe = bus.onEvent((event, data) => {
    if (event === EDGE_EVENTS.report) reports.push(data as EdgeReport);
  });
  const source = options.source ?? bus.source();
  const edge = createEdgeProxy({
    config: defaultConfig(options.config),
    logger,
    source,
    events: bus.events,
    cacheCommands: bus.cacheCommands,
    nodeLoads: bus.nodeLoads,
    edgeId: 'edge-test',
    registry,
    now: options.now,
    random: options.random ?? (() => 0),
    reportIntervalMs: options.reportIntervalMs,
    ...options.edge,
  });
  if (options.start !== false) await edge.start();
  const server = http.createServer(COUNTED_MESSAGES, (req, res) => edge.handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    bus,
    edge,
    registry,
    logs,
    reports,
    settle,
    async putNodes(...nodes) {
      for (const node of nodes) await bus.store.putNode(node);
      await settle();
    },
    async close() {
      unsubscribe();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await edge.close();
      await source.close();
    },
  };
}

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  json<T = Record<string, unknown>>(): T;
}

/** One request over a fresh connection; the whole answer is read (for small bodies only). */
export function request(url: string, options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode!, headers: res.headers, body, json: () => JSON.parse(body.toString('utf8')) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}
