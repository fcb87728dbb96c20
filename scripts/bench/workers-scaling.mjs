/**
 * --workers scaling: the all-in-one server with --workers 1, then 2, nothing pinned (the workers are to spread over
 * the cores), 1 KiB cache hits with wrk -c64; req/s of each (median of the rounds) and the factor 2 workers give.
 * On a machine of 2 cores wrk shares them with the workers, so the factor is below what 2 free cores would give.
 */
import { stop } from './processes.mjs';
import { startAllInOne } from './targets/all-in-one.mjs';
import { runWrk } from './wrk.mjs';

const PATH = '/1k';
const CONNECTIONS = 64;
const WORKERS = [1, 2];

const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];

/**
 * Runs the measurement; resolves {rps: {1: n, 2: n}, scaling}. Both servers run at once (an idle one costs
 * nothing) and are measured in alternation, round after round, so that the machine's drift touches both alike.
 */
export async function measureWorkersScaling({ dir, origin, root, options: { rounds, duration } }) {
  const targets = [];
  try {
    for (const workers of WORKERS) targets.push({ workers, server: await startAllInOne({ dir, origin, root, workers }), runs: [] });
    const urlOf = ({ server }) => `${server.base}${server.prefix}${PATH}`;
    // Every worker has its own cache: a short run fills each before measuring.
    for (const target of targets) await runWrk({ url: urlOf(target), connections: CONNECTIONS, seconds: 1 });
    for (let round = 0; round < rounds; round++) {
      for (const target of round % 2 ? [...targets].reverse() : targets) {
        target.runs.push((await runWrk({ url: urlOf(target), connections: CONNECTIONS, seconds: duration })).rps);
        console.log(`bench: workers-scaling round ${round + 1} --workers ${target.workers}: ${target.runs.at(-1).toFixed(0)} req/s`);
      }
    }
  } finally {
    for (const { server } of targets) {
      server.stop();
      await stop(server.proc);
    }
  }
  const rps = Object.fromEntries(targets.map((target) => [target.workers, median(target.runs)]));
  return { path: PATH, connections: CONNECTIONS, rps, scaling: rps[2] / rps[1] };
}

/** The measurement as lines of the report. */
export function formatWorkersScaling({ connections, rps, scaling }) {
  return [
    '',
    `--workers scaling, all-in-one, cache hit 1 KiB (wrk -c${connections}, unpinned, medians)`,
    `  --workers 1 ${rps[1].toFixed(0).padStart(9)} req/s`,
    `  --workers 2 ${rps[2].toFixed(0).padStart(9)} req/s   × ${scaling.toFixed(2)}`,
  ].join('\n');
}
