/**
 * Child processes of one bench run: started pinned to a CPU, output to a log file of the run directory, each
 * in its own process group (so nginx's and Varnish's workers go with their master), all stopped at exit, on
 * SIGINT and SIGTERM. A one-shot command (`runToEnd`) is killed when it passes its time limit, or with the rest.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

const running = new Set();

/** `taskset -c <cpu>` before the command, or the command alone when `cpu` is undefined. */
function pinned(cpu, command, args) {
  return cpu === undefined ? [command, args] : ['taskset', ['-c', String(cpu), command, ...args]];
}

/** Starts a long-running server; it is stopped by `stopAll` (or at exit). */
export function startServer(name, command, args, { dir, cpu, env = {} }) {
  const logPath = path.join(dir, `${name}.log`);
  const log = fs.openSync(logPath, 'a');
  const [cmd, argv] = pinned(cpu, command, args);
  const child = spawn(cmd, argv, { cwd: dir, env: { ...process.env, ...env }, stdio: ['ignore', log, log], detached: true });
  fs.closeSync(log);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const proc = { name, child, exited, logPath };
  running.add(proc);
  exited.then(() => running.delete(proc));
  child.once('error', (err) => fs.appendFileSync(logPath, `bench: cannot start ${cmd}: ${err.message}\n`));
  return proc;
}

const alive = (proc) => proc.child.exitCode === null && proc.child.signalCode === null;

function signalGroup(proc, signal) {
  try {
    process.kill(-proc.child.pid, signal);
  } catch {
    // already gone
  }
}

/** SIGTERM to the process group, SIGKILL after 5 s. */
export async function stop(proc) {
  if (!alive(proc)) return;
  signalGroup(proc, 'SIGTERM');
  const timer = setTimeout(() => signalGroup(proc, 'SIGKILL'), 5_000);
  await proc.exited;
  clearTimeout(timer);
}

export const stopAll = () => Promise.all([...running].map(stop));

/** Returns a function that stops the processes started since this call (a measurement's own, not the run's). */
export function stopLater() {
  const before = new Set(running);
  return () => Promise.all([...running].filter((proc) => !before.has(proc)).map(stop));
}

// Last resort when the runner exits without stopAll (an uncaught error): nothing may outlive the run.
process.on('exit', () => {
  for (const proc of running) signalGroup(proc, 'SIGKILL');
});

/** Runs a command to its end within `timeoutMs`: {code, stdout, stderr, timedOut}. */
export function runToEnd(command, args, { cpu, timeoutMs, input }) {
  const [cmd, argv] = pinned(cpu, command, args);
  return new Promise((resolve) => {
    const child = spawn(cmd, argv, { stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], detached: true });
    // Tracked like a server, so that an interrupted run stops it too.
    const proc = { name: command, child, exited: new Promise((done) => child.once('close', done)) };
    running.add(proc);
    proc.exited.then(() => running.delete(proc));
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    if (input !== undefined) child.stdin.end(input);
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      running.delete(proc);
      resolve({ code: -1, stdout, stderr: stderr + err.message, timedOut });
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}

/** A port free on 127.0.0.1 at the time of asking. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer().on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const accepts = (port) =>
  new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => resolve(socket.destroy() || true));
    socket.once('error', () => resolve(false));
  });

/** Resolves when `check()` is true; fails naming `what`, and the process's log, after `timeoutMs`. */
export async function waitUntil(what, check, { timeoutMs = 30_000, proc } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (proc && !alive(proc)) throw new Error(`${what}: ${proc.name} exited (see ${proc.logPath})`);
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s${proc ? ` (see ${proc.logPath})` : ''}`);
    await sleep(100);
  }
}

/** Waits until `port` accepts connections. */
export const waitForPort = (port, proc, timeoutMs) => waitUntil(`${proc.name} listening on ${port}`, () => accepts(port), { proc, timeoutMs });
