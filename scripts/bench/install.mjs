/**
 * The programs the bench needs from Debian, installed when missing (`apt-get install -y`). wrk, nginx,
 * nats-server and curl are required; Varnish is optional: when it cannot be had, its columns are left out with a note.
 * Everything here is asynchronous on purpose: after a synchronous child process (execFileSync), Node no longer
 * delivers SIGINT to the runner's handler, and an interrupted run would leave its servers behind.
 */
import fs from 'node:fs';
import path from 'node:path';
import { runToEnd } from './processes.mjs';

const has = (program) =>
  (process.env.PATH ?? '').split(path.delimiter).some((dir) => {
    try {
      fs.accessSync(path.join(dir, program), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });

async function apt(args) {
  const result = await runToEnd('env', ['DEBIAN_FRONTEND=noninteractive', 'apt-get', ...args], { timeoutMs: 600_000 });
  if (result.code !== 0) throw new Error(result.timedOut ? `apt-get ${args[0]} took over 10 minutes` : result.stderr.trim().split('\n').at(-1) || `apt-get exit ${result.code}`);
}

async function aptInstall(packages) {
  try {
    await apt(['install', '-y', '-qq', ...packages]);
  } catch {
    // The package lists may be missing on a fresh machine: refresh them once and try again.
    await apt(['update', '-qq']);
    await apt(['install', '-y', '-qq', ...packages]);
  }
}

/** Installs what is missing (Varnish only when `withVarnish`); returns {varnish, notes}. Throws when a required one cannot be had. */
export async function ensurePrograms({ withVarnish }) {
  const notes = [];
  const required = [
    ['wrk', 'wrk'],
    ['nginx', 'nginx'],
    ['taskset', 'util-linux'],
    ['nats-server', 'nats-server'],
    ['curl', 'curl'],
  ].filter(([program]) => !has(program));
  if (required.length > 0) {
    const packages = required.map(([, pkg]) => pkg);
    console.log(`bench: installing ${packages.join(', ')} with apt-get`);
    await aptInstall(packages).catch((err) => {
      throw new Error(`cannot install ${packages.join(', ')} with apt-get (${err.message}); install them and run again`);
    });
  }
  if (!withVarnish) return { varnish: false, notes };
  if (!has('varnishd')) {
    console.log('bench: installing varnish with apt-get');
    await aptInstall(['varnish']).catch((err) => notes.push(`Varnish left out: apt-get install varnish failed (${err.message})`));
  }
  const varnish = has('varnishd');
  if (!varnish && notes.length === 0) notes.push('Varnish left out: varnishd not found after installing');
  return { varnish, notes };
}
