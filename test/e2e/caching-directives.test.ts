/**
 * Which directives decide caching, through the built all-in-one against a real origin: targeted fields
 * (RFC 9213: CDN-Cache-Control and --cache-control-target) over Cache-Control and Expires, in memory and
 * in the shared Redis tier; and heuristic freshness from Last-Modified (RFC 9111 §4.2.2).
 */
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, post, rawGet } from '../support/http';
import { Origin, startOrigin } from '../support/origin';
import { eventually } from '../support/ports';
import { APPS, startApp, startRedis, stopAll, tempDir } from '../support/processes';

type App = Awaited<ReturnType<typeof startApp>>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const DAY = 86_400_000;
const httpDate = (time: number) => new Date(time).toUTCString();

/** What the origin answers for a case: the path is /<case>/<n>, so each test has keys of its own. */
type Answer = { status?: number; headers: Record<string, string> };
const CASES: Record<string, (req: http.IncomingMessage) => Answer> = {
  'cdn-no-store': () => ({ headers: { 'cache-control': 'max-age=600', expires: httpDate(Date.now() + 3_600_000), 'cdn-cache-control': 'no-store' } }),
  'cdn-private': () => ({ headers: { 'cache-control': 'public, max-age=600', expires: httpDate(Date.now() + 3_600_000), 'cdn-cache-control': 'private' } }),
  'cdn-no-cache': () => ({ headers: { 'cache-control': 'max-age=600', etag: '"nc"', 'cdn-cache-control': 'no-cache' } }),
  'cdn-max-age': () => ({ headers: { 'cache-control': 'no-store', 'cdn-cache-control': 'max-age=600' } }),
  'cdn-huge-max-age': () => ({ headers: { 'cache-control': 'no-store', 'cdn-cache-control': 'max-age=99999999999999999999' } }),
  'cdn-invalid': () => ({ headers: { 'cache-control': 'no-store', 'cdn-cache-control': 'Max-Age=600' } }),
  'own-over-cdn': () => ({ headers: { 'cache-control': 'no-store', 'cdn-cache-control': 'no-store', 'edge-cache-control': 'max-age=600' } }),
  'own-no-store': () => ({ headers: { 'cache-control': 'max-age=600', 'cdn-cache-control': 'max-age=600', 'edge-cache-control': 'no-store' } }),
  'own-short': () => ({ headers: { 'cache-control': 'no-store', etag: '"short"', 'edge-cache-control': 'max-age=1', 'content-type': 'text/plain' } }),
  'own-swr': () => ({ headers: { 'cache-control': 'no-store', 'edge-cache-control': 'max-age=1, stale-while-revalidate=60' } }),
  'own-partial': (req): Answer =>
    req.headers.range === 'bytes=0-3'
      ? { status: 206, headers: { 'content-range': 'bytes 0-3/100', etag: '"p"', 'cache-control': 'no-store', 'edge-cache-control': 'max-age=600' } }
      : { headers: { 'cache-control': 'no-store' } },
  'own-private-field': () => ({ headers: { 'cache-control': 'max-age=600, private="x-other"', 'edge-cache-control': 'max-age=600, private="x-secret"', 'x-secret': 's', 'x-other': 'o' } }),
  'own-public-auth': () => ({ headers: { 'cache-control': 'max-age=600', 'edge-cache-control': 'public, max-age=600' } }),
  'cc-public-auth': () => ({ headers: { 'cache-control': 'public, max-age=600', 'edge-cache-control': 'max-age=600' } }),
  'heuristic': () => ({ headers: { 'last-modified': httpDate(Date.now() - 10 * DAY) } }),
  'heuristic-404': () => ({ status: 404, headers: { 'last-modified': httpDate(Date.now() - 10 * DAY) } }),
  'heuristic-302': () => ({ status: 302, headers: { location: '/elsewhere', 'last-modified': httpDate(Date.now() - 10 * DAY) } }),
  'heuristic-302-public': () => ({ status: 302, headers: { location: '/elsewhere', 'cache-control': 'public', 'last-modified': httpDate(Date.now() - 10 * DAY) } }),
  'heuristic-future': () => ({ headers: { 'last-modified': httpDate(Date.now() + DAY) } }),
  'heuristic-must-revalidate': () => ({ headers: { 'cache-control': 'must-revalidate', 'last-modified': httpDate(Date.now() - 10 * DAY) } }),
  'heuristic-no-cache': () => ({ headers: { 'cache-control': 'no-cache', 'last-modified': httpDate(Date.now() - 10 * DAY) } }),
};

