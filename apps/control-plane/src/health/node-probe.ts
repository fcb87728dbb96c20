import http from 'node:http';
import https from 'node:https';

export interface ProbeOutcome {
  /** Any HTTP answer below 500 within the timeout: a node without a health page still answers 404 and is up. */
  ok: boolean;
  /** "HTTP 200 in 3 ms", "HTTP 503", "ECONNREFUSED", "timeout after 2 s". */
  result: string;
  durationMs: number;
}

/** Keep-alive agents reused across rounds; idle sockets close after `idleMs` so dead nodes do not hold sockets. */
export function probeAgents(idleMs: number): { http: http.Agent; https: https.Agent; destroy(): void } {
  const options = { keepAlive: true, keepAliveMsecs: 1_000, maxSockets: 2, maxFreeSockets: 1, timeout: idleMs };
  const agents = { http: new http.Agent(options), https: new https.Agent(options) };
  return { ...agents, destroy: () => (agents.http.destroy(), agents.https.destroy()) };
}

/** `<node url><path>`: the node's own path prefix, if any, is kept. */
export function probeUrl(nodeUrl: string, path: string): string {
  return nodeUrl.replace(/\/+$/, '') + (path.startsWith('/') ? path : `/${path}`);
}

/** GET the health path once. Never rejects. */
export function probeNode(
  url: string,
  timeoutMs: number,
  agents: { http: http.Agent; https: https.Agent },
  signal: AbortSignal,
  now: () => number = performance.now.bind(performance),
): Promise<ProbeOutcome> {
  const started = now();
  const elapsed = () => Math.round(now() - started);
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: Omit<ProbeOutcome, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve({ ...outcome, durationMs: elapsed() });
    };
    const isHttps = url.startsWith('https:');
    const req = (isHttps ? https : http).get(url, { agent: isHttps ? agents.https : agents.http, headers: { 'user-agent': 'cdn-control-plane-probe' } }, (res) => {
      const status = res.statusCode ?? 0;
      // The body is not needed; reading it lets the socket go back to the agent.
      res.resume();
      finish(status < 500 ? { ok: true, result: `HTTP ${status} in ${elapsed()} ms` } : { ok: false, result: `HTTP ${status}` });
    });
    const timer = setTimeout(() => {
      finish({ ok: false, result: `timeout after ${timeoutMs / 1000} s` });
      req.destroy();
    }, timeoutMs);
    timer.unref();
    const onAbort = () => {
      finish({ ok: false, result: 'cancelled' });
      req.destroy();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    req.on('error', (err: NodeJS.ErrnoException) => finish({ ok: false, result: err.code ?? err.message }));
  });
}

/** Runs `work` over `items` with at most `limit` at a time. */
export async function forEachBounded<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]);
  });
  await Promise.all(workers);
}
