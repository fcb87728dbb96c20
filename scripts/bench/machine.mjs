/** What the results were measured on: CPUs, Node, the programs' versions and our commit. */
import { execFileSync } from 'node:child_process';
import os from 'node:os';

function version(command, args) {
  try {
    // nginx prints its version on stderr.
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 }).trim().split('\n')[0];
  } catch (err) {
    return (err.stderr?.toString() || err.stdout?.toString() || 'unknown').trim().split('\n')[0];
  }
}

export function machine() {
  return {
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    nginx: version('nginx', ['-v']),
    varnish: version('varnishd', ['-V']),
    wrk: version('wrk', ['-v']),
    commit: version('git', ['rev-parse', '--short', 'HEAD']),
  };
}
