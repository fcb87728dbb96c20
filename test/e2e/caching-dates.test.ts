/**
 * Dates in caching, through the built all-in-one against a real origin: Expires in the obsolete forms
 * of RFC 9110 §5.6.7, and If-Modified-Since against answers without Last-Modified (RFC 9111 §4.3.2).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, post, rawGet, rawText } from '../support/http';
import { Origin, startOrigin } from '../support/origin';
import { eventually } from '../support/ports';
import { startApp, stopAll } from '../support/processes';

type App = Awaited<ReturnType<typeof startApp>>;

const SHORT_DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const LONG_DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');
const clock = (d: Date) => `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;

/** RFC 850: `Sunday, 06-Nov-94 08:49:37 GMT`. */
function rfc850(time: number): string {
  const d = new Date(time);
  return `${LONG_DAYS[d.getUTCDay()]}, ${two(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${two(d.getUTCFullYear() % 100)} ${clock(d)} GMT`;
}

/** asctime: `Sun Nov  6 08:49:37 1994`. */
function asctime(time: number): string {
  const d = new Date(time);
  return `${SHORT_DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${clock(d)} ${d.getUTCFullYear()}`;
}

/** The same day name, shifted to another weekday: recipients must ignore the weekday. */
function otherWeekday(text: string): string {
  const index = SHORT_DAYS.findIndex((day) => text.startsWith(day));
  return SHORT_DAYS[(index + 1) % 7] + text.slice(3);
}

/** Expires one hour ahead in each form; garbage means "already expired". */
const EXPIRES: Record<string, (inAnHour: number) => string> = {
  'rfc850': rfc850,
  'rfc850-lower-case': (t) => rfc850(t).toLowerCase(),
  'rfc850-upper-case': (t) => rfc850(t).toUpperCase(),
  'asctime': asctime,
  'asctime-upper-case': (t) => asctime(t).toUpperCase(),
  'asctime-lower-case': (t) => asctime(t).toLowerCase(),
  'imf-fixdate-upper-case': (t) => new Date(t).toUTCString().toUpperCase(),
  'imf-fixdate-other-weekday': (t) => otherWeekday(new Date(t).toUTCString()),
  'asctime-other-weekday': (t) => otherWeekday(asctime(t)),
  'garbage-number': () => '3600',
  'garbage-word': () => 'in an hour',
  'garbage-zone': (t) => new Date(t).toUTCString().replace('GMT', 'PST'),
};

/** A request with exactly these headers, any method. */
const send = (method: string, url: string, headers: Record<string, string> = {}) => rawText(url, { method, headers });

let unique = 0;
/** A path no other test asks for, so each test starts with an empty cache. */
const fresh = (prefix: string) => `${prefix}/${++unique}`;

