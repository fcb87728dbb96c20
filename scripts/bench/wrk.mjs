/** One wrk run pinned to the load CPU, and the reading of its output. */
import { runToEnd } from './processes.mjs';

const UNIT_MS = { us: 0.001, ms: 1, s: 1_000, m: 60_000 };

/** "1.23ms" → 1.23; "456.00us" → 0.456. */
function durationMs(text) {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(text);
  if (!match) throw new Error(`wrk: cannot read the duration "${text}"`);
  return Number(match[1]) * UNIT_MS[match[2]];
}

/** Reads wrk's report (run with --latency): req/s, p50 and p99 in ms, requests, non-2xx/3xx answers, socket errors. */
export function parseWrk(output) {
  const rps = /^Requests\/sec:\s+([\d.]+)/m.exec(output);
  const p50 = /^\s+50%\s+(\S+)/m.exec(output);
  const p99 = /^\s+99%\s+(\S+)/m.exec(output);
  if (!rps || !p50 || !p99) throw new Error(`wrk: unexpected output:\n${output}`);
  const requests = /(\d+) requests in/.exec(output);
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(output);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  return {
    rps: Number(rps[1]),
    p50Ms: durationMs(p50[1]),
    p99Ms: durationMs(p99[1]),
    requests: requests ? Number(requests[1]) : 0,
    non2xx: non2xx ? Number(non2xx[1]) : 0,
    socketErrors: socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0,
  };
}

/** Runs wrk against `url` for `seconds`; killed when it overruns by 30 s. */
export async function runWrk({ url, connections, seconds, script, cpu }) {
  const args = ['-t1', `-c${connections}`, `-d${seconds}s`, '--timeout', '10s', '--latency', ...(script ? ['-s', script] : []), url];
  const result = await runToEnd('wrk', args, { cpu, timeoutMs: (seconds + 30) * 1_000 });
  if (result.timedOut) throw new Error(`wrk ${url}: did not finish within ${seconds + 30} s`);
  if (result.code !== 0) throw new Error(`wrk ${url}: exit ${result.code}: ${result.stderr.trim() || result.stdout.trim()}`);
  return parseWrk(result.stdout);
}
