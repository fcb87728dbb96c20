/** A start that cannot succeed ends with one line naming what to change, on stderr and in the log, and exit status 1. */
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/ports';
import { APPS, tempDir } from '../support/processes';

function run(app: keyof typeof APPS, args: string[], cwd = tempDir()) {
  const result = spawnSync(process.execPath, [APPS[app], '--host', '127.0.0.1', ...args], { cwd, encoding: 'utf8', timeout: 20_000 });
  return { status: result.status, stderr: result.stderr, cwd };
}

/** The stderr of a failed start: exactly one line, `<program>: error: <message>`. */
function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).toHaveLength(1);
  return lines[0];
}

describe('start-up failures', () => {
  let busy: net.Server;
  let busyPort: number;
  // The split programs stop before NATS matters: nothing needs to listen on this URL.
  const nats = ['--nats-url', 'nats://127.0.0.1:1'];

  beforeAll(async () => {
    busyPort = await freePort();
    busy = net.createServer().listen(busyPort, '127.0.0.1');
    await once(busy, 'listening');
  });
  afterAll(() => new Promise<void>((resolve) => busy.close(() => resolve())));

  it.each([
    ['allInOne', 'cdn-server', []],
    ['controlPlane', 'cdn-control-plane', nats],
    ['edge', 'cdn-edge', nats],
  ] as const)('%s: a port in use is one line on stderr and in the log, exit 1', (app, program, extra) => {
    const { status, stderr, cwd } = run(app, ['--port', String(busyPort), ...extra]);
    expect(status).toBe(1);
    const line = oneLine(stderr);
    expect(line).toBe(`${program}: error: Cannot listen on 127.0.0.1:${busyPort}: the address is already in use (by another program, or another copy of this one); stop it or choose another --port`);
    const log = fs.readFileSync(path.join(cwd, 'cdn_system.log'), 'utf8');
    expect(log).toMatch(new RegExp(`ERROR +[a-z-]+: ${line.slice(`${program}: error: `.length).replace(/[()]/g, '\\$&')}\\n$`));
  });

  it('a port in use does not cost the saved nodes, even with --reset-config', () => {
    const cwd = tempDir();
    const saved = JSON.stringify({ node1: { url: 'http://127.0.0.1:9', location: 'Beijing', capacity: 100, heartbeat_interval: 10, last_heartbeat: new Date().toISOString(), is_active: true, fail_count: 0, current_load: 0 } });
    fs.writeFileSync(path.join(cwd, 'cdn_nodes.json'), saved);
    expect(run('allInOne', ['--port', String(busyPort), '--reset-config'], cwd).status).toBe(1);
    expect(fs.readFileSync(path.join(cwd, 'cdn_nodes.json'), 'utf8')).toBe(saved);
  });

  it('a log file that cannot be written names --log-file and the way out', async () => {
    const cwd = tempDir();
    fs.writeFileSync(path.join(cwd, 'not-a-dir'), '');
    const { status, stderr } = run('allInOne', ['--port', String(await freePort()), '--log-file', 'not-a-dir/cdn.log'], cwd);
    expect(status).toBe(1);
    expect(oneLine(stderr)).toBe(`cdn-server: error: Cannot write the log file in ${path.join(cwd, 'not-a-dir')}: a part of the path is a file; choose another --log-file, or --log-file - to log to stdout only`);
  });

  it('an edge --state-dir that cannot be written stops the start with one line naming --state-dir', async () => {
    const cwd = tempDir();
    fs.writeFileSync(path.join(cwd, 'not-a-dir'), '');
    const port = await freePort();
    const { status, stderr } = run('edge', ['--port', String(port), ...nats, '--state-dir', 'not-a-dir/state'], cwd);
    expect(status).toBe(1);
    const line = oneLine(stderr);
    expect(line).toBe(`cdn-edge: error: Cannot write the saved routing table in ${path.join(cwd, 'not-a-dir', 'state')}: a part of the path is a file; choose another --state-dir`);
    expect(fs.readFileSync(path.join(cwd, 'cdn_system.log'), 'utf8')).toContain(`ERROR   edge-proxy: ${line.slice('cdn-edge: error: '.length)}`);
  });

  it('a nodes file that cannot be written names --nodes-file', async () => {
    const cwd = tempDir();
    fs.writeFileSync(path.join(cwd, 'not-a-dir'), '');
    const { status, stderr } = run('allInOne', ['--port', String(await freePort()), '--nodes-file', 'not-a-dir/nodes.json'], cwd);
    expect(status).toBe(1);
    const line = oneLine(stderr);
    expect(line).toBe(`cdn-server: error: Cannot write the node state in ${path.join(cwd, 'not-a-dir')}: a part of the path is a file; choose another --nodes-file`);
    expect(fs.readFileSync(path.join(cwd, 'cdn_system.log'), 'utf8')).toContain(`ERROR   cdn: ${line.slice('cdn-server: error: '.length)}`);
  });
});
