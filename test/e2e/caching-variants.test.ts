/**
 * Issue 13 item 6: variants are normalised (RFC 9111 §4.1) and chosen by Content-Language (RFC 9110 §12.5.4,
 * RFC 4647 §3.3.1), on two all-in-one servers with no default TTL sharing one real Redis, in front of a real
 * origin that negotiates the language itself and counts what it is asked.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, post, rawGet } from '../support/http';
import { Origin, startOrigin } from '../support/origin';
import { eventually } from '../support/ports';
import { Running, startApp, startRedis, stopAll } from '../support/processes';

type App = Running & { port: number; url: string };

/** The languages the origin has; it answers in the first one the client ranks highest (q, then order), else en. */
const LANGUAGES = ['en', 'en-us', 'en-gb', 'fr', 'de'];

function negotiate(acceptLanguage: string | undefined): string {
  const ranges = (acceptLanguage ?? '')
    .split(',')
    .map((member) => {
      const [range, ...params] = member.trim().toLowerCase().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { range: range.trim(), q: q === undefined ? 1 : Number(q.slice(2)) };
    })
    .filter((r) => r.range.length > 0 && r.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { range } of ranges) {
    const found = LANGUAGES.find((language) => language === range);
    if (found) return found;
  }
  return 'en';
}

function originHandler(req: http.IncomingMessage, res: http.ServerResponse): void {
  const path = new URL(req.url!, 'http://origin').pathname;
  const send = (headers: Record<string, string>, body: string) => {
    res.writeHead(200, { 'cache-control': 'max-age=60', 'content-type': 'text/plain', ...headers });
    res.end(body);
  };
  // Negotiated pages say their language; the echo pages vary without saying one.
  if (path.startsWith('/page/')) {
    const language = negotiate(req.headers['accept-language'] as string | undefined);
    return send({ vary: 'Accept-Language', 'content-language': language }, `page in ${language}`);
  }
  if (path.startsWith('/echo-language/')) return send({ vary: 'Accept-Language' }, `for ${req.headers['accept-language']}`);
  if (path.startsWith('/echo-encoding/')) return send({ vary: 'Accept-Encoding' }, `for ${req.headers['accept-encoding']}`);
  if (path.startsWith('/echo-tenant/')) return send({ vary: 'X-Tenant' }, `for ${req.headers['x-tenant']}`);
  send({}, 'plain');
}

