import type { KV } from '@nats-io/kv';
import { withTimeout } from './nats-routing-bucket';

/**
 * How often a KV watch is compared with its stream. A watch's consumer lives on one NATS server, not always the
 * one the client is connected to: when that server stops, the watch gets nothing more and no error (nats.js
 * notices only after two missed 30 s heartbeats), so a watch is checked on a timer of its own.
 */
export const WATCH_CHECK_MS = 5_000;

/**
 * Calls `onStall` once when the watch delivered nothing for a whole period while the bucket already held a newer
 * revision at the start of that period. `delivered` is the highest revision the watch has delivered. A status that
 * cannot be read (NATS unreachable) proves nothing: reconnects are handled elsewhere. Returns a stop function.
 */
export function checkWatchForStall(kv: KV, delivered: () => number, onStall: () => void, periodMs = WATCH_CHECK_MS): () => void {
  let before = { delivered: delivered(), last: 0 };
  let stopped = false;
  const timer = setInterval(() => {
    withTimeout(kv.status(), 'status of a watched bucket').then(
      (status) => {
        if (stopped) return;
        const now = { delivered: delivered(), last: status.streamInfo.state.last_seq };
        if (now.delivered === before.delivered && now.delivered < before.last) {
          stop();
          onStall();
          return;
        }
        before = now;
      },
      () => undefined,
    );
  }, periodMs);
  timer.unref();
  const stop = () => {
    stopped = true;
    clearInterval(timer);
  };
  return stop;
}
