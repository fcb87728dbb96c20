/**
 * Issue 8, hole 4: every spelling of one URL is one cache entry, one request to the node and one thing to
 * purge, on the built all-in-one server. Requests are sent with their paths exactly as written (fetch would
 * resolve dot segments itself).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, post, rawText } from '../support/http';
import { Origin, startOrigin } from '../support/origin';
import { eventually } from '../support/ports';
import { Running, startApp, stopAll } from '../support/processes';

type App = Running & { port: number; url: string };

/** A request with its target exactly as given. */
const send = (app: App, target: string, method = 'GET') => rawText(app.url, { method, path: target, newConnection: true });

describe('path normalisation on the all-in-one server', () => {
  let app: App;
  let origin: Origin;
  const seen = (path: string) => origin.requests.filter((r) => r.url === path).length;

  beforeAll(async () => {
    origin = await startOrigin('origin', (req, res) => {
      req.resume();
      const cacheable = req.method === 'GET' || req.method === 'HEAD';
      res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': cacheable ? 'max-age=600' : 'no-store' });
      res.end(`node saw ${req.url}`);
    });
    app = await startApp('allInOne', ['--log-level', 'DEBUG']);
    await post(`${app.url}/register_node`, { id: 'node1', url: origin.url, location: 'Beijing', capacity: 100 });
    await eventually(async () => (await get(`${app.url}/cdn/ready`)).status === 200);
  });

  afterAll(async () => {
    await stopAll();
    await origin.close();
  });

  const spellings = ['/cdn/obj/a', '/cdn/obj//a', '/cdn/obj/%61', '/cdn/obj/./a', '/cdn/obj/x/../a'];

  it('five spellings of one path share one cache entry and one purge', async () => {
    const answers = [];
    for (const spelling of spellings) answers.push(await send(app, spelling));
    expect(answers.map((a) => a.headers['x-cache'])).toEqual(['MISS', 'HIT', 'HIT', 'HIT', 'HIT']);
    expect(answers.map((a) => a.body)).toEqual(Array(5).fill('node saw /obj/a'));
    expect(origin.requests.filter((r) => r.url.startsWith('/obj')).map((r) => r.url)).toEqual(['/obj/a']);

    // Purged by yet another spelling: every spelling misses once, then the entry is back for all.
    const purge = await post(`${app.url}/cache/purge`, { urls: ['/obj//x/./../%61'] });
    expect(purge.status).toBe(202);
    await eventually(async () => (await get(`${app.url}/operations/${purge.body.operation_id}`)).body.complete === true);
    const after = [];
    for (const spelling of spellings) after.push((await send(app, spelling)).headers['x-cache']);
    expect(after).toEqual(['MISS', 'HIT', 'HIT', 'HIT', 'HIT']);
    expect(seen('/obj/a')).toBe(2);
  });

  it('a successful POST to one spelling invalidates the entry every spelling shares', async () => {
    expect((await send(app, '/cdn/inv/b')).headers['x-cache']).toBe('MISS');
    expect((await send(app, '/cdn/inv//b')).headers['x-cache']).toBe('HIT');
    expect((await send(app, '/cdn/inv/./x/../b', 'POST')).status).toBe(200);
    await eventually(async () => (await send(app, '/cdn/inv/%62')).headers['x-cache'] === 'MISS');
  });

  it.each([
    ['/cdn/../nodes', '/nodes'],
    ['/cdn/%2e%2e/%2E%2E/nodes', '/nodes'],
    ['/cdn/..%2fnodes', '/..%2Fnodes'],
  ])('%s never leaves /cdn: the node is asked for %s', async (target, nodePath) => {
    const answer = await send(app, target);
    expect(answer.headers['x-cdn-node']).toBe('node1');
    expect(answer.body).toBe(`node saw ${nodePath}`);
  });

  it('an encoded slash stays encoded, and is its own entry', async () => {
    expect((await send(app, '/cdn/enc/a%2fb')).body).toBe('node saw /enc/a%2Fb');
    expect((await send(app, '/cdn/enc/a/b')).body).toBe('node saw /enc/a/b');
    expect((await send(app, '/cdn/enc/a%2Fb')).headers['x-cache']).toBe('HIT');
  });

  it('a malformed percent-encoding gets 400 invalid_path', async () => {
    const answer = await send(app, '/cdn/bad/%zz');
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'invalid_path' });
    expect(seen('/bad/%zz')).toBe(0);
  });

  it('counts rewritten paths and logs each at DEBUG', async () => {
    const metrics = (await get(`${app.url}/metrics`)).text;
    expect(metrics).toMatch(/cdn_edge_paths_normalized_total \d+/);
    expect(Number(/cdn_edge_paths_normalized_total (\d+)/.exec(metrics)![1])).toBeGreaterThanOrEqual(10);
    expect(app.output).toMatch(/DEBUG +edge-proxy: Normalised the path \/cdn\/obj\/\/a to \/cdn\/obj\/a/);
  });
});
