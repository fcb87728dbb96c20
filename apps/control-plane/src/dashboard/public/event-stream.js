// GET /dashboard/events read with fetch() rather than EventSource, which cannot send the token header.
import { authHeaders } from './api.js';

const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 15000;

/**
 * Keeps the stream open: calls onEvent(name, data) per event, onState('live' | 'reconnecting' | 'token', detail)
 * when the connection changes. Reconnects with back-off; a refusal for want of a token waits for restart().
 */
export function openEventStream({ onEvent, onState }) {
  let controller;
  let retryMs = RETRY_MIN_MS;
  let timer;

  async function connect() {
    controller = new AbortController();
    let res;
    try {
      res = await fetch('/dashboard/events', { headers: { ...authHeaders(), accept: 'text/event-stream' }, cache: 'no-store', signal: controller.signal });
    } catch (err) {
      if (controller.signal.aborted) return;
      return retry(`the control plane did not answer (${err.message})`);
    }
    if (res.status === 401 || res.status === 403) {
      const body = await res.json().catch(() => ({}));
      return onState('token', body.message ?? `HTTP ${res.status}`);
    }
    if (!res.ok || !res.body) {
      const body = await res.json().catch(() => ({}));
      return retry(body.message ?? `HTTP ${res.status}`);
    }
    retryMs = RETRY_MIN_MS;
    onState('live');
    try {
      await readEvents(res.body, onEvent);
      if (!controller.signal.aborted) retry('the stream ended');
    } catch (err) {
      if (!controller.signal.aborted) retry(`the stream broke (${err.message})`);
    }
  }

  function retry(why) {
    onState('reconnecting', why);
    clearTimeout(timer);
    timer = setTimeout(connect, retryMs);
    retryMs = Math.min(RETRY_MAX_MS, retryMs * 2);
  }

  connect();
  return {
    /** Starts again at once, e.g. with a new token. */
    restart() {
      clearTimeout(timer);
      controller?.abort();
      retryMs = RETRY_MIN_MS;
      connect();
    },
  };
}

/** Splits the text/event-stream body into events (event:, data: lines, a blank line ends one; ":" lines are comments). */
async function readEvents(body, onEvent) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\n\n')) !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name = 'message';
      let data = '';
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) name = line.slice(6).trim();
        else if (line.startsWith('data:')) data += line.slice(5).trimStart();
      }
      if (data) onEvent(name, JSON.parse(data));
    }
  }
}
