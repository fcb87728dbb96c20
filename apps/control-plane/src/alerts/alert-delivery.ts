/** Posting one alert to one webhook, with exponential back-off. Time and HTTP are injected so tests can fake both. */

export interface DeliveryOptions {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Wait after the first failure; doubles after each further one (1 s, 2 s, 4 s, ...). */
  baseDelayMs: number;
  /** Per attempt. */
  timeoutMs: number;
  /** Resolves after `ms`, or early when `signal` aborts. */
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Sends the JSON body; resolves with the HTTP status, rejects on a network error or timeout. */
  post: (url: string, body: string, timeoutMs: number, signal: AbortSignal) => Promise<number>;
  /** Told of each failed attempt that will be retried. */
  onRetry?: (attempt: number, delayMs: number, error: string) => void;
}

export const DEFAULT_DELIVERY: Omit<DeliveryOptions, 'sleep' | 'post'> = { attempts: 5, baseDelayMs: 1_000, timeoutMs: 5_000 };

export type DeliveryResult = { ok: true; attempts: number } | { ok: false; attempts: number; error: string };

/** The wait after failed attempt number `attempt` (1-based). */
export function retryDelay(attempt: number, baseDelayMs: number): number {
  return baseDelayMs * 2 ** (attempt - 1);
}

/** Any 2xx is delivered; anything else (or no answer) is retried until attempts run out or `signal` aborts. */
export async function deliverAlert(url: string, body: string, options: DeliveryOptions, signal: AbortSignal): Promise<DeliveryResult> {
  let error = 'not attempted';
  for (let attempt = 1; attempt <= options.attempts; attempt++) {
    if (signal.aborted) return { ok: false, attempts: attempt - 1, error: 'cancelled at shutdown' };
    try {
      const status = await options.post(url, body, options.timeoutMs, signal);
      if (status >= 200 && status < 300) return { ok: true, attempts: attempt };
      error = `HTTP ${status}`;
    } catch (err) {
      error = describeError(err);
    }
    if (attempt < options.attempts) {
      const delay = retryDelay(attempt, options.baseDelayMs);
      options.onRetry?.(attempt, delay, error);
      await options.sleep(delay, signal);
    }
  }
  return { ok: false, attempts: options.attempts, error };
}

export function describeError(err: unknown): string {
  const e = err as { name?: string; code?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError') return 'timeout';
  return e?.cause?.code ?? e?.code ?? e?.cause?.message ?? e?.message ?? String(err);
}

/** Real time: an unref'd timer, so a pending retry never keeps the process alive. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    timer.unref();
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

/** Real HTTP: fetch with a per-attempt timeout. */
export async function postJson(url: string, body: string, timeoutMs: number, signal: AbortSignal): Promise<number> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
  });
  await res.body?.cancel().catch(() => undefined);
  return res.status;
}
