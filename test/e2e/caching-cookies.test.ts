/**
 * Issue 13 item 9: answers with Set-Cookie (RFC 9111 §7.3, RFC 6265 §8). A cookie belongs to one user: by
 * default such answers are not stored; with --cache-set-cookie they are stored without the cookie, and only
 * the client whose own request the node answered ever gets it: never a coalesced follower, a client served
 * from the entry, or anyone after a background refresh. Two all-in-one servers with no default TTL (one with
 * the option) in front of a real origin that numbers every cookie it sets.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, post, rawGet } from '../support/http';
import { Origin, startOrigin } from '../support/origin';
import { eventually } from '../support/ports';
import { Running, startApp, stopAll } from '../support/processes';

type App = Running & { port: number; url: string };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function originRoutes() {
  const counts = new Map<string, number>();
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const path = new URL(req.url!, 'http://origin').pathname;
    const n = (counts.get(path) ?? 0) + 1;
    counts.set(path, n);
    const [, kind] = path.split('/');
    const send = (status: number, headers: Record<string, string>, body = '') => {
      res.writeHead(status, headers);
      res.end(body);
    };
    switch (kind) {
      case 'cookie':
        return send(200, { 'cache-control': 'max-age=60', 'set-cookie': `c=${n}` }, 'cookie body');
      case 'slow':
        // Headers come late, so requests arriving meanwhile join the one fetch under way.
        return void setTimeout(() => send(200, { 'cache-control': 'max-age=60', 'set-cookie': `session=${n}` }, 'slow body'), 400);
      case 'revalidate':
      case 'slow-revalidate': {
        const answer = () => {
          // The 200 sets no cookie (it is stored even without the option); each 304 sets one.
          if (req.headers['if-none-match'] === '"v1"') return send(304, { etag: '"v1"', 'cache-control': 'max-age=60', 'set-cookie': `rev=${n}` });
          send(200, { etag: '"v1"', 'cache-control': 'max-age=0', 'content-type': 'text/plain' }, 'rev body');
        };
        return kind === 'slow-revalidate' && n > 1 ? void setTimeout(answer, 400) : answer();
      }
      case 'swr':
        return send(200, { 'cache-control': 'max-age=1, stale-while-revalidate=30', 'set-cookie': `bg=${n}` }, `swr v${n}`);
      default:
        return send(200, {}, 'ok');
    }
  };
  return { handler, count: (path: string) => counts.get(path) ?? 0 };
}

describe('answers with Set-Cookie (RFC 9111 §7.3, RFC 6265 §8)', () => {
  const routes = originRoutes();
  let origin: Origin;
  let on: App;
  let off: App;

  beforeAll(async () => {
    origin = await startOrigin('origin', routes.handler);
    const args = ['--cache-time', '0', '--log-level', 'DEBUG'];
    [on, off] = await Promise.all([startApp('allInOne', [...args, '--cache-set-cookie']), startApp('allInOne', args)]);
    for (const app of [on, off]) {
      await post(`${app.url}/register_node`, { id: 'node1', url: origin.url, location: 'Beijing', capacity: 100 });
      await eventually(async () => (await get(`${app.url}/cdn/ready`)).status === 200);
    }
  });

  afterAll(async () => {
    await stopAll();
    await origin.close();
  });

  const ask = async (app: App, path: string) => {
    const answer = await rawGet(`${app.url}/cdn${path}`);
    return { status: answer.status, cache: answer.headers['x-cache'], cookie: answer.headers['set-cookie'], body: answer.body.toString() };
  };
  const withheld = async (app: App) => Number(/cdn_edge_cache_set_cookie_withheld_total (\d+)/.exec((await get(`${app.url}/metrics`)).text)?.[1] ?? 0);
  const ifNoneMatchSeen = (path: string) => origin.requests.filter((r) => r.url === path && r.headers['if-none-match'] === '"v1"').length;

  it('RFC 9111 §7.3, RFC 6265 §8.3: by default an answer with Set-Cookie is not stored: each client gets its own cookie from the node', async () => {
    expect(await ask(off, '/cookie/default')).toMatchObject({ cache: 'MISS', cookie: ['c=1'] });
    expect(await ask(off, '/cookie/default')).toMatchObject({ cache: 'MISS', cookie: ['c=2'] });
    expect(routes.count('/cookie/default')).toBe(2);
  });

  it('RFC 9111 §7.3: with --cache-set-cookie the answer is stored without its cookie: the client that fetched it gets the cookie, a hit gets none', async () => {
    expect(await ask(on, '/cookie/stored')).toMatchObject({ cache: 'MISS', cookie: ['c=1'], body: 'cookie body' });
    expect(await ask(on, '/cookie/stored')).toMatchObject({ cache: 'HIT', cookie: undefined, body: 'cookie body' });
    expect(routes.count('/cookie/stored')).toBe(1);
  });

  it('RFC 9111 §7.3, RFC 6265 §8: requests coalesced on one fetch share its answer, and only the client whose request was sent gets its Set-Cookie', async () => {
    const before = await withheld(on);
    const first = ask(on, '/slow/coalesced');
    await sleep(100);
    const others = await Promise.all([ask(on, '/slow/coalesced'), ask(on, '/slow/coalesced')]);
    expect(await first).toMatchObject({ status: 200, cache: 'MISS', cookie: ['session=1'], body: 'slow body' });
    for (const other of others) expect(other).toMatchObject({ status: 200, cache: 'MISS', cookie: undefined, body: 'slow body' });
    expect(routes.count('/slow/coalesced')).toBe(1);
    expect(await withheld(on)).toBe(before + 2);
  });

  it('RFC 9111 §4.3.4, §3.2: a 304 gives its Set-Cookie to the client whose request caused the revalidation; the freshened entry keeps none', async () => {
    expect(await ask(on, '/revalidate/on')).toMatchObject({ cache: 'MISS', cookie: undefined });
    expect(await ask(on, '/revalidate/on')).toMatchObject({ cache: 'REVALIDATED', cookie: ['rev=2'], body: 'rev body' });
    expect(await ask(on, '/revalidate/on')).toMatchObject({ cache: 'HIT', cookie: undefined, body: 'rev body' });
    expect(routes.count('/revalidate/on')).toBe(2);
    expect(ifNoneMatchSeen('/revalidate/on')).toBe(1);
  });

  it('RFC 9111 §4.3.4, §7.3: without --cache-set-cookie a 304 with Set-Cookie does not freshen the entry, yet answers the client that caused it, with its cookie', async () => {
    expect(await ask(off, '/revalidate/off')).toMatchObject({ cache: 'MISS', cookie: undefined });
    expect(await ask(off, '/revalidate/off')).toMatchObject({ cache: 'REVALIDATED', cookie: ['rev=2'], body: 'rev body' });
    // Not freshened: the next client causes a revalidation of its own, and gets that 304's cookie, not the last one.
    expect(await ask(off, '/revalidate/off')).toMatchObject({ cache: 'REVALIDATED', cookie: ['rev=3'], body: 'rev body' });
    expect(routes.count('/revalidate/off')).toBe(3);
    expect(ifNoneMatchSeen('/revalidate/off')).toBe(2);
  });

  it('RFC 9111 §4.3.4, §7.3: clients sharing one revalidation all get the revalidated answer, and only the one whose request was sent gets the 304\'s Set-Cookie', async () => {
    expect((await ask(on, '/slow-revalidate/shared')).cache).toBe('MISS');
    const before = await withheld(on);
    const first = ask(on, '/slow-revalidate/shared');
    await sleep(100);
    const others = await Promise.all([ask(on, '/slow-revalidate/shared'), ask(on, '/slow-revalidate/shared')]);
    expect(await first).toMatchObject({ cache: 'REVALIDATED', cookie: ['rev=2'], body: 'rev body' });
    for (const other of others) expect(other).toMatchObject({ cache: 'REVALIDATED', cookie: undefined, body: 'rev body' });
    expect(routes.count('/slow-revalidate/shared')).toBe(2);
    expect(await withheld(on)).toBe(before + 2);
  });

  it('RFC 5861 §3, RFC 9111 §7.3: a background refresh never passes its Set-Cookie to any client', async () => {
    expect(await ask(on, '/swr/refresh')).toMatchObject({ cache: 'MISS', cookie: ['bg=1'], body: 'swr v1' });
    await sleep(1_100);
    expect(await ask(on, '/swr/refresh')).toMatchObject({ cache: 'STALE', cookie: undefined, body: 'swr v1' });
    await eventually(async () => (await ask(on, '/swr/refresh')).body === 'swr v2');
    expect(routes.count('/swr/refresh')).toBe(2);
    expect(await ask(on, '/swr/refresh')).toMatchObject({ cache: 'HIT', cookie: undefined, body: 'swr v2' });
  });
});
