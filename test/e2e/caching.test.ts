/**
 * HTTP caching on two edges sharing a Redis tier, managed by the control plane over NATS:
 * RFC 9111 / 5861 semantics, coalescing, purge and warm with receipts. Every server is real.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, post, rawGet, request } from '../support/http';
import { Origin, startOrigin } from '../support/origin';
import { eventually } from '../support/ports';
import { Running, startApp, startNats, startRedis, stopAll } from '../support/processes';

type App = Running & { port: number; url: string };

const binary = crypto.randomBytes(1024 * 1024);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Origin behaviour by path; counters per path for assertions. */
function originRoutes() {
  const hits = new Map<string, number>();
  let inFlight = 0;
  let maxInFlight = 0;
  let failing = false;
  let version = 0;
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url!, 'http://origin');
    const path = url.pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const send = (status: number, headers: Record<string, string | string[]>, body: string | Buffer = '') => {
      res.writeHead(status, headers);
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      req.resume();
      return req.on('end', () => send(201, { location: '/items/2' }, 'created'));
    }
    const etagged = (etag: string, cacheControl: string, body: string) => {
      if (req.headers['if-none-match'] === etag) return send(304, { etag, 'cache-control': cacheControl });
      send(200, { etag, 'cache-control': cacheControl, 'content-type': 'text/plain' }, body);
    };
    if (path === '/slow-sized') {
      res.writeHead(200, { 'cache-control': 'max-age=60', 'content-type': 'text/plain', 'content-length': '10' });
      res.write('first;');
      setTimeout(() => res.end('last'), 400);
      return;
    }
    if (path.startsWith('/slow')) {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      res.writeHead(200, { 'cache-control': path === '/slow-nostore' ? 'no-store' : 'max-age=60', 'content-type': 'text/plain' });
      res.write('first;');
      setTimeout(() => {
        inFlight--;
        res.end('last');
      }, 400);
      return;
    }
    switch (path) {
      case '/fresh': return etagged('"v1"', 'max-age=60', 'fresh body');
      case '/short': return etagged('"s1"', 'max-age=1', 'short body');
      case '/nocache': return etagged('"n1"', 'no-cache', 'nocache body');
      case '/nostore': return send(200, { 'cache-control': 'no-store' }, 'nostore');
      case '/private': return send(200, { 'cache-control': 'private, max-age=60' }, 'private');
      case '/cookie': return send(200, { 'cache-control': 'max-age=60', 'set-cookie': 'session=1' }, 'cookie');
      case '/auth': return send(200, { 'cache-control': 'max-age=60' }, 'auth');
      case '/auth-public': return send(200, { 'cache-control': 'public, max-age=60' }, 'auth-public');
      case '/vary': return send(200, { 'cache-control': 'max-age=60', vary: 'Accept-Language' }, `lang=${req.headers['accept-language'] ?? ''}`);
      case '/varystar': return send(200, { 'cache-control': 'max-age=60', vary: '*' }, 'varystar');
      case '/binary': return send(200, { 'cache-control': 'max-age=60', 'content-type': 'application/octet-stream' }, binary);
      case '/swr': version++; return send(200, { 'cache-control': 'max-age=1, stale-while-revalidate=30' }, `swr v${version}`);
      case '/sie': return failing ? send(500, {}, 'broken') : send(200, { 'cache-control': 'max-age=1, stale-if-error=60' }, 'sie body');
      case '/sie-default': return failing ? send(503, {}, 'broken') : send(200, { 'cache-control': 'max-age=1' }, 'sie default');
      case '/tagged': return send(200, { 'cache-control': 'max-age=60', 'surrogate-key': 'news front', 'cache-tag': 'sports' }, 'tagged');
      case '/soft': return etagged('"soft"', 'max-age=60', 'soft body');
      default: return send(200, { 'cache-control': 'max-age=60', 'content-type': 'text/plain' }, `body of ${url.pathname}${url.search}`);
    }
  };
  return {
    handler,
    hits: (path: string) => hits.get(path) ?? 0,
    maxInFlight: () => maxInFlight,
    resetInFlight: () => (maxInFlight = 0),
    setFailing: (value: boolean) => (failing = value),
  };
}

