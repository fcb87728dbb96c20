/** Every flag and CDN_* variable of the manual, and the usage errors, on the built programs. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { get, post } from '../support/http';
import { startOrigin, Origin } from '../support/origin';
import { eventually, freePort, waitForPort } from '../support/ports';
import { APPS, start, startApp, stopAll, tempDir } from '../support/processes';

function run(app: keyof typeof APPS, args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, [APPS[app], ...args], { cwd: tempDir(), env: { ...process.env, ...env }, encoding: 'utf8', timeout: 20_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('command line', () => {
  it('--help lists every flag of the manual', () => {
    const { status, stdout } = run('allInOne', ['--help']);
    expect(status).toBe(0);
    for (const flag of ['--host', '--port', '--node-timeout', '--health-interval', '--cache-time', '--disable-cache', '--log-level', '--log-file', '--reset-config', '--nodes-file', '--version']) {
      expect(stdout).toContain(flag);
    }
  });

  it('--version prints the version', () => {
    const { status, stdout } = run('allInOne', ['--version']);
    expect(status).toBe(0);
    expect(stdout.trim()).toBe('1.0.0');
  });

  const invalid: Array<[string, string[], NodeJS.ProcessEnv, RegExp]> = [
    ['a port that is not a number', ['--port', 'abc'], {}, /--port must be an integer 1-65535, got "abc"/],
    ['port 0', ['--port', '0'], {}, /--port must be an integer 1-65535/],
    ['port 70000', ['--port', '70000'], {}, /--port must be an integer 1-65535/],
    ['a negative node timeout', ['--node-timeout', '-1'], {}, /--node-timeout must be an integer/],
    ['a fractional cache time', ['--cache-time', '1.5'], {}, /--cache-time must be an integer/],
    ['a health interval that is a word', ['--health-interval', 'often'], {}, /--health-interval must be an integer/],
    ['an unknown log level', ['--log-level', 'LOUD'], {}, /--log-level must be one of DEBUG, INFO, WARNING, ERROR/],
    ['an unknown log format', ['--log-format', 'xml'], {}, /--log-format must be one of text, json/],
    ['an unknown flag', ['--bogus'], {}, /unknown option '--bogus'/],
    ['a missing value', ['--port'], {}, /--port/],
    ['CDN_PORT that is not a number', [], { CDN_PORT: 'abc' }, /CDN_PORT must be an integer 1-65535, got "abc"/],
    ['CDN_CACHE_ENABLED that is not a boolean', [], { CDN_CACHE_ENABLED: 'maybe' }, /CDN_CACHE_ENABLED must be true or false/],
    ['CDN_LOG_LEVEL unknown', [], { CDN_LOG_LEVEL: 'LOUD' }, /CDN_LOG_LEVEL must be one of/],
  ];
  it.each(invalid)('exits 2 naming the flag for %s', (_, args, env, message) => {
    const { status, stderr } = run('allInOne', args, env);
    expect(status).toBe(2);
    expect(stderr).toMatch(message);
  });

  it('the split programs require --nats-url', () => {
    for (const app of ['controlPlane', 'edge'] as const) {
      const { status, stderr } = run(app, []);
      expect(status).toBe(2);
      expect(stderr).toMatch(/--nats-url/);
    }
  });

  it('the split programs reject a malformed --nats-url', () => {
    const { status, stderr } = run('edge', ['--nats-url', 'http://x']);
    expect(status).toBe(2);
    expect(stderr).toMatch(/--nats-url must be a nats:\/\/ URL/);
  });
});

describe('flags and variables at run time', () => {
  let origin: Origin;

  afterEach(async () => {
    await stopAll();
  });
  afterAll(async () => {
    await origin?.close();
  });

  async function withNode(url: string) {
    origin ??= await startOrigin('origin');
    await post(`${url}/register_node`, { id: 'node1', url: origin.url, location: 'Beijing', capacity: 100 });
  }

  it('CDN_HOST and CDN_PORT choose where it listens', async () => {
    const port = await freePort();
    const proc = start(process.execPath, [APPS.allInOne], { cwd: tempDir(), env: { CDN_HOST: '127.0.0.1', CDN_PORT: String(port) } });
    await waitForPort(port);
    expect((await get(`http://127.0.0.1:${port}/nodes`)).body).toEqual({ nodes: [] });
    await proc.stop();
  });

  it('--disable-cache starts with the cache off; toggle_cache turns it on', async () => {
    const app = await startApp('allInOne', ['--disable-cache']);
    await withNode(app.url);
    expect((await get(`${app.url}/cdn/a`)).headers.get('x-cache')).toBe('BYPASS');
    expect((await post(`${app.url}/toggle_cache`)).body).toEqual({ status: 'Cache is now enabled' });
    await eventually(async () => (await get(`${app.url}/cdn/a`)).headers.get('x-cache') === 'HIT', 2_000);
  });

  it('CDN_CACHE_ENABLED=false starts with the cache off', async () => {
    const app = await startApp('allInOne', [], { env: { CDN_CACHE_ENABLED: 'false' } });
    await withNode(app.url);
    expect((await get(`${app.url}/cdn/a`)).headers.get('x-cache')).toBe('BYPASS');
  });

  it('--cache-time is how long a response stays cached', async () => {
    // 3 s rather than 1: a first fetch slowed by a busy machine must not outlive the entry before the second asks.
    const app = await startApp('allInOne', ['--cache-time', '3']);
    await withNode(app.url);
    expect((await get(`${app.url}/cdn/ttl`)).headers.get('x-cache')).toBe('MISS');
    expect((await get(`${app.url}/cdn/ttl`)).headers.get('x-cache')).toBe('HIT');
    await new Promise((r) => setTimeout(r, 3_300));
    expect((await get(`${app.url}/cdn/ttl`)).headers.get('x-cache')).toBe('MISS');
  });

  it('--node-timeout and --health-interval make a silent node inactive; a heartbeat brings it back', async () => {
    const app = await startApp('allInOne', ['--node-timeout', '1', '--health-interval', '1', '--disable-panic-routing']);
    await withNode(app.url);
    await eventually(async () => (await get(`${app.url}/nodes`)).body.nodes[0].status === 'inactive', 4_000);
    expect((await get(`${app.url}/cdn/a`)).status).toBe(503);
    await post(`${app.url}/heartbeat/node1`);
    expect((await get(`${app.url}/nodes`)).body.nodes[0].status).toBe('active');
    await eventually(async () => (await get(`${app.url}/cdn/b`)).status === 200, 2_000);
  });

  it('--log-file, --log-level and --log-format choose what is logged where', async () => {
    const dir = tempDir();
    const logFile = path.join(dir, 'logs', 'edge.log');
    const app = await startApp('allInOne', ['--log-file', logFile, '--log-level', 'WARNING', '--log-format', 'json'], { cwd: dir });
    await withNode(app.url);
    await get(`${app.url}/cdn/x`);
    await post(`${app.url}/heartbeat/nobody`);
    await post(`${app.url}/register_node`, { id: 'dead', url: 'http://127.0.0.1:1', location: 'Nowhere', capacity: 1 });
    await get(`${app.url}/cdn/y`, { headers: { 'X-Client-Location': 'Nowhere' } });
    await eventually(() => fs.existsSync(logFile) && fs.readFileSync(logFile, 'utf8').includes('Failed to forward request'), 3_000);
    const lines = fs.readFileSync(logFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.every((l) => l.level === 'WARNING' || l.level === 'ERROR')).toBe(true);
    expect(fs.existsSync(path.join(dir, 'cdn_system.log'))).toBe(false);
  });

  it('--log-file - logs to stdout only and writes no file', async () => {
    const dir = tempDir();
    const app = await startApp('allInOne', ['--log-file', '-'], { cwd: dir });
    await withNode(app.url);
    await eventually(() => app.output.includes('INFO    control-plane: Node node1 registered'), 3_000);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.log') || f === '-')).toEqual([]);
  });

  it('the all-in-one server takes the health and alert flags and posts alerts', async () => {
    const received: Array<Record<string, string>> = [];
    const hook = await startOrigin('hook', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        res.end();
      });
    });
    try {
      const app = await startApp('allInOne', [
        '--health-path', '/up', '--healthy-threshold', '1', '--unhealthy-threshold', '1', '--probe-timeout', '1',
        '--health-interval', '1', '--alert-delay', '0', '--alert-webhook', `${hook.url}/alerts`,
      ]);
      await post(`${app.url}/register_node`, { id: 'dead', url: `http://127.0.0.1:${await freePort()}`, location: 'Nowhere', capacity: 1 });
      await eventually(() => received.some((a) => a.event === 'node_down' && a.node === 'dead'), 5_000);
      expect((await get(`${app.url}/nodes/dead`)).body.health.probe.last_result).toMatch(/ECONNREFUSED/);
    } finally {
      await hook.close();
    }
  });

  it('a program ignores the variables of options it does not take, switches included', async () => {
    const port = await freePort();
    const edge = start(process.execPath, [APPS.edge, '--host', '127.0.0.1', '--port', String(port), '--nats-url', `nats://127.0.0.1:${await freePort()}`], {
      cwd: tempDir(),
      env: { CDN_RESET_CONFIG: 'garbage', CDN_NODE_TIMEOUT: 'garbage', CDN_NODES_FILE: '' },
    });
    await waitForPort(port);
    expect((await get(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    await edge.stop();
  });

  it('--nodes-file chooses where nodes are saved', async () => {
    const dir = tempDir();
    const app = await startApp('allInOne', ['--nodes-file', 'state/nodes.json'], { cwd: dir });
    await withNode(app.url);
    expect(Object.keys(JSON.parse(fs.readFileSync(path.join(dir, 'state/nodes.json'), 'utf8')))).toEqual(['node1']);
  });

  it('keeps a corrupt nodes file aside and stays not ready until an operator acts', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'cdn_nodes.json'), '{"node1": {"url": ');
    const app = await startApp('allInOne', [], { cwd: dir });
    // The port opens before the state is loaded: /readyz tells when the start is over.
    await eventually(async () => (await get(`${app.url}/readyz`)).body.error === 'not_ready' && (await get(`${app.url}/readyz`)).body.message.includes('unusable'), 5_000);
    const kept = fs.readdirSync(dir).filter((f) => f.startsWith('cdn_nodes.json.corrupt'));
    expect(kept).toHaveLength(1);
    expect(fs.readFileSync(path.join(dir, kept[0]), 'utf8')).toBe('{"node1": {"url": ');
    const ready = await get(`${app.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(ready.body.message).toContain(`a copy is kept as ./${kept[0]}`);
    expect((await post(`${app.url}/register_node`, { id: 'node1', url: 'http://127.0.0.1:9', location: 'x', capacity: 1 })).body.error).toBe('state_not_loaded');
    await eventually(() => fs.readFileSync(path.join(dir, 'cdn_system.log'), 'utf8').includes('ERROR'), 3_000);
    await app.stop();

    const reset = await startApp('allInOne', ['--reset-config'], { cwd: dir });
    await eventually(async () => (await get(`${reset.url}/readyz`)).status === 200, 5_000);
    expect((await get(`${reset.url}/nodes`)).body).toEqual({ nodes: [] });
  });
});
