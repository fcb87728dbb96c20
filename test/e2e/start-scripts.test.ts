/**
 * The programs start the ways the README starts them: `npm start`, `npm run start:*` several at once,
 * and the quick start pasted into a shell. Starting only runs what `npm ci` (or `npm run build`) built.
 */
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { get } from '../support/http';
import { eventually, freePort } from '../support/ports';
import { ROOT, startNats, stopAll, tempDir } from '../support/processes';

/** A command in its own process group, so that it can be stopped with everything it started. */
class Group {
  output = '';
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(command: string, args: string[], env: NodeJS.ProcessEnv = {}) {
    this.child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (d: Buffer) => (this.output += d.toString()));
    this.child.stderr!.on('data', (d: Buffer) => (this.output += d.toString()));
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
    groups.add(this);
  }

  kill(): void {
    try {
      process.kill(-this.child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
    groups.delete(this);
  }
}

const groups = new Set<Group>();
afterEach(() => [...groups].forEach((g) => g.kill()));

/** npm echoes the script it runs (`> name@version script`, `> command`); everything else must be the program's own log lines. */
const NPM_ECHO = /^> /;
const LOG_LINE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (DEBUG|INFO|WARNING|ERROR)\s+[a-z-]+: /;

describe('npm start scripts', () => {
  let nats: Awaited<ReturnType<typeof startNats>>;
  beforeAll(async () => {
    nats = await startNats();
  });
  afterAll(() => stopAll());

  it('a control plane and three edges started at the same moment all serve, five times in a row', async () => {
    for (let round = 1; round <= 5; round++) {
      const dir = tempDir();
      const cpPort = await freePort();
      const edgePorts = [await freePort(), await freePort(), await freePort()];
      const common = ['--host', '127.0.0.1', '--nats-url', nats.url];
      const programs = [
        new Group('npm', ['run', 'start:control-plane', '--', ...common, '--port', String(cpPort), '--nodes-file', path.join(dir, 'nodes.json'), '--log-file', path.join(dir, 'cp.log')]),
        ...edgePorts.map(
          (port, i) => new Group('npm', ['run', 'start:edge', '--', ...common, '--port', String(port), '--edge-id', `edge-${round}-${i}`, '--log-file', path.join(dir, `edge-${i}.log`)]),
        ),
      ];
      const died = Promise.race(programs.map((p, i) => p.exited.then((code) => Promise.reject(new Error(`program ${i} exited with ${code} in round ${round}:\n${p.output}`)))));
      await Promise.race([
        died,
        eventually(async () => (await get(`http://127.0.0.1:${cpPort}/readyz`)).status === 200, 20_000),
      ]);
      for (const port of edgePorts) {
        await Promise.race([died, eventually(async () => (await get(`http://127.0.0.1:${port}/readyz`)).status === 200, 20_000)]);
      }
      const reporting = async () => (await get(`http://127.0.0.1:${cpPort}/edges`)).body.edges.filter((e: { id: string }) => e.id.startsWith(`edge-${round}-`)).length;
      await eventually(async () => (await reporting()) === 3, 10_000, 100);
      for (const program of programs) {
        const foreign = program.output.split('\n').filter((line) => line.trim() !== '' && !NPM_ECHO.test(line) && !LOG_LINE.test(line));
        expect(foreign, program.output).toEqual([]);
        program.kill();
      }
    }
  }, 180_000);
});

/** The bash blocks of a README section, in order. */
function readmeBlocks(heading: string): string[] {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf(`## ${heading}\n`);
  const end = readme.indexOf('\n## ', start + 1);
  return [...readme.slice(start, end).matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1]);
}

describe('the README examples, pasted into a shell on a built clone', () => {
  it('the quick start ends with a HIT from a node that stays active', async () => {
    const [install, steps] = readmeBlocks('Quick start');
    expect(install).toMatch(/^npm ci && npm start /m);

    const dir = tempDir();
    const cdnPort = await freePort();
    const originPort = await freePort();
    // `npm ci` already ran: this is its `npm start`, on free ports and with state in a temporary directory.
    const server = new Group('npm', ['start', '--', '--port', String(cdnPort), '--nodes-file', path.join(dir, 'nodes.json'), '--log-file', path.join(dir, 'cdn.log')]);
    await eventually(async () => (await get(`http://127.0.0.1:${cdnPort}/healthz`)).status === 200, 20_000);

    const script = steps.replaceAll('localhost:5000', `localhost:${cdnPort}`).replaceAll('127.0.0.1:8000', `127.0.0.1:${originPort}`);
    expect(script).not.toMatch(/:5000|:8000/);
    const shell = new Group('bash', ['-e', '-c', script], { PORT: String(originPort) });
    expect(await shell.exited, shell.output).toBe(0);

    const misses = shell.output.indexOf('X-Cache: MISS');
    expect(misses, shell.output).toBeGreaterThan(-1);
    expect(shell.output.indexOf('X-Cache: HIT'), shell.output).toBeGreaterThan(misses);
    expect(shell.output.match(/demo-origin: GET \/hello.txt 200/g), shell.output).toHaveLength(1);
    expect(shell.output).toContain('"id":"node1"');
    expect(shell.output).toContain('"status":"active"');
    // The heartbeat loop keeps the node active past --node-timeout.
    await new Promise((r) => setTimeout(r, 11_000));
    expect((await get(`http://127.0.0.1:${cdnPort}/nodes`)).body.nodes[0].status).toBe('active');
    expect(server.output.split('\n').filter((l) => l.trim() !== '' && !NPM_ECHO.test(l) && !LOG_LINE.test(l))).toEqual([]);
  }, 60_000);

  it('the split deployment runs a control plane and two edges that report to it', async () => {
    const [block] = readmeBlocks('Split deployment over NATS');
    const dir = tempDir();
    const ports = { nats: await freePort(), cp: await freePort(), a: await freePort(), b: await freePort() };
    const script = block
      .replaceAll('4222', String(ports.nats))
      .replaceAll('5000', String(ports.cp))
      .replaceAll('8080', String(ports.a))
      .replaceAll('8081', String(ports.b))
      .replaceAll('/tmp/cdn-nats', path.join(dir, 'nats'))
      .replaceAll('--log-file ', `--log-file ${dir}/`);
    // The programs run from the repository (npm run); their state goes to the temporary directory.
    const shell = new Group('bash', ['-e', '-c', `${script}\nwait`], { CDN_NODES_FILE: path.join(dir, 'nodes.json') });
    await eventually(() => shell.output.includes('"status":"ready"'), 30_000, 100);
    await eventually(async () => {
      const { body } = await get(`http://127.0.0.1:${ports.cp}/edges`);
      return body.edges.map((e: { id: string }) => e.id).sort().join() === 'edge-a,edge-b';
    }, 10_000);
    for (const log of ['control-plane.log', 'edge-a.log', 'edge-b.log']) expect(fs.readFileSync(path.join(dir, log), 'utf8')).toMatch(/INFO/);
    expect(fs.existsSync(path.join(ROOT, 'control-plane.log'))).toBe(false);
  }, 60_000);
});
