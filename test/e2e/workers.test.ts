/**
 * --workers 2: the all-in-one server and the split edge as a primary and two workers sharing the port. Traffic is
 * served by both, /metrics on any of them counts every worker's requests, one log file holds every access line
 * whole, a purge reaches every worker's cache, a killed worker comes back, and SIGTERM stops them all with 0.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, post } from '../support/http';
import { Origin, startOrigin } from '../support/origin';
import { eventually } from '../support/ports';
import { APPS, Running, startApp, startNats, stopAll, tempDir } from '../support/processes';

type App = Running & { port: number; url: string };

/** A GET on a connection of its own: the primary hands each new connection to the next worker in turn. */
function getOnNewConnection(url: string): Promise<{ status: number; cache: string; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, cache: String(res.headers['x-cache']), body }));
      })
      .on('error', reject);
  });
}

/** The value of one series of a Prometheus exposition, 0 when absent. */
function sample(metrics: string, series: string): number {
  const line = metrics.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

function workerPids(primary: Running): number[] {
  const out = spawnSync('pgrep', ['-P', String(primary.child.pid)], { encoding: 'utf8' }).stdout;
  return out.split('\n').filter(Boolean).map(Number);
}

/** An origin whose answers carry a version the test bumps, cacheable for 5 minutes. */
async function versionedOrigin(): Promise<Origin & { state: { version: number } }> {
  const state = { version: 1 };
  const origin = await startOrigin('versioned', (req, res) => {
    const body = `v${state.version} ${req.url}`;
    res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'public, max-age=300', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  return Object.assign(origin, { state });
}

/**
 * Fills every worker's cache with /cdn/<path> (the aggregate counts the entry once per worker), changes the
 * origin's answer, purges, waits for the operation to complete, and checks that no worker answers from the old entry.
 */
async function purgeFromEveryWorker(options: { edge: string; admin: string; path: string; origin: Origin & { state: { version: number } } }) {
  const { edge, admin, path: name, origin } = options;
  const entries = async () => sample((await get(`${edge}/metrics`)).text, 'cdn_edge_cache_entries{tier="memory"}');
  const base = await entries();
  await eventually(async () => {
    await getOnNewConnection(`${edge}/cdn/${name}`);
    return (await entries()) === base + 2;
  }, 10_000);
  origin.state.version += 1;
  const { body } = await post(`${admin}/cache/purge`, { urls: [`/cdn/${name}`] });
  const operation = await eventually(async () => {
    const answer = (await get(`${admin}/operations/${body.operation_id}`)).body;
    return answer.complete ? answer : undefined;
  }, 10_000);
  for (let i = 0; i < 10; i++) expect((await getOnNewConnection(`${edge}/cdn/${name}`)).body).toBe(`v${origin.state.version} /${name}`);
  return operation;
}

const ACCESS_LINE = /^\S+ INFO {4}edge-proxy: GET (\/cdn\/\S+) 200 (MISS|HIT) versioned response_time [\d.]+$/;

describe('the all-in-one server with --workers 2', () => {
  let app: App;
  let origin: Origin & { state: { version: number } };
  let dir: string;
  const logFile = () => path.join(dir, 'cdn.log');

  beforeAll(async () => {
    origin = await versionedOrigin();
    dir = tempDir();
    app = await startApp('allInOne', ['--workers', '2', '--log-file', 'cdn.log', '--health-interval', '1'], { cwd: dir });
    await eventually(async () => (await post(`${app.url}/register_node`, { id: 'versioned', url: origin.url, location: 'x', capacity: 10 })).status === 200, 10_000);
    await eventually(async () => (await getOnNewConnection(`${app.url}/cdn/ready`)).status === 200, 10_000);
  });

  afterAll(async () => {
    await stopAll();
    await origin.close();
  });

  it('answers the admin API from every worker, and lists each worker as an edge of its own', async () => {
    await eventually(async () => (await get(`${app.url}/edges`)).body.edges.length === 2, 10_000);
    const ids = (await get(`${app.url}/edges`)).body.edges.map((edge: { id: string }) => edge.id).sort();
    expect(ids).toEqual([expect.stringMatching(/-w1$/), expect.stringMatching(/-w2$/)]);
    for (let i = 0; i < 4; i++) expect((await getOnNewConnection(`${app.url}/nodes`)).status).toBe(200);
  });

  it('/metrics on any worker counts the requests of all of them, each series once', async () => {
    const before = await get(`${app.url}/metrics`);
    const count = (text: string) => sample(text, 'cdn_edge_requests_total{method="GET",status="200",cache="MISS"}') + sample(text, 'cdn_edge_requests_total{method="GET",status="200",cache="HIT"}');
    for (let i = 0; i < 20; i++) expect((await getOnNewConnection(`${app.url}/cdn/counted?i=${i % 5}`)).status).toBe(200);
    const after = (await get(`${app.url}/metrics`)).text;
    expect(count(after) - count(before.text)).toBe(20);
    const series = after.split('\n').filter((line) => line !== '' && !line.startsWith('#')).map((line) => line.slice(0, line.lastIndexOf(' ')));
    expect(series.length).toBe(new Set(series).size);
    expect(after).toMatch(/^cdn_cp_/m);
    expect(after).toMatch(/^cdn_edge_worker_restarts_total /m);
  });

  it('writes every worker\'s access lines whole into the one log file, long ones too', async () => {
    const long = `/cdn/long?${'x'.repeat(6_000)}`;
    const paths = [...Array.from({ length: 200 }, (_, i) => `/cdn/logged?n=${i}`), long, long];
    await Promise.all(paths.map((p) => getOnNewConnection(`${app.url}${p}`)));
    await eventually(() => {
      const lines = fs.readFileSync(logFile(), 'utf8').split('\n');
      const logged = lines.filter((line) => line.includes('edge-proxy: GET /cdn/logged?') || line.includes('edge-proxy: GET /cdn/long?'));
      return logged.length === paths.length && logged.every((line) => ACCESS_LINE.test(line));
    }, 10_000);
    const logged = fs.readFileSync(logFile(), 'utf8').split('\n').map((line) => ACCESS_LINE.exec(line)?.[1]).filter((p) => p !== undefined);
    for (const p of paths) expect(logged).toContain(p);
  });

  it('purges every worker\'s cache: no worker serves the purged answer', async () => {
    const operation = await purgeFromEveryWorker({ edge: app.url, admin: app.url, path: 'purged', origin });
    expect(operation.receipts.map((r: { edge: string }) => r.edge).sort()).toEqual(operation.expected_edges.sort());
    expect(operation.expected_edges).toHaveLength(2);
  });

  it('restarts a worker that is killed, and says so', async () => {
    const [victim] = workerPids(app);
    process.kill(victim, 'SIGKILL');
    await eventually(async () => sample((await get(`${app.url}/metrics`)).text, 'cdn_edge_worker_restarts_total') === 1, 10_000);
    await eventually(() => workerPids(app).length === 2 && !workerPids(app).includes(victim), 10_000);
    await eventually(async () => (await Promise.all([1, 2, 3, 4].map(() => getOnNewConnection(`${app.url}/cdn/after-restart`)))).every((a) => a.status === 200), 10_000);
    expect(fs.readFileSync(logFile(), 'utf8')).toMatch(new RegExp(`ERROR +cdn: Worker \\d \\(pid ${victim}\\) exited \\(signal SIGKILL\\); restarting it in`));
  });

  it('stops every process on SIGTERM with exit status 0', async () => {
    const workers = workerPids(app);
    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);
    for (const pid of workers) expect(() => process.kill(pid, 0)).toThrow();
    expect(fs.readFileSync(logFile(), 'utf8')).toMatch(/CDN server stopped\n$/);
  });
});

describe('the split edge with --workers 2', () => {
  let nats: Awaited<ReturnType<typeof startNats>>;
  let controlPlane: App;
  let edge: App;
  let origin: Origin & { state: { version: number } };

  beforeAll(async () => {
    nats = await startNats();
    origin = await versionedOrigin();
    controlPlane = await startApp('controlPlane', ['--nats-url', nats.url, '--node-timeout', '30']);
    edge = await startApp('edge', ['--nats-url', nats.url, '--edge-id', 'edge-a', '--workers', '2']);
    await post(`${controlPlane.url}/register_node`, { id: 'versioned', url: origin.url, location: 'x', capacity: 10 });
    await eventually(async () => (await get(`${controlPlane.url}/edges`)).body.edges.filter((e: { lag: number }) => e.lag === 0).length === 2, 15_000);
  });

  afterAll(async () => {
    await stopAll();
    await origin.close();
  });

  it('reports each worker as an edge of its own', async () => {
    const ids = (await get(`${controlPlane.url}/edges`)).body.edges.map((e: { id: string }) => e.id).sort();
    expect(ids).toEqual(['edge-a-w1', 'edge-a-w2']);
  });

  it('counts every worker\'s requests on /metrics', async () => {
    const hits = (text: string) => sample(text, 'cdn_edge_requests_total{method="GET",status="200",cache="MISS"}') + sample(text, 'cdn_edge_requests_total{method="GET",status="200",cache="HIT"}');
    const before = hits((await get(`${edge.url}/metrics`)).text);
    for (let i = 0; i < 10; i++) expect((await getOnNewConnection(`${edge.url}/cdn/split?i=${i}`)).status).toBe(200);
    expect(hits((await get(`${edge.url}/metrics`)).text) - before).toBe(10);
  });

  it('purges every worker\'s cache, and the operation waits for both', async () => {
    const operation = await purgeFromEveryWorker({ edge: edge.url, admin: controlPlane.url, path: 'split-purged', origin });
    expect(operation.expected_edges.sort()).toEqual(['edge-a-w1', 'edge-a-w2']);
  });

  it('stops every worker on SIGTERM with exit status 0', async () => {
    edge.child.kill('SIGTERM');
    expect(await edge.exited).toBe(0);
  });
});

describe('--workers values', () => {
  const run = (app: string, args: string[], env: NodeJS.ProcessEnv = {}) => spawnSync(process.execPath, [app, ...args], { cwd: tempDir(), env: { ...process.env, ...env }, encoding: 'utf8', timeout: 20_000 });

  it.each(['0', '-1', 'x', '1.5'])('--workers %s is a usage error of both programs', (value) => {
    for (const result of [run(APPS.allInOne, [`--workers=${value}`]), run(APPS.edge, ['--nats-url', 'nats://127.0.0.1:1', `--workers=${value}`])]) {
      expect(result.status).toBe(2);
      expect(result.stderr).toContain(`--workers must be a positive integer or auto, got "${value}"`);
    }
  });

  it('CDN_WORKERS is read the same way', () => {
    const result = run(APPS.allInOne, [], { CDN_WORKERS: 'many' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('CDN_WORKERS must be a positive integer or auto, got "many"');
  });
});
