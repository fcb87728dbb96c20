/** What the results were measured on: CPUs, Node, the programs' versions and our commit. */
import { spawnSync } from 'node:child_process';
import os from 'node:os';

function version(command, args) {
  const run = spawnSync(command, args, { encoding: 'utf8', timeout: 10_000 });
  // nginx and varnishd print their versions on stderr.
  return (run.stdout || run.stderr || 'unknown').trim().split('\n')[0];
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
