/**
 * The programs the bench needs from Debian, installed when missing (`apt-get install -y`). wrk, nginx and
 * nats-server are required; Varnish is optional: when it cannot be had, its columns are left out with a note.
 */
import { execFileSync } from 'node:child_process';

const has = (program) => {
  try {
    execFileSync('sh', ['-c', `command -v ${program}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

function aptInstall(packages) {
  const options = { stdio: ['ignore', 'ignore', 'inherit'], timeout: 600_000, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } };
  try {
    execFileSync('apt-get', ['install', '-y', '-qq', ...packages], options);
  } catch {
    // The package lists may be missing on a fresh machine: refresh them once and try again.
    execFileSync('apt-get', ['update', '-qq'], options);
    execFileSync('apt-get', ['install', '-y', '-qq', ...packages], options);
  }
}

/** Installs what is missing; returns {varnish: boolean, notes: string[]}. Throws when wrk or nginx cannot be had. */
export function ensurePrograms() {
  const notes = [];
  const required = [
    ['wrk', 'wrk'],
    ['nginx', 'nginx'],
    ['taskset', 'util-linux'],
    ['nats-server', 'nats-server'],
  ].filter(([program]) => !has(program));
  if (required.length > 0) {
    console.log(`bench: installing ${required.map(([, pkg]) => pkg).join(', ')} with apt-get`);
    try {
      aptInstall(required.map(([, pkg]) => pkg));
    } catch (err) {
      throw new Error(`cannot install ${required.map(([, pkg]) => pkg).join(', ')} with apt-get (${err.message.split('\n')[0]}); install them and run again`);
    }
  }
  if (!has('varnishd')) {
    console.log('bench: installing varnish with apt-get');
    try {
      aptInstall(['varnish']);
    } catch (err) {
      notes.push(`Varnish left out: apt-get install varnish failed (${err.message.split('\n')[0]})`);
    }
  }
  const varnish = has('varnishd');
  if (!varnish && notes.length === 0) notes.push('Varnish left out: varnishd not found after installing');
  return { varnish, notes };
}