describe('edge caching', () => {
  let nats: Awaited<ReturnType<typeof startNats>>;
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let controlPlane: App;
  let a: App;
  let b: App;
  let origin: Origin;
  const routes = originRoutes();

  beforeAll(async () => {
    nats = await startNats();
    redis = await startRedis();
    origin = await startOrigin('origin', routes.handler);
    controlPlane = await startApp('controlPlane', ['--nats-url', nats.url]);
    const edgeArgs = ['--nats-url', nats.url, '--cache-redis-url', redis.url, '--stale-if-error', '30', '--cache-sort-query'];
    a = await startApp('edge', [...edgeArgs, '--edge-id', 'edge-a']);
    b = await startApp('edge', [...edgeArgs, '--edge-id', 'edge-b']);
    await post(`${controlPlane.url}/register_node`, { id: 'node1', url: origin.url, location: 'Beijing', capacity: 100 });
    await eventually(async () => (await get(`${a.url}/cdn/ping-a`)).status === 200 && (await get(`${b.url}/cdn/ping-b`)).status === 200);
    await eventually(async () => (await get(`${controlPlane.url}/edges`)).body.edges.length === 2);
  });

  afterAll(async () => {
    await stopAll();
    await origin.close();
  });

  describe('freshness', () => {
    it('serves a fresh answer from cache with an Age header', async () => {
      expect((await get(`${a.url}/cdn/fresh`)).headers.get('x-cache')).toBe('MISS');
      const hit = await get(`${a.url}/cdn/fresh`);
      expect(hit.headers.get('x-cache')).toBe('HIT');
      expect(hit.text).toBe('fresh body');
      expect(hit.headers.get('age')).toMatch(/^\d+$/);
      expect(routes.hits('/fresh')).toBe(1);
    });

    it('revalidates an expired entry with its ETag: a 304 refreshes it without a new body', async () => {
      await get(`${a.url}/cdn/short`);
      await sleep(1_200);
      const revalidated = await get(`${a.url}/cdn/short`);
      expect(revalidated.headers.get('x-cache')).toBe('REVALIDATED');
      expect(revalidated.text).toBe('short body');
      expect((await get(`${a.url}/cdn/short`)).headers.get('x-cache')).toBe('HIT');
    });

    it('revalidates a no-cache answer on every use', async () => {
      await get(`${a.url}/cdn/nocache`);
      expect((await get(`${a.url}/cdn/nocache`)).headers.get('x-cache')).toBe('REVALIDATED');
      expect((await get(`${a.url}/cdn/nocache`)).headers.get('x-cache')).toBe('REVALIDATED');
      expect(routes.hits('/nocache')).toBe(3);
    });

    it.each(['/nostore', '/private', '/cookie'])('never stores %s', async (path) => {
      await get(`${a.url}/cdn${path}`);
      expect((await get(`${a.url}/cdn${path}`)).headers.get('x-cache')).toBe('MISS');
      expect(routes.hits(path)).toBe(2);
    });

    it('keeps answers to requests with Authorization out of the shared cache unless they are public', async () => {
      const auth = { headers: { authorization: 'Bearer x' } };
      await get(`${a.url}/cdn/auth`, auth);
      await get(`${a.url}/cdn/auth`, auth);
      expect(routes.hits('/auth')).toBe(2);
      await get(`${a.url}/cdn/auth-public`, auth);
      expect((await get(`${a.url}/cdn/auth-public`, auth)).headers.get('x-cache')).toBe('HIT');
    });
  });

  describe('variants and conditional requests', () => {
    it('keeps one variant per Vary header value', async () => {
      const zh = { headers: { 'accept-language': 'zh' } };
      const en = { headers: { 'accept-language': 'en' } };
      expect((await get(`${a.url}/cdn/vary`, zh)).text).toBe('lang=zh');
      expect((await get(`${a.url}/cdn/vary`, en)).text).toBe('lang=en');
      const zhAgain = await get(`${a.url}/cdn/vary`, zh);
      expect(zhAgain.text).toBe('lang=zh');
      expect(zhAgain.headers.get('x-cache')).toBe('HIT');
      expect(routes.hits('/vary')).toBe(2);
    });

    it('never serves Vary: * from cache', async () => {
      await get(`${a.url}/cdn/varystar`);
      expect((await get(`${a.url}/cdn/varystar`)).headers.get('x-cache')).toBe('MISS');
    });

    it("answers a client's If-None-Match with 304 from a fresh entry", async () => {
      await get(`${a.url}/cdn/fresh`);
      const before = routes.hits('/fresh');
      const answer = await rawGet(`${a.url}/cdn/fresh`, { 'if-none-match': '"v1"' });
      expect(answer.status).toBe(304);
      expect(answer.headers.etag).toBe('"v1"');
      expect(answer.headers['x-cache']).toBe('HIT');
      expect(routes.hits('/fresh')).toBe(before);
    });

    it('serves Range requests and HEAD from a cached full object', async () => {
      await get(`${a.url}/cdn/binary`);
      const part = await fetch(`${a.url}/cdn/binary`, { headers: { range: 'bytes=100-199' } });
      expect(part.status).toBe(206);
      expect(part.headers.get('content-range')).toBe(`bytes 100-199/${binary.length}`);
      expect(Buffer.from(await part.arrayBuffer()).equals(binary.subarray(100, 200))).toBe(true);
      const beyond = await fetch(`${a.url}/cdn/binary`, { headers: { range: `bytes=${binary.length + 10}-` } });
      expect(beyond.status).toBe(416);
      expect(beyond.headers.get('content-range')).toBe(`bytes */${binary.length}`);
      const head = await request(`${a.url}/cdn/binary`, { method: 'HEAD' });
      expect(head.headers.get('x-cache')).toBe('HIT');
      expect(head.headers.get('content-length')).toBe(String(binary.length));
      expect(routes.hits('/binary')).toBe(1);
    });
  });

  describe('two tiers', () => {
    it('fills edge B from the shared tier, byte-exact, without asking the node again', async () => {
      const first = await fetch(`${a.url}/cdn/binary?l2=1`);
      expect(first.headers.get('x-cache')).toBe('MISS');
      await first.arrayBuffer();
      // The shared tier is written after the answer completes, without holding up the client.
      await sleep(300);
      const before = routes.hits('/binary');
      const fromShared = await eventually(async () => {
        const res = await fetch(`${b.url}/cdn/binary?l2=1`);
        const body = Buffer.from(await res.arrayBuffer());
        return res.headers.get('x-cache') === 'HIT' ? body : undefined;
      }, 3_000);
      expect(fromShared!.equals(binary)).toBe(true);
      expect(routes.hits('/binary')).toBe(before);
    });

    it('sorts query parameters into one key with --cache-sort-query', async () => {
      await get(`${a.url}/cdn/sorted?b=2&a=1`);
      expect((await get(`${a.url}/cdn/sorted?a=1&b=2`)).headers.get('x-cache')).toBe('HIT');
    });
  });

  describe('invalidation', () => {
    it('drops the cached URL on every edge after a successful POST, and its Location', async () => {
      await get(`${a.url}/cdn/items/1`);
      await get(`${b.url}/cdn/items/1`);
      await get(`${b.url}/cdn/items/2`);
      expect((await get(`${b.url}/cdn/items/1`)).headers.get('x-cache')).toBe('HIT');
      expect((await post(`${a.url}/cdn/items/1`, { name: 'new' })).status).toBe(201);
      await eventually(async () => (await get(`${b.url}/cdn/items/1`)).headers.get('x-cache') === 'MISS', 2_000);
      expect((await get(`${b.url}/cdn/items/2`)).headers.get('x-cache')).toBe('MISS');
    });
  });

  describe('coalescing', () => {
    it('makes one node request for concurrent misses and streams it to every client as it arrives', async () => {
      const started = performance.now();
      const firstBytes: number[] = [];
      const bodies = await Promise.all(
        Array.from({ length: 10 }, () =>
          new Promise<string>((resolve, reject) => {
            http.get(`${a.url}/cdn/slow`, (res) => {
              let body = '';
              res.once('data', () => firstBytes.push(performance.now() - started));
              res.on('data', (c) => (body += c));
              res.on('end', () => resolve(body));
            }).on('error', reject);
          }),
        ),
      );
      expect(bodies.every((body) => body === 'first;last')).toBe(true);
      expect(routes.hits('/slow')).toBe(1);
      // Every client had the first chunk well before the node finished (it waits 400 ms).
      expect(Math.max(...firstBytes)).toBeLessThan(350);
    });

    it('keeps answering the waiting clients when the client that started the fetch leaves', async () => {
      const getBody = () =>
        new Promise<string>((done, fail) => {
          http.get(`${a.url}/cdn/slow-sized`, (res) => {
            let body = '';
            res.on('data', (c) => (body += c));
            res.on('end', () => done(body));
            res.on('error', fail);
          }).on('error', fail);
        });
      const first = http.get(`${a.url}/cdn/slow-sized`, (res) => res.resume());
      first.on('error', () => undefined);
      await sleep(100);
      const bodies = [getBody(), getBody(), getBody(), getBody()];
      await sleep(100);
      // The node takes 400 ms; the client that started the fetch leaves half-way.
      first.destroy();
      expect(await Promise.all(bodies)).toEqual(['first;last', 'first;last', 'first;last', 'first;last']);
      expect(routes.hits('/slow-sized')).toBe(1);
      expect((await get(`${a.url}/cdn/slow-sized`)).headers.get('x-cache')).toBe('HIT');
    });

    it('does not serialise an uncacheable URL: concurrent requests go straight through (hit-for-miss)', async () => {
      await get(`${a.url}/cdn/slow-nostore`);
      routes.resetInFlight();
      await Promise.all(Array.from({ length: 6 }, () => get(`${a.url}/cdn/slow-nostore`)));
      expect(routes.maxInFlight()).toBe(6);
    });
  });

  describe('stale answers', () => {
    it('serves stale while revalidating, and refreshes once in the background', async () => {
      expect((await get(`${a.url}/cdn/swr`)).text).toBe('swr v1');
      await sleep(1_200);
      const stale = await get(`${a.url}/cdn/swr`);
      expect(stale.headers.get('x-cache')).toBe('STALE');
      expect(stale.text).toBe('swr v1');
      await eventually(async () => (await get(`${a.url}/cdn/swr`)).text === 'swr v2', 2_000);
      expect(routes.hits('/swr')).toBe(2);
    });

    it('serves stale when the node answers 5xx within stale-if-error', async () => {
      await get(`${a.url}/cdn/sie`);
      await get(`${a.url}/cdn/sie-default`);
      await sleep(1_200);
      routes.setFailing(true);
      try {
        const stale = await get(`${a.url}/cdn/sie`);
        expect(stale.status).toBe(200);
        expect(stale.headers.get('x-cache')).toBe('STALE');
        expect(stale.text).toBe('sie body');
        // --stale-if-error 30 covers answers that do not say.
        expect((await get(`${a.url}/cdn/sie-default`)).text).toBe('sie default');
      } finally {
        routes.setFailing(false);
      }
    });
  });

  it('serves stale within --stale-if-error when no node can answer', async () => {
    const doomed = await startOrigin('doomed', (_req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=1' });
      res.end('from a node about to die');
    });
    await post(`${controlPlane.url}/register_node`, { id: 'doomed', url: doomed.url, location: 'Doomed', capacity: 1 });
    const where = { headers: { 'X-Client-Location': 'Doomed' } };
    // A registration is answered before edges apply it: wait with paths of their own, so that nothing another node answered is cached under the one tested.
    let attempt = 0;
    await eventually(async () => (await get(`${a.url}/cdn/doomed-probe-${attempt++}`, where)).headers.get('x-cdn-node') === 'doomed', 2_000);
    expect((await get(`${a.url}/cdn/doomed-file`, where)).headers.get('x-cdn-node')).toBe('doomed');
    // The other node is drained, so no retry can go elsewhere: the stale copy is the only answer left.
    await request(`${controlPlane.url}/nodes/node1`, { method: 'PATCH', json: { state: 'draining' } });
    await doomed.close();
    await sleep(1_200);
    try {
      const stale = await get(`${a.url}/cdn/doomed-file`, where);
      expect(stale.status).toBe(200);
      expect(stale.headers.get('x-cache')).toBe('STALE');
      expect(stale.text).toBe('from a node about to die');
    } finally {
      await request(`${controlPlane.url}/nodes/node1`, { method: 'PATCH', json: { state: 'active' } });
      await request(`${controlPlane.url}/nodes/doomed`, { method: 'DELETE' });
    }
  });

  describe('purge and warm', () => {
    async function operation(id: string) {
      return eventually(async () => {
        const { body } = await get(`${controlPlane.url}/operations/${id}`);
        return body.complete ? body : undefined;
      }, 5_000);
    }

    it('purges a URL on both edges and in the shared tier, with a receipt from each edge', async () => {
      await get(`${a.url}/cdn/purge-me`);
      await get(`${b.url}/cdn/purge-me`);
      const before = routes.hits('/purge-me');
      const accepted = await post(`${controlPlane.url}/cache/purge`, { urls: ['/purge-me'] });
      expect(accepted.status).toBe(202);
      const done = await operation(accepted.body.operation_id);
      expect(done.receipts.map((r: any) => r.edge).sort()).toEqual(['edge-a', 'edge-b']);
      expect(done.pending_edges).toEqual([]);
      expect(done.receipts.every((r: any) => r.applied && r.errors.length === 0)).toBe(true);
      expect((await get(`${b.url}/cdn/purge-me`)).headers.get('x-cache')).toBe('MISS');
      expect(routes.hits('/purge-me')).toBe(before + 1);
    });

    it('purges by tag (Surrogate-Key, Cache-Tag) and by prefix', async () => {
      await get(`${a.url}/cdn/tagged`);
      await get(`${a.url}/cdn/section/one`);
      await get(`${a.url}/cdn/section/two`);
      const tag = await post(`${controlPlane.url}/cache/purge`, { tags: ['sports'] });
      const prefix = await post(`${controlPlane.url}/cache/purge`, { prefixes: ['/section/'] });
      await operation(tag.body.operation_id);
      const done = await operation(prefix.body.operation_id);
      expect(done.receipts.reduce((n: number, r: any) => n + r.entries_affected, 0)).toBeGreaterThanOrEqual(2);
      expect((await get(`${a.url}/cdn/tagged`)).headers.get('x-cache')).toBe('MISS');
      expect((await get(`${a.url}/cdn/section/one`)).headers.get('x-cache')).toBe('MISS');
    });

    it('a soft purge marks entries stale, so the next request revalidates instead of downloading', async () => {
      await get(`${a.url}/cdn/soft`);
      const soft = await post(`${controlPlane.url}/cache/purge`, { urls: ['/soft'], soft: true });
      await operation(soft.body.operation_id);
      expect((await get(`${a.url}/cdn/soft`)).headers.get('x-cache')).toBe('REVALIDATED');
    });

    it('warms URLs into both edges ahead of traffic', async () => {
      const warm = await post(`${controlPlane.url}/cache/warm`, { urls: ['/warm/1', '/warm/2', '/warm/3'] });
      expect(warm.status).toBe(202);
      const done = await operation(warm.body.operation_id);
      expect(done.receipts.every((r: any) => r.entries_affected === 3)).toBe(true);
      for (const edge of [a, b]) {
        for (const n of [1, 2, 3]) expect((await get(`${edge.url}/cdn/warm/${n}`)).headers.get('x-cache')).toBe('HIT');
      }
    });
  });

  describe('shared tier outage', () => {
    it('fails open when Redis dies and uses it again when it returns', async () => {
      await redis.stop();
      const started = performance.now();
      const answer = await get(`${a.url}/cdn/during-outage`);
      expect(answer.status).toBe(200);
      expect(performance.now() - started).toBeLessThan(1_000);
      expect((await get(`${a.url}/cdn/during-outage`)).headers.get('x-cache')).toBe('HIT');
      // Counted: as failed operations while the edge finds out, then as lookups skipped while Redis is down.
      let n = 0;
      await eventually(async () => {
        await get(`${a.url}/cdn/outage-${n++}`);
        return /cdn_edge_cache_lookups_total\{tier="shared",result="unavailable"\} [1-9]/.test((await get(`${a.url}/metrics`)).text);
      }, 5_000, 100);

      redis = await startRedis({ port: redis.port });
      await eventually(async () => {
        await get(`${a.url}/cdn/after-outage`);
        return (await get(`${b.url}/cdn/after-outage`)).headers.get('x-cache') === 'HIT';
      }, 15_000, 500);
    });
  });
});
