/**
 * The README's examples, pasted into a shell on a built clone, work as written. Ports and paths are
 * swapped for free ports and temporary directories; nothing else of the text is changed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { get } from '../support/http';
import { eventually, freePort } from '../support/ports';
import { Group, killGroups, LOG_LINE, NPM_ECHO } from '../support/process-group';
import { ROOT, tempDir } from '../support/processes';

afterEach(killGroups);

/** The bash blocks of a README section (up to the next `## ` heading), in order. */
function readmeBlocks(heading: string): string[] {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf(`\n## ${heading}\n`);
  expect(start, `README section ${heading}`).toBeGreaterThan(-1);
  const end = readme.indexOf('\n## ', start + 1);
  return [...readme.slice(start, end).matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1]);
}

/** Replaces each key of `swaps` in the script, and checks no default port is left. */
function adapt(script: string, swaps: Record<string, string>): string {
  let adapted = script;
  for (const [from, to] of Object.entries(swaps)) adapted = adapted.replaceAll(from, to);
  expect(adapted).not.toMatch(/:(4222|5000|5001|8000|8080|8081)\b/);
  return adapted;
}

describe('the README examples, pasted into a shell on a built clone', () => {
  it('the quick start ends with a HIT from a node that stays active', async () => {
    const [install, steps] = readmeBlocks('Quick start');
    expect(install).toMatch(/^npm ci && npm start /m);
    const dir = tempDir();
    const cdnPort = await freePort();
    const originPort = await freePort();
    // `npm ci` already ran: this is its `npm start`, on a free port and with state in a temporary directory.
    const server = new Group('npm', ['start', '--', '--port', String(cdnPort), '--nodes-file', path.join(dir, 'nodes.json'), '--log-file', path.join(dir, 'cdn.log')]);
    await eventually(async () => (await get(`http://127.0.0.1:${cdnPort}/healthz`)).status === 200, 20_000);

    const script = adapt(steps, { 'localhost:5000': `localhost:${cdnPort}`, '127.0.0.1:8000': `127.0.0.1:${originPort}` });
    const shell = new Group('bash', ['-e', '-c', script], { PORT: String(originPort) });
    expect(await shell.exited, shell.output).toBe(0);

    const misses = shell.output.indexOf('X-Cache: MISS');
    expect(misses, shell.output).toBeGreaterThan(-1);
    expect(shell.output.indexOf('X-Cache: HIT'), shell.output).toBeGreaterThan(misses);
    expect(shell.output.match(/demo-origin: GET \/hello.txt 200/g), shell.output).toHaveLength(1);
    expect(shell.output).toContain('"id":"node1"');
    expect(shell.output).toContain('"status":"active"');
    // GET /stats counts the quick start's miss and hit once the edge has reported them (every 2 s).
    const stats = readmeBlocks('API').find((b) => b.includes('/stats'))!;
    await eventually(async () => {
      const curl = new Group('bash', ['-e', '-c', adapt(stats, { 'localhost:5000': `localhost:${cdnPort}` })]);
      await curl.exited;
      return /"1m":\{"total":\{"requests":2,[^}]*"hits":1,"hit_ratio":0.5/.test(curl.output);
    }, 10_000, 500);
    // The heartbeat loop keeps the node active past --node-timeout.
    await new Promise((r) => setTimeout(r, 11_000));
    expect((await get(`http://127.0.0.1:${cdnPort}/nodes`)).body.nodes[0].status).toBe('active');
    expect(server.output.split('\n').filter((l) => l.trim() !== '' && !NPM_ECHO.test(l) && !LOG_LINE.test(l))).toEqual([]);
  }, 60_000);

  it('the split deployment runs a control plane and two edges that report to it', async () => {
    const [block] = readmeBlocks('Split deployment over NATS');
    const dir = tempDir();
    const ports = { nats: await freePort(), cp: await freePort(), a: await freePort(), b: await freePort() };
    const script = adapt(block, {
      '4222': String(ports.nats),
      '5000': String(ports.cp),
      '8080': String(ports.a),
      '8081': String(ports.b),
      '/tmp/cdn-nats': path.join(dir, 'nats'),
      '--log-file ': `--log-file ${dir}/`,
    });
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

  it('the high-availability example runs three replicas that agree on one leader', async () => {
    const [block] = readmeBlocks('High availability');
    const dir = tempDir();
    const ports = { nats: await freePort(), a: await freePort(), b: await freePort(), c: await freePort() };
    // With their separators, so that a free port that contains another's digits is never replaced again.
    const script = adapt(block, {
      ' 4222 ': ` ${ports.nats} `,
      ':4222 ': `:${ports.nats} `,
      ' 5001 ': ` ${ports.a} `,
      ':5001/': `:${ports.a}/`,
      ' 5002 ': ` ${ports.b} `,
      ' 5003 ': ` ${ports.c} `,
      ':5003/': `:${ports.c}/`,
      '/tmp/cdn-nats-ha': path.join(dir, 'nats'),
      '--log-file ': `--log-file ${dir}/`,
    });
    const shell = new Group('bash', ['-e', '-c', `${script}\nwait`], { CDN_NODES_FILE: path.join(dir, 'nodes.json') });
    await eventually(() => shell.output.includes('"self":"cp-1"'), 30_000, 100);
    const views = await eventually(async () => {
      const answers = await Promise.all([ports.a, ports.b, ports.c].map((port) => get(`http://127.0.0.1:${port}/cluster`)));
      const bodies = answers.map((a) => a.body);
      return bodies.every((b) => b.leader && b.leader === bodies[0].leader && b.replicas.length === 3) ? bodies : undefined;
    }, 15_000, 100);
    expect(views!.map((v) => v.self)).toEqual(['cp-1', 'cp-2', 'cp-3']);
  }, 60_000);

  it('the API documentation example lists every endpoint and what a registration may answer', async () => {
    const block = readmeBlocks('API').find((b) => b.includes('/docs-json'))!;
    const dir = tempDir();
    const port = await freePort();
    new Group('npm', ['start', '--', '--port', String(port), '--nodes-file', path.join(dir, 'nodes.json'), '--log-file', path.join(dir, 'cdn.log')]);
    await eventually(async () => (await get(`http://127.0.0.1:${port}/healthz`)).status === 200, 20_000);
    const shell = new Group('bash', ['-e', '-o', 'pipefail', '-c', adapt(block, { 'localhost:5000': `localhost:${port}` })]);
    expect(await shell.exited, shell.output).toBe(0);
    expect(shell.output).toContain('POST /register_node\n');
    expect(shell.output).toContain('GET /docs-json\n');
    expect(shell.output).toMatch(/"200",\s*"400",\s*"401"/);
  }, 60_000);

  describe('security', () => {
    const blocks = () => readmeBlocks('Security');

    it('the hardened server keeps its admin API on loopback behind the token from the file', async () => {
      const [hardened] = blocks();
      const dir = tempDir();
      const ports = { client: await freePort(), admin: await freePort() };
      const script = adapt(hardened, { '8080': String(ports.client), '5001': String(ports.admin), '/tmp/cdn-admin-tokens': path.join(dir, 'admin-tokens') });
      const shell = new Group('bash', ['-e', '-c', `${script}\nwait`], { CDN_NODES_FILE: path.join(dir, 'nodes.json') });
      await eventually(() => shell.output.includes('{"nodes":[]}'), 30_000, 100);
      expect((await get(`http://127.0.0.1:${ports.client}/nodes`)).status).toBe(404);
      expect((await get(`http://127.0.0.1:${ports.admin}/nodes`)).status).toBe(401);
      expect(shell.output).not.toMatch(/has no token/);
    }, 60_000);

    it('admin and node tokens: a new node gets its token, heartbeats with it, and gets a new one', async () => {
      const [, tokens, nodeTokens] = blocks();
      const dir = tempDir();
      const port = await freePort();
      const script = adapt(`${tokens}\n${nodeTokens}`, { 'localhost:5000': `localhost:${port}`, 'npm start -- ': `npm start -- --port ${port} `, '127.0.0.1:8000': '127.0.0.1:9' });
      const shell = new Group('bash', ['-e', '-c', script], { CDN_NODES_FILE: path.join(dir, 'nodes.json'), CDN_LOG_FILE: path.join(dir, 'cdn.log') });
      await eventually(() => (shell.output.match(/"node_token":"[\w-]+"/g) ?? []).length >= 1 && shell.output.includes('Heartbeat received'), 30_000, 100).catch((err) => {
        throw new Error(`${err}\n${shell.output}`);
      });
      expect(shell.output).toContain('{"nodes":[]}');
      const saved = JSON.parse(fs.readFileSync(path.join(dir, 'nodes.json'), 'utf8'));
      expect(saved.node1.token_sha256).toMatch(/^[0-9a-f]{64}$/);
    }, 60_000);

    it('the NATS example runs a control plane and an edge as users with their own permissions', async () => {
      const nats = blocks()[3];
      const dir = tempDir();
      const ports = { nats: await freePort(), cp: await freePort(), edge: await freePort() };
      const script = adapt(nats, {
        '4222': String(ports.nats),
        '5000': String(ports.cp),
        '8080': String(ports.edge),
        '/tmp/cdn-nats': path.join(dir, 'nats'),
        '--log-file ': `--log-file ${dir}/`,
      });
      const shell = new Group('bash', ['-e', '-c', `${script}\nwait`], { CDN_NODES_FILE: path.join(dir, 'nodes.json') });
      // As long as the example's own curl keeps trying (60 s): a busy machine starts three programs slowly.
      await eventually(() => shell.output.includes('"status":"ready"'), 60_000, 100).catch((err) => {
        throw new Error(`${err}\n${shell.output}`);
      });
      expect(shell.output.split('\n').filter((l) => /Violation/.test(l))).toEqual([]);
    }, 90_000);
  });
});