describe('caching with dates', () => {
  let origin: Origin;
  let noTtl: App;
  let ttl: App;
  const seen = (path: string) => origin.requests.filter((r) => r.url === path);

  beforeAll(async () => {
    origin = await startOrigin('origin', (req, res) => {
      const [, kind, variant] = req.url!.split('/');
      if (req.method === 'POST') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        return res.end('posted');
      }
      const headers: Record<string, string> = { 'content-type': 'text/plain' };
      if (kind === 'expires') headers.expires = EXPIRES[variant](Date.now() + 3_600_000);
      if (kind === 'undated') res.sendDate = false;
      if (variant === 'max-age') headers['cache-control'] = 'max-age=60';
      res.writeHead(200, headers);
      res.end(`body of ${req.url}`);
    });
    [noTtl, ttl] = await Promise.all([startApp('allInOne', ['--cache-time', '0', '--log-file', '-']), startApp('allInOne', ['--cache-time', '60', '--log-file', '-'])]);
    for (const app of [noTtl, ttl]) {
      await post(`${app.url}/register_node`, { id: 'node1', url: origin.url, location: 'Beijing', capacity: 100 });
      await eventually(async () => (await get(`${app.url}/cdn/ping`)).status === 200);
    }
  });

  afterAll(async () => {
    await stopAll();
    await origin?.close();
  });

  describe('RFC 9110 §5.6.7: Expires in obsolete and wrong-case forms', () => {
    it.each(Object.keys(EXPIRES).filter((form) => !form.startsWith('garbage')))('RFC 9110 §5.6.7: Expires one hour ahead as %s makes the answer fresh: the second request is a HIT', async (form) => {
      const path = fresh(`/expires/${form}`);
      const first = await rawGet(`${noTtl.url}/cdn${path}`);
      expect(first.headers['x-cache']).toBe('MISS');
      const second = await rawGet(`${noTtl.url}/cdn${path}`);
      expect(second.headers['x-cache']).toBe('HIT');
      expect(second.body.toString()).toBe(`body of ${path}`);
      expect(second.headers.expires).toBe(first.headers.expires);
      expect(seen(path)).toHaveLength(1);
    });

    it.each(Object.keys(EXPIRES).filter((form) => form.startsWith('garbage')))('RFC 9111 §5.3: an invalid Expires (%s) means already expired: the second request goes to the origin', async (form) => {
      const path = fresh(`/expires/${form}`);
      expect((await rawGet(`${noTtl.url}/cdn${path}`)).headers['x-cache']).toBe('MISS');
      expect((await rawGet(`${noTtl.url}/cdn${path}`)).headers['x-cache']).not.toBe('HIT');
      expect(seen(path)).toHaveLength(2);
    });
  });

  describe('RFC 9111 §4.3.2: If-Modified-Since against a fresh answer without Last-Modified', () => {
    // With --cache-time 0 the answer must say how long it is fresh; with --cache-time 60 it says nothing.
    const cases = [
      ['--cache-time 0', 'max-age', () => noTtl],
      ['--cache-time 60', 'silent', () => ttl],
    ] as const;

    it.each(cases)('RFC 9111 §4.3.2 with RFC 9110 §6.6.1: with %s, an answer without Date is judged on the time it was received: 304 from the HIT', async (_name, variant, app) => {
      const path = fresh(`/undated/${variant}`);
      const miss = await rawGet(`${app().url}/cdn${path}`);
      expect(miss.headers['x-cache']).toBe('MISS');
      const hit = await rawGet(`${app().url}/cdn${path}`);
      expect(hit.headers['x-cache']).toBe('HIT');
      // The stored answer carries the Date the edge gave it when it arrived (RFC 9110 §6.6.1).
      const storedDate = hit.headers.date!;
      expect(Date.parse(storedDate)).toBeLessThanOrEqual(Date.now());
      const notModified = await rawGet(`${app().url}/cdn${path}`, { 'if-modified-since': storedDate });
      expect(notModified.status).toBe(304);
      expect(notModified.headers['x-cache']).toBe('HIT');
      expect(notModified.body.length).toBe(0);
      const later = await rawGet(`${app().url}/cdn${path}`, { 'if-modified-since': new Date(Date.now() + 60_000).toUTCString() });
      expect(later.status).toBe(304);
      expect(seen(path)).toHaveLength(1);
      expect(seen(path)[0].headers['if-modified-since']).toBeUndefined();
    });

    it.each(cases)('RFC 9111 §4.3.2: with %s, an answer with Date but no Last-Modified is judged on that Date', async (_name, variant, app) => {
      const path = fresh(`/dated/${variant}`);
      const miss = await rawGet(`${app().url}/cdn${path}`);
      const date = miss.headers.date!;
      expect((await rawGet(`${app().url}/cdn${path}`, { 'if-modified-since': date })).status).toBe(304);
      const before = await rawGet(`${app().url}/cdn${path}`, { 'if-modified-since': new Date(Date.parse(date) - 3_600_000).toUTCString() });
      expect(before.status).toBe(200);
      expect(before.headers['x-cache']).toBe('HIT');
      expect(before.body.toString()).toBe(`body of ${path}`);
      expect(seen(path)).toHaveLength(1);
    });

    it.each(cases)('RFC 9111 §4.3.2: with %s, a first request that is already conditional goes to the origin (a miss), and the next one gets 304 from the cache', async (_name, variant, app) => {
      const path = fresh(`/undated/${variant}`);
      const since = new Date(Date.now() + 60_000).toUTCString();
      const miss = await rawGet(`${app().url}/cdn${path}`, { 'if-modified-since': since });
      expect(miss.status).toBe(200);
      expect(miss.headers['x-cache']).toBe('MISS');
      expect(seen(path)[0].headers['if-modified-since']).toBe(since);
      const hit = await rawGet(`${app().url}/cdn${path}`, { 'if-modified-since': since });
      expect(hit.status).toBe(304);
      expect(hit.headers['x-cache']).toBe('HIT');
      expect(seen(path)).toHaveLength(1);
    });

    it('RFC 9110 §13.1.3: If-Modified-Since is ignored when If-None-Match is present', async () => {
      const path = fresh('/undated/max-age');
      await rawGet(`${noTtl.url}/cdn${path}`);
      const answer = await rawGet(`${noTtl.url}/cdn${path}`, { 'if-modified-since': new Date(Date.now() + 60_000).toUTCString(), 'if-none-match': '"other"' });
      expect(answer.status).toBe(200);
      expect(answer.headers['x-cache']).toBe('HIT');
      expect(answer.body.toString()).toBe(`body of ${path}`);
      expect(seen(path)).toHaveLength(1);
    });

    it('RFC 9110 §13.1.3: an invalid If-Modified-Since is ignored', async () => {
      const path = fresh('/undated/max-age');
      await rawGet(`${noTtl.url}/cdn${path}`);
      const answer = await rawGet(`${noTtl.url}/cdn${path}`, { 'if-modified-since': 'yesterday' });
      expect(answer.status).toBe(200);
      expect(answer.headers['x-cache']).toBe('HIT');
      expect(seen(path)).toHaveLength(1);
    });

    it('RFC 9110 §13.1.3: HEAD is answered 304 from the cache as GET is', async () => {
      const path = fresh('/undated/max-age');
      await rawGet(`${noTtl.url}/cdn${path}`);
      const answer = await send('HEAD', `${noTtl.url}/cdn${path}`, { 'if-modified-since': new Date(Date.now() + 60_000).toUTCString() });
      expect(answer.status).toBe(304);
      expect(answer.headers['x-cache']).toBe('HIT');
      expect(seen(path)).toHaveLength(1);
    });

    it('RFC 9110 §13.1.3: If-Modified-Since is ignored for methods other than GET and HEAD', async () => {
      const path = fresh('/undated/max-age');
      await rawGet(`${noTtl.url}/cdn${path}`);
      const answer = await send('POST', `${noTtl.url}/cdn${path}`, { 'if-modified-since': new Date(Date.now() + 60_000).toUTCString() });
      expect(answer.status).toBe(200);
      expect(answer.body).toBe('posted');
      expect(seen(path).map((r) => r.method)).toEqual(['GET', 'POST']);
    });
  });
});
