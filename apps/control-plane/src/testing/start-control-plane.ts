/** Test support: a control plane on a real HTTP server on port 0, fed by an InProcessBus. */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { CdnConfig, createLogger, InProcessBus, parseConfig, RoutingStore } from '@cdn/shared';
import { Registry } from 'prom-client';
import { afterEach } from 'vitest';
import type { AlertDeliveryOverride } from '../alerts/alerts.constants';
import type { Timings } from '../core/timings';
import { ControlPlane, createControlPlane } from '../control-plane';
import type { Leadership } from '../cluster/leadership';

export interface LogEntry {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** A clock that follows real time plus whatever the test adds. */
export class TestClock {
  offset = 0;
  readonly now = () => Date.now() + this.offset;
  advance(ms: number): void {
    this.offset += ms;
  }
}

export interface RunningControlPlane {
  cp: ControlPlane;
  url: string;
  bus: InProcessBus;
  dir: string;
  file: string;
  clock: TestClock;
  logs: LogEntry[];
  registry: Registry;
  /**
   * fetch() against the server, answering status and parsed JSON (or text). A body is sent as
   * application/json unless `headers` say otherwise, as the manual's curl examples send it.
   */
  call(method: string, urlPath: string, body?: string, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'cp-e2e-'));
}

export function testConfig(dir: string, overrides: Partial<CdnConfig> = {}): CdnConfig {
  const defaults = parseConfig({ name: 'test', description: '', version: '0', options: [] }, [], {});
  return { ...defaults, nodesFile: path.join(dir, 'cdn_nodes.json'), ...overrides };
}

export async function startControlPlane(
  options: {
    dir?: string;
    config?: Partial<CdnConfig>;
    bus?: InProcessBus;
    store?: RoutingStore;
    reconcileIntervalMs?: number;
    clock?: TestClock;
    leadership?: Leadership;
    alertDelivery?: AlertDeliveryOverride;
    timings?: Partial<Timings>;
  } = {},
): Promise<RunningControlPlane> {
  const dir = options.dir ?? tempDir();
  const config = testConfig(dir, options.config);
  const bus = options.bus ?? new InProcessBus();
  const clock = options.clock ?? new TestClock();
  const logs: LogEntry[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) logs.push(JSON.parse(line) as LogEntry);
      done();
    },
  });
  const logger = createLogger({ name: 'control-plane', level: 'DEBUG', destination });
  const registry = new Registry();
  const cp = await createControlPlane({
    config,
    logger,
    store: options.store ?? bus.store,
    source: bus.source(),
    transport: { kind: 'in-process', bus },
    cacheCommands: bus.cacheCommands,
    nodeLoads: bus.nodeLoads,
    leadership: options.leadership,
    alertDelivery: options.alertDelivery,
    registry,
    now: clock.now,
    reconcileIntervalMs: options.reconcileIntervalMs,
    timings: options.timings,
  });
  const server = http.createServer(cp.handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let closing: Promise<void> | undefined;

  return {
    cp,
    url,
    bus,
    dir,
    file: config.nodesFile,
    clock,
    logs,
    registry,
    async call(method, urlPath, body, headers) {
      const sent = body !== undefined && !Object.keys(headers ?? {}).some((h) => h.toLowerCase() === 'content-type') ? { 'content-type': 'application/json', ...headers } : headers;
      const res = await fetch(url + urlPath, { method, body, headers: sent });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        /* not JSON */
      }
      return { status: res.status, body: parsed, headers: res.headers };
    },
    // Closing twice (a test that restarts, then the file's cleanup) closes once.
    close() {
      closing ??= (async () => {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await cp.close();
      })();
      return closing;
    },
  };
}

/** The manual's registration example. */
type StartOptions = NonNullable<Parameters<typeof startControlPlane>[0]>;

/**
 * The start function of a spec file: every control plane it starts is closed after each test. `defaults` fills in
 * what the file's tests share (their options win).
 */
export function controlPlaneStarter(defaults: (options: StartOptions) => StartOptions = (options) => options): (options?: StartOptions) => Promise<RunningControlPlane> {
  const running: RunningControlPlane[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((cp) => cp.close()));
  });
  return async (options = {}) => {
    const cp = await startControlPlane(defaults(options));
    running.push(cp);
    return cp;
  };
}

export const NODE1 = { id: 'node1', url: 'http://cdn1.example.com', location: 'Beijing', capacity: 100, heartbeat_interval: 10 };
export const NODE2 = { id: 'node2', url: 'http://cdn2.example.com', location: 'Shanghai', capacity: 150 };

export const LEVEL = { debug: 20, info: 30, warn: 40, error: 50 } as const;

export function messages(logs: LogEntry[], level: number): string[] {
  return logs.filter((entry) => entry.level === level).map((entry) => entry.msg);
}

export { eventually } from '../../../../test/support/ports';