let unique = 0;
/** A path no other test asks for, so each test starts with an empty cache. */
const fresh = (name: keyof typeof CASES) => `/${name}/${++unique}`;

describe('caching directives', () => {
  let origin: Origin;
  let redis: Awaited<ReturnType<typeof startRedis>>;
  /** Two all-in-ones sharing one Redis, both with --cache-time 0 and Edge-Cache-Control as their own field. */
  let a: App;
  let b: App;
  /** --cache-time 0 with heuristic freshness capped at 2 s and a stale-if-error default. */
  let capped: App;
  /** Paths the origin answers 503 for. */
  const failing = new Set<string>();
  const seen = (path: string) => origin.requests.filter((r) => r.url === path);

  async function withOrigin(app: App): Promise<App> {
    await post(`${app.url}/register_node`, { id: 'node1', url: origin.url, location: 'Beijing', capacity: 100 });
    await eventually(async () => (await get(`${app.url}/cdn/ping`)).status === 200);
    return app;
  }

  beforeAll(async () => {
    origin = await startOrigin('origin', (req, res) => {
      const path = req.url!;
      const name = path.split('/')[1];
      const answer = CASES[name]?.(req) ?? { headers: { 'cache-control': 'max-age=60' } };
      if (failing.has(path)) {
        res.writeHead(503, { 'content-type': 'text/plain' });
        return res.end('down');
      }
      const etag = answer.headers.etag;
      if (etag !== undefined && req.headers['if-none-match'] === etag) {
        // A 304 that repeats Cache-Control and the validator, and not the targeted field (RFC 9110 §15.4.5 does not ask for it).
        res.writeHead(304, { etag, 'cache-control': answer.headers['cache-control'] });
        return res.end();
      }
      res.writeHead(answer.status ?? 200, answer.headers);
      res.end(answer.status === 206 ? 'part' : `body of ${path}`);
    });
    redis = await startRedis();
    const shared = ['--cache-time', '0', '--cache-control-target', 'Edge-Cache-Control', '--cache-redis-url', redis.url, '--log-file', '-'];
    [a, b, capped] = await Promise.all([
      startApp('allInOne', shared).then(withOrigin),
      startApp('allInOne', shared).then(withOrigin),
      startApp('allInOne', ['--cache-time', '0', '--cache-heuristic-max', '2', '--stale-if-error', '60', '--log-file', '-']).then(withOrigin),
    ]);
  });

  afterAll(async () => {
    await stopAll();
    await origin?.close();
  });

  /** Writes `app` finished in the shared tier: it stores after the answer completes, without holding up the client. */
  async function sharedWrites(app: App): Promise<number> {
    const metrics = (await get(`${app.url}/metrics`)).text;
    return Number(/cdn_edge_cache_shared_duration_seconds_count\{operation="set"\} (\d+)/.exec(metrics)?.[1] ?? 0);
  }

  /** A GET on `a` that stores the answer, once Redis holds it too. */
  async function storedThroughA(path: string) {
    const before = await sharedWrites(a);
    const answer = await rawGet(`${a.url}/cdn${path}`);
    await eventually(async () => (await sharedWrites(a)) > before);
    return answer;
  }

  /** Two GETs of a fresh path on `app`: the X-Cache of each, and what the origin saw. */
  async function twice(app: App, name: keyof typeof CASES, headers: Record<string, string> = {}) {
    const path = fresh(name);
    const first = await rawGet(`${app.url}/cdn${path}`, headers);
    const second = await rawGet(`${app.url}/cdn${path}`, headers);
    return { path, first, second, xCache: [first.headers['x-cache'], second.headers['x-cache']], originSaw: seen(path).length };
  }

  describe('RFC 9213: targeted cache-control fields', () => {
    it('RFC 9213 §2.1: CDN-Cache-Control: no-store prevents storing even when Cache-Control max-age and Expires say fresh', async () => {
      const { xCache, originSaw } = await twice(a, 'cdn-no-store');
      expect(xCache).toEqual(['MISS', 'MISS']);
      expect(originSaw).toBe(2);
    });

    it('RFC 9213 §2.1: CDN-Cache-Control: private prevents storing even when Cache-Control says public, max-age and Expires says fresh', async () => {
      const { xCache, originSaw } = await twice(a, 'cdn-private');
      expect(xCache).toEqual(['MISS', 'MISS']);
      expect(originSaw).toBe(2);
    });

    it('RFC 9213 §2.1: CDN-Cache-Control: no-cache makes every use revalidate even when Cache-Control says max-age', async () => {
      const { path, xCache, second } = await twice(a, 'cdn-no-cache');
      expect(xCache).toEqual(['MISS', 'REVALIDATED']);
      expect(second.body.toString()).toBe(`body of ${path}`);
      expect(seen(path).map((r) => r.headers['if-none-match'])).toEqual([undefined, '"nc"']);
    });

    it('RFC 9213 §3.1: CDN-Cache-Control: max-age allows storing even with Cache-Control: no-store, and both go on to the client', async () => {
      const { path, xCache, second, originSaw } = await twice(a, 'cdn-max-age');
      expect(xCache).toEqual(['MISS', 'HIT']);
      expect(second.body.toString()).toBe(`body of ${path}`);
      expect(second.headers['cache-control']).toBe('no-store');
      // RFC 9213 §3: CDN-Cache-Control is for every CDN on the way; a CDN in front of this one may use it.
      expect(second.headers['cdn-cache-control']).toBe('max-age=600');
      expect(originSaw).toBe(1);
    });

    it('RFC 9213 §2.2: a huge CDN-Cache-Control max-age is capped to 2^31 seconds, not rejected', async () => {
      const { xCache, second, originSaw } = await twice(a, 'cdn-huge-max-age');
      expect(xCache).toEqual(['MISS', 'HIT']);
      expect(second.headers.age).toMatch(/^\d+$/);
      expect(originSaw).toBe(1);
    });

    it('RFC 9213 §2.2: a CDN-Cache-Control that does not parse is ignored whole, and Cache-Control decides', async () => {
      const { xCache, originSaw } = await twice(a, 'cdn-invalid');
      expect(xCache).toEqual(['MISS', 'MISS']);
      expect(originSaw).toBe(2);
    });

    it('RFC 9213 §2.1: the --cache-control-target field wins over CDN-Cache-Control, and never reaches the client', async () => {
      const { first, second, xCache, originSaw } = await twice(a, 'own-over-cdn');
      expect(xCache).toEqual(['MISS', 'HIT']);
      for (const answer of [first, second]) expect(answer.headers['edge-cache-control']).toBeUndefined();
      expect(second.headers['cdn-cache-control']).toBe('no-store');
      expect(originSaw).toBe(1);
    });

    it('RFC 9213 §2.1: the --cache-control-target field\'s no-store wins over CDN-Cache-Control and Cache-Control max-age', async () => {
      const { first, xCache, originSaw } = await twice(a, 'own-no-store');
      expect(xCache).toEqual(['MISS', 'MISS']);
      expect(first.headers['edge-cache-control']).toBeUndefined();
      expect(originSaw).toBe(2);
    });

    it('RFC 9213 §2.1: a 304 from the cache to a conditional request does not carry the --cache-control-target field', async () => {
      const path = fresh('own-short');
      await rawGet(`${a.url}/cdn${path}`);
      const notModified = await rawGet(`${a.url}/cdn${path}`, { 'if-none-match': '"short"' });
      expect(notModified.status).toBe(304);
      expect(notModified.headers['x-cache']).toBe('HIT');
      expect(notModified.headers['edge-cache-control']).toBeUndefined();
      expect(seen(path)).toHaveLength(1);
    });

    it('RFC 9213 §2.1: a 206 from the cache does not carry the --cache-control-target field', async () => {
      const path = fresh('own-over-cdn');
      await rawGet(`${a.url}/cdn${path}`);
      const partial = await rawGet(`${a.url}/cdn${path}`, { range: 'bytes=0-3' });
      expect(partial.status).toBe(206);
      expect(partial.body.toString()).toBe('body');
      expect(partial.headers['edge-cache-control']).toBeUndefined();
      expect(seen(path)).toHaveLength(1);
    });

    it('RFC 9213 §2.1 with RFC 9111 §3.3: a stored 206 the --cache-control-target field lets the edge keep is served without the field', async () => {
      const path = fresh('own-partial');
      const range = { range: 'bytes=0-3' };
      const miss = await rawGet(`${a.url}/cdn${path}`, range);
      const hit = await rawGet(`${a.url}/cdn${path}`, range);
      expect([miss.status, hit.status]).toEqual([206, 206]);
      expect([miss.headers['x-cache'], hit.headers['x-cache']]).toEqual(['MISS', 'HIT']);
      expect(hit.body.toString()).toBe('part');
      for (const answer of [miss, hit]) expect(answer.headers['edge-cache-control']).toBeUndefined();
      expect(seen(path)).toHaveLength(1);
    });

    it('RFC 9213 §2.1 with RFC 5861: stale-while-revalidate of the --cache-control-target field serves STALE without the field', async () => {
      const path = fresh('own-swr');
      await rawGet(`${a.url}/cdn${path}`);
      await sleep(1_200);
      const stale = await rawGet(`${a.url}/cdn${path}`);
      expect(stale.headers['x-cache']).toBe('STALE');
      expect(stale.headers['edge-cache-control']).toBeUndefined();
      await eventually(() => seen(path).length === 2);
    });

    it('RFC 9111 §4.3.4 with RFC 9213 §2.1: a 304 that does not repeat the --cache-control-target field is judged on the stored one, not on Cache-Control: no-store', async () => {
      const path = fresh('own-short');
      expect((await rawGet(`${a.url}/cdn${path}`)).headers['x-cache']).toBe('MISS');
      await sleep(1_200);
      const revalidated = await rawGet(`${a.url}/cdn${path}`);
      expect(revalidated.headers['x-cache']).toBe('REVALIDATED');
      expect(revalidated.body.toString()).toBe(`body of ${path}`);
      expect(revalidated.headers['edge-cache-control']).toBeUndefined();
      // Refreshed for another second: the next request is a HIT.
      expect((await rawGet(`${a.url}/cdn${path}`)).headers['x-cache']).toBe('HIT');
      expect(seen(path).map((r) => r.headers['if-none-match'])).toEqual([undefined, '"short"']);
    });

    it('RFC 9111 §5.2.2.7 with RFC 9213 §2.1: the targeted field\'s private="..." drops its fields from the stored answer, not Cache-Control\'s', async () => {
      const { first, second, xCache } = await twice(a, 'own-private-field');
      expect(xCache).toEqual(['MISS', 'HIT']);
      expect(first.headers['x-secret']).toBe('s');
      expect(second.headers['x-secret']).toBeUndefined();
      expect(second.headers['x-other']).toBe('o');
    });

    it('RFC 9111 §3.5 with RFC 9213 §2.1: a targeted public lets requests with Authorization be answered from the cache', async () => {
      const authorized = { authorization: 'Bearer token-1' };
      const { xCache, originSaw } = await twice(a, 'own-public-auth', authorized);
      expect(xCache).toEqual(['MISS', 'HIT']);
      expect(originSaw).toBe(1);
    });

    it('RFC 9111 §3.5 with RFC 9213 §2.1: Cache-Control\'s public does not count when a targeted field decides', async () => {
      const authorized = { authorization: 'Bearer token-1' };
      const { xCache, originSaw } = await twice(a, 'cc-public-auth', authorized);
      expect(xCache).toEqual(['MISS', 'MISS']);
      expect(originSaw).toBe(2);
    });

    it('RFC 9213 §2.1 in the shared tier: another edge\'s hit from Redis obeys the targeted field and does not carry it', async () => {
      const path = fresh('own-over-cdn');
      expect((await storedThroughA(path)).headers['x-cache']).toBe('MISS');
      const fromRedis = await rawGet(`${b.url}/cdn${path}`);
      expect(fromRedis.headers['x-cache']).toBe('HIT');
      expect(fromRedis.body.toString()).toBe(`body of ${path}`);
      expect(fromRedis.headers['edge-cache-control']).toBeUndefined();
      expect(fromRedis.headers['cdn-cache-control']).toBe('no-store');
      expect(seen(path)).toHaveLength(1);
      const shared = await get(`${b.url}/metrics`);
      expect(shared.text).toMatch(/cdn_edge_cache_lookups_total\{tier="shared",result="hit"\} [1-9]/);
    });

    it('RFC 9213 §2.1 in the shared tier: an answer the targeted field forbids to store is not in Redis for another edge', async () => {
      const path = fresh('own-no-store');
      await rawGet(`${a.url}/cdn${path}`);
      // Give a store that should not happen the time one would take.
      await sleep(300);
      expect((await rawGet(`${b.url}/cdn${path}`)).headers['x-cache']).toBe('MISS');
      expect(seen(path)).toHaveLength(2);
    });

    it('RFC 9213 §2.1 in the shared tier: an entry revalidated by another edge from Redis is judged on the stored targeted field', async () => {
      const path = fresh('own-short');
      await storedThroughA(path);
      await sleep(1_200);
      const revalidated = await rawGet(`${b.url}/cdn${path}`);
      expect(revalidated.headers['x-cache']).toBe('REVALIDATED');
      expect(revalidated.headers['edge-cache-control']).toBeUndefined();
      expect((await rawGet(`${b.url}/cdn${path}`)).headers['x-cache']).toBe('HIT');
      expect(seen(path).map((r) => r.headers['if-none-match'])).toEqual([undefined, '"short"']);
    });

    it('RFC 9213 §2.1: CDN_CACHE_CONTROL_TARGET names the field of the edge\'s own as the flag does', async () => {
      const app = await startApp('allInOne', ['--cache-time', '0', '--log-file', '-'], { env: { CDN_CACHE_CONTROL_TARGET: 'edge-cache-control' } }).then(withOrigin);
      const { first, xCache, originSaw } = await twice(app, 'own-over-cdn');
      expect(xCache).toEqual(['MISS', 'HIT']);
      expect(first.headers['edge-cache-control']).toBeUndefined();
      expect(originSaw).toBe(1);
      await app.stop();
    });

    it.each([
      ['Cache-Control', /--cache-control-target must name a field of this CDN's own \(e\.g\. Edge-Cache-Control\), not Cache-Control/],
      ['cdn-cache-control', /--cache-control-target must name a field of this CDN's own/],
      ['Edge Cache', /--cache-control-target must be a header field name/],
    ])('refuses --cache-control-target %s at start-up, naming the flag', (value, message) => {
      const result = spawnSync(process.execPath, [APPS.allInOne, '--cache-control-target', value], { cwd: tempDir(), encoding: 'utf8', timeout: 20_000 });
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(message);
    });

    it('counts the decisions a targeted field made, by field', async () => {
      const metrics = (await get(`${a.url}/metrics`)).text;
      expect(metrics).toMatch(/cdn_edge_cache_targeted_directives_total\{field="edge-cache-control"\} [1-9]/);
      expect(metrics).toMatch(/cdn_edge_cache_targeted_directives_total\{field="cdn-cache-control"\} [1-9]/);
    });
  });

  describe('RFC 9111 §4.2.2: heuristic freshness with --cache-time 0', () => {
    it('RFC 9111 §4.2.2: a 200 with Last-Modified and no explicit freshness is reused for a fraction of its age', async () => {
      const { path, xCache, second, originSaw } = await twice(a, 'heuristic');
      expect(xCache).toEqual(['MISS', 'HIT']);
      expect(second.body.toString()).toBe(`body of ${path}`);
      expect(second.headers.age).toMatch(/^\d+$/);
      expect(originSaw).toBe(1);
    });

    it('RFC 9111 §4.2.2: a 404 is heuristically cacheable too', async () => {
      const { xCache, first, originSaw } = await twice(a, 'heuristic-404');
      expect(first.status).toBe(404);
      expect(xCache).toEqual(['MISS', 'HIT']);
      expect(originSaw).toBe(1);
    });

    it('RFC 9111 §4.2.2: a 302 is not heuristically cacheable unless it says public', async () => {
      expect((await twice(a, 'heuristic-302')).xCache).toEqual(['MISS', 'MISS']);
      const { xCache, originSaw } = await twice(a, 'heuristic-302-public');
      expect(xCache).toEqual(['MISS', 'HIT']);
      expect(originSaw).toBe(1);
    });

    it('RFC 9111 §4.2.2: a Last-Modified in the future gives no heuristic freshness: the entry is revalidated', async () => {
      const { path, xCache } = await twice(a, 'heuristic-future');
      expect(xCache[1]).not.toBe('HIT');
      expect(seen(path)).toHaveLength(2);
      expect(seen(path)[1].headers['if-modified-since']).toBeDefined();
    });

    it.each(['heuristic-must-revalidate', 'heuristic-no-cache'] as const)('RFC 9111 §4.2.2: %s gets no heuristic freshness', async (name) => {
      const { path, xCache } = await twice(a, name);
      expect(xCache[1]).not.toBe('HIT');
      expect(seen(path)).toHaveLength(2);
    });

    it('RFC 9111 §4.2.2: --cache-heuristic-max caps heuristic freshness, after which the entry is revalidated with Last-Modified', async () => {
      const { path, first, xCache } = await twice(capped, 'heuristic');
      expect(xCache).toEqual(['MISS', 'HIT']);
      await sleep(2_200);
      expect((await rawGet(`${capped.url}/cdn${path}`)).headers['x-cache']).not.toBe('HIT');
      expect(seen(path)).toHaveLength(2);
      expect(seen(path)[1].headers['if-modified-since']).toBe(first.headers['last-modified']);
    });

    it('RFC 5861 §4: the --stale-if-error default applies to heuristically fresh answers once they are stale', async () => {
      const path = fresh('heuristic');
      await rawGet(`${capped.url}/cdn${path}`);
      await sleep(2_200);
      failing.add(path);
      const stale = await rawGet(`${capped.url}/cdn${path}`);
      expect(stale.status).toBe(200);
      expect(stale.headers['x-cache']).toBe('STALE');
      expect(stale.body.toString()).toBe(`body of ${path}`);
      expect(seen(path).length).toBeGreaterThanOrEqual(2);
    });

    it('RFC 9111 §4.2.2: --cache-heuristic-max 0 turns heuristic freshness off', async () => {
      const off = await startApp('allInOne', ['--cache-time', '0', '--cache-heuristic-max', '0', '--log-file', '-']).then(withOrigin);
      const { path, xCache } = await twice(off, 'heuristic');
      expect(xCache[1]).not.toBe('HIT');
      expect(seen(path)).toHaveLength(2);
      await off.stop();
    });

    it('counts answers stored with heuristic freshness', async () => {
      expect((await get(`${a.url}/metrics`)).text).toMatch(/cdn_edge_cache_heuristic_freshness_total [1-9]/);
    });
  });
});