describe('normalised variants (RFC 9111 §4.1) and variants chosen by language (RFC 9110 §12.5.4)', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let origin: Origin;
  let a: App;
  let b: App;

  beforeAll(async () => {
    redis = await startRedis();
    origin = await startOrigin('origin', originHandler);
    const args = ['--cache-time', '0', '--cache-redis-url', redis.url, '--log-level', 'DEBUG'];
    [a, b] = await Promise.all([startApp('allInOne', args), startApp('allInOne', args)]);
    for (const app of [a, b]) {
      await post(`${app.url}/register_node`, { id: 'node1', url: origin.url, location: 'Beijing', capacity: 100 });
      await eventually(async () => (await get(`${app.url}/cdn/ready`)).status === 200);
    }
  });

  afterAll(async () => {
    await stopAll();
    await origin.close();
  });

  const fetchedFromOrigin = (path: string) => origin.requests.filter((r) => r.url === path);
  const ask = async (app: App, path: string, headers: Record<string, string>) => {
    const answer = await rawGet(`${app.url}/cdn${path}`, headers);
    return { cache: answer.headers['x-cache'], language: answer.headers['content-language'], body: answer.body.toString() };
  };
  /** The shared tier is written after the answer is sent: wait until Redis has it. */
  const settle = () => new Promise((resolve) => setTimeout(resolve, 300));
  const metric = async (app: App, by: string) => {
    const text = (await get(`${app.url}/metrics`)).text;
    return Number(new RegExp(`cdn_edge_cache_variant_selections_total\\{by="${by}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
  };

  it('RFC 9111 §4.1, RFC 9110 §12.5.4: Accept-Language differing only in order of distinct q, case and whitespace shares one variant', async () => {
    const path = '/echo-language/order';
    expect(await ask(a, path, { 'accept-language': 'fr;q=0.5, en' })).toMatchObject({ cache: 'MISS', body: 'for fr;q=0.5, en' });
    for (const spelling of ['EN ,\tFR ; q=0.5', 'en,fr;q=0.500', 'en;q=1, fr;q=0.5']) {
      expect(await ask(a, path, { 'accept-language': spelling }), spelling).toMatchObject({ cache: 'HIT', body: 'for fr;q=0.5, en' });
    }
    expect(fetchedFromOrigin(path)).toHaveLength(1);
    expect(await metric(a, 'exact')).toBeGreaterThanOrEqual(3);
  });

  it('RFC 9111 §4.1, RFC 9110 §12.5.3: Accept-Encoding differing only in order of distinct q and case shares one variant', async () => {
    const path = '/echo-encoding/order';
    expect((await ask(a, path, { 'accept-encoding': 'gzip;q=0.5, BR' })).cache).toBe('MISS');
    expect(await ask(a, path, { 'accept-encoding': 'br,gzip;q=0.5' })).toMatchObject({ cache: 'HIT', body: 'for gzip;q=0.5, BR' });
    expect(fetchedFromOrigin(path)).toHaveLength(1);
  });

  it('RFC 9111 §4.1: any other selecting header shares a variant across whitespace, but never across case', async () => {
    const path = '/echo-tenant/space';
    expect((await ask(a, path, { 'x-tenant': 'Acme  Corp' })).cache).toBe('MISS');
    expect(await ask(a, path, { 'x-tenant': 'Acme Corp' })).toMatchObject({ cache: 'HIT', body: 'for Acme  Corp' });
    expect(await ask(a, path, { 'x-tenant': 'acme corp' })).toMatchObject({ cache: 'MISS', body: 'for acme corp' });
    expect(fetchedFromOrigin(path)).toHaveLength(2);
  });

  it.each<[string, string, string]>([
    ['members of equal q in another order (some origins read order as preference)', 'en, fr', 'fr, en'],
    ['a language refused with q=0 and one not named', 'en, fr;q=0', 'en'],
    ['an invalid q and a valid one', 'en, fr;q=2', 'en, fr'],
  ])('RFC 9111 §4.1: Accept-Language values that differ in meaning never share a variant: %s', async (name, first, second) => {
    const path = `/echo-language/${encodeURIComponent(name)}`;
    expect(await ask(a, path, { 'accept-language': first })).toMatchObject({ cache: 'MISS', body: `for ${first}` });
    expect(await ask(a, path, { 'accept-language': second })).toMatchObject({ cache: 'MISS', body: `for ${second}` });
    expect(fetchedFromOrigin(path)).toHaveLength(2);
  });

  it('RFC 9110 §12.5.4, RFC 4647 §3.3.1: a stored variant in the Content-Language of the client\'s first choice answers another Accept-Language', async () => {
    const path = '/page/first-choice';
    expect(await ask(a, path, { 'accept-language': 'fr' })).toMatchObject({ cache: 'MISS', language: 'fr' });
    const before = await metric(a, 'content_language');
    expect(await ask(a, path, { 'accept-language': 'fr, de;q=0.5' })).toMatchObject({ cache: 'HIT', language: 'fr', body: 'page in fr' });
    expect(await metric(a, 'content_language')).toBe(before + 1);
    expect(fetchedFromOrigin(path)).toHaveLength(1);
  });

  it('RFC 4647 §3.3.1: a more specific first choice (en-US, en;q=0.9) is not answered by a variant in en: the node may have en-US', async () => {
    const path = '/page/more-specific';
    expect(await ask(a, path, { 'accept-language': 'en' })).toMatchObject({ cache: 'MISS', language: 'en' });
    expect(await ask(a, path, { 'accept-language': 'en-US, en;q=0.9' })).toMatchObject({ cache: 'MISS', language: 'en-us' });
    expect(fetchedFromOrigin(path)).toHaveLength(2);
  });

  it('RFC 9110 §12.5.4: a stored variant in a language the client ranks lower than another is never chosen', async () => {
    const path = '/page/ranked-lower';
    expect(await ask(a, path, { 'accept-language': 'fr' })).toMatchObject({ cache: 'MISS', language: 'fr' });
    expect(await ask(a, path, { 'accept-language': 'de, fr;q=0.9' })).toMatchObject({ cache: 'MISS', language: 'de' });
    expect(fetchedFromOrigin(path)).toHaveLength(2);
  });

  it('RFC 9110 §12.5.4: a stored variant in a language the client refuses with q=0 is never chosen, even under a range it prefers', async () => {
    const path = '/page/refused';
    expect(await ask(a, path, { 'accept-language': 'en-GB' })).toMatchObject({ cache: 'MISS', language: 'en-gb' });
    expect(await ask(a, path, { 'accept-language': 'en, en-gb;q=0' })).toMatchObject({ cache: 'MISS', language: 'en' });
    expect(fetchedFromOrigin(path)).toHaveLength(2);
  });

  it('RFC 9111 §4.1: a variant stored by one edge is a hit on another sharing the Redis tier, under a normalised Accept-Language', async () => {
    const path = '/echo-language/shared';
    expect((await ask(a, path, { 'accept-language': 'de;q=0.2, FR' })).cache).toBe('MISS');
    await settle();
    expect(await ask(b, path, { 'accept-language': 'fr,de;q=0.2' })).toMatchObject({ cache: 'HIT', body: 'for de;q=0.2, FR' });
    expect(fetchedFromOrigin(path)).toHaveLength(1);
  });

  it('RFC 9110 §12.5.4: a variant stored by one edge is chosen by its Content-Language on another sharing the Redis tier', async () => {
    const path = '/page/shared';
    expect(await ask(a, path, { 'accept-language': 'de' })).toMatchObject({ cache: 'MISS', language: 'de' });
    await settle();
    const before = await metric(b, 'content_language');
    expect(await ask(b, path, { 'accept-language': 'de, en;q=0.5' })).toMatchObject({ cache: 'HIT', language: 'de', body: 'page in de' });
    expect(await metric(b, 'content_language')).toBe(before + 1);
    expect(fetchedFromOrigin(path)).toHaveLength(1);
  });
});
