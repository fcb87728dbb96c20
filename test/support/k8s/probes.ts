/**
 * A container's probes run as the kubelet runs them: the startup probe first, then liveness and readiness every
 * periodSeconds, each attempt bounded by timeoutSeconds, with the success and failure thresholds of the spec.
 */
import http from 'node:http';
import net from 'node:net';

export interface ProbeTarget {
  /** The host port standing in for a container port, by name or number. */
  hostPort(port: string | number): number;
}

interface ProbeSpec {
  httpGet?: { path?: string; port: string | number; scheme?: string; httpHeaders?: { name: string; value: string }[] };
  tcpSocket?: { port: string | number };
  exec?: unknown;
  initialDelaySeconds?: number;
  periodSeconds?: number;
  timeoutSeconds?: number;
  successThreshold?: number;
  failureThreshold?: number;
}

export type ProbeKind = 'startup' | 'liveness' | 'readiness';

/** One attempt: true for an HTTP answer 200-399 or an accepted connection, within the timeout. */
export function probeOnce(spec: ProbeSpec, target: ProbeTarget): Promise<boolean> {
  const timeoutMs = (spec.timeoutSeconds ?? 1) * 1000;
  if (spec.httpGet) {
    if ((spec.httpGet.scheme ?? 'HTTP') !== 'HTTP') throw new Error('only HTTP probes are run here');
    const headers = Object.fromEntries((spec.httpGet.httpHeaders ?? []).map((h) => [h.name, h.value]));
    return new Promise((resolve) => {
      const req = http.get({ host: '127.0.0.1', port: target.hostPort(spec.httpGet!.port), path: spec.httpGet!.path ?? '/', headers: { 'user-agent': 'kube-probe/1.32', ...headers }, timeout: timeoutMs }, (res) => {
        res.resume();
        resolve(res.statusCode! >= 200 && res.statusCode! < 400);
      });
      req.on('timeout', () => req.destroy());
      req.on('error', () => resolve(false));
    });
  }
  if (spec.tcpSocket) {
    return new Promise((resolve) => {
      const socket = net.connect(target.hostPort(spec.tcpSocket!.port), '127.0.0.1');
      socket.setTimeout(timeoutMs, () => socket.destroy());
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
      socket.once('close', () => resolve(false));
    });
  }
  throw new Error('a probe this test does not run (exec probes would run inside the container)');
}

/** The probes of one container, running until stopped. */
export class ProbeRunner {
  ready = false;
  /** Set when liveness (or startup) failed failureThreshold times in a row: the kubelet would restart the container. */
  killedBecause: string | undefined;
  readonly history: { kind: ProbeKind; at: number; ok: boolean }[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private stopped = false;

  constructor(
    private readonly container: { name: string; startupProbe?: ProbeSpec; livenessProbe?: ProbeSpec; readinessProbe?: ProbeSpec },
    private readonly target: ProbeTarget,
  ) {}

  start(): void {
    const { startupProbe } = this.container;
    if (startupProbe) this.loop('startup', startupProbe, () => this.afterStartup());
    else this.afterStartup();
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
  }

  private afterStartup(): void {
    const { livenessProbe, readinessProbe } = this.container;
    if (livenessProbe) this.loop('liveness', livenessProbe);
    if (readinessProbe) this.loop('readiness', readinessProbe);
    else this.ready = true;
  }

  /** Runs a probe every period; `onStarted` once it succeeds (for the startup probe, which then stops). */
  private loop(kind: ProbeKind, spec: ProbeSpec, onStarted?: () => void): void {
    let successes = 0;
    let failures = 0;
    const run = async () => {
      if (this.stopped) return;
      const ok = await probeOnce(spec, this.target);
      if (this.stopped) return;
      this.history.push({ kind, at: Date.now(), ok });
      successes = ok ? successes + 1 : 0;
      failures = ok ? 0 : failures + 1;
      if (kind === 'readiness') {
        if (successes >= (spec.successThreshold ?? 1)) this.ready = true;
        if (failures >= (spec.failureThreshold ?? 3)) this.ready = false;
      } else if (failures >= (spec.failureThreshold ?? 3)) {
        this.killedBecause ??= `${kind} probe failed ${failures} times in a row`;
      } else if (ok && onStarted) {
        return onStarted();
      }
      this.timers.push(setTimeout(run, (spec.periodSeconds ?? 10) * 1000));
    };
    this.timers.push(setTimeout(run, (spec.initialDelaySeconds ?? 0) * 1000));
  }
}
