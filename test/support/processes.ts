import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, waitForPort } from './ports';

export const ROOT = path.resolve(__dirname, '../..');

export function tempDir(prefix = 'cdn-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A child process whose output is kept for assertions and failure messages. */
export class Running {
  output = '';
  exited: Promise<number | null>;
  constructor(readonly child: ChildProcess, readonly name: string) {
    child.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
    this.exited = once(child, 'exit').then(([code]) => code as number | null);
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await this.exited;
    clearTimeout(timer);
  }
}

const running = new Set<Running>();

export function start(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; name?: string } = {}): Running {
  const child = spawn(command, args, {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const proc = new Running(child, options.name ?? path.basename(args[0] ?? command));
  running.add(proc);
  proc.exited.then(() => running.delete(proc));
  return proc;
}

/** Kills everything this test file started (call in afterAll). */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop('SIGKILL')));
}

export const APPS = {
  allInOne: path.join(ROOT, 'apps/all-in-one/dist/main.js'),
  controlPlane: path.join(ROOT, 'apps/control-plane/dist/main.js'),
  edge: path.join(ROOT, 'apps/edge-proxy/dist/main.js'),
};

/** Runs one of the built apps on a free port and waits until it listens. */
export async function startApp(
  app: keyof typeof APPS,
  args: string[] = [],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; port?: number } = {},
): Promise<Running & { port: number; url: string }> {
  const port = options.port ?? (await freePort());
  const cwd = options.cwd ?? tempDir();
  const proc = start(process.execPath, [APPS[app], '--host', '127.0.0.1', '--port', String(port), ...args], { cwd, env: options.env, name: app });
  try {
    await Promise.race([
      waitForPort(port),
      proc.exited.then((code) => {
        throw new Error(`${app} exited with ${code} before listening:\n${proc.output}`);
      }),
    ]);
  } catch (err) {
    await proc.stop('SIGKILL');
    throw err;
  }
  return Object.assign(proc, { port, url: `http://127.0.0.1:${port}` });
}

/** A real nats-server with JetStream on a free port, its store in a temp dir. */
export async function startNats(options: { port?: number; storeDir?: string } = {}): Promise<Running & { port: number; url: string; storeDir: string }> {
  const port = options.port ?? (await freePort());
  const storeDir = options.storeDir ?? tempDir('nats-');
  const proc = start('nats-server', ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir], { name: 'nats-server' });
  await waitForPort(port);
  return Object.assign(proc, { port, url: `nats://127.0.0.1:${port}`, storeDir });
}

/** A real redis-server on a free port (or the one given, to restart it) that keeps nothing on disk. */
export async function startRedis(options: { port?: number } = {}): Promise<Running & { port: number; url: string }> {
  const port = options.port ?? (await freePort());
  const dir = tempDir('redis-');
  const proc = start('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { name: 'redis-server' });
  await waitForPort(port);
  return Object.assign(proc, { port, url: `redis://127.0.0.1:${port}` });
}
