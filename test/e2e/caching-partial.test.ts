/**
 * Partial content in the edge's cache (RFC 9111 §3.3, §3.4; RFC 9110 §14, §15.3.7): stored 206s, ranges
 * served from them, a stored prefix completed with a request for the rest, and the shared Redis tier.
 * The origin is a real node:http server that honours Range and If-Range itself and records every request.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, post, rawRequest } from '../support/http';
import { Origin, RecordedRequest, startOrigin } from '../support/origin';
import { eventually } from '../support/ports';
import { Running, startApp, startRedis, stopAll } from '../support/processes';

type App = Running & { port: number; url: string };

const SIZE = 300 * 1024;
const sha256 = (bytes: Buffer) => crypto.createHash('sha256').update(bytes).digest('hex');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One representation the origin serves at a path. */
interface Resource {
  body: Buffer;
  etag: string;
  cacheControl: string;
  /** How the origin misbehaves on a request for the rest of the body: ignore If-Range, or claim another complete length. */
  broken?: 'ignores-if-range' | 'other-length';
}

/** Bytes `first`..`last` of a `size`-byte body for a single `bytes=` range, undefined when not one we honour. */
function byteRange(range: string, size: number): { first: number; last: number } | 'unsatisfiable' | undefined {
  const match = /^bytes=(\d*)-(\d*)$/.exec(range);
  if (match === null || (match[1] === '' && match[2] === '')) return undefined;
  if (match[1] === '') return { first: Math.max(0, size - Number(match[2])), last: size - 1 };
  const first = Number(match[1]);
  if (first >= size) return 'unsatisfiable';
  return { first, last: match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1) };
}

/** An origin that answers ranges itself (single ranges, If-Range with a strong ETag), per path. */
function rangeOrigin() {
  const resources = new Map<string, Resource>();
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const path = new URL(req.url!, 'http://origin').pathname;
    const send = (status: number, headers: http.OutgoingHttpHeaders, body: Buffer) => {
      res.writeHead(status, { 'content-length': body.length, ...headers });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (path === '/unknown-length') return send(206, { 'content-range': 'bytes 0-99/*', 'cache-control': 'max-age=60', etag: '"u"' }, Buffer.alloc(100, 1));
    if (path === '/multipart') {
      const body = Buffer.from('--B\r\nContent-Range: bytes 0-0/10\r\n\r\na\r\n--B\r\nContent-Range: bytes 5-5/10\r\n\r\nf\r\n--B--\r\n');
      return send(206, { 'content-type': 'multipart/byteranges; boundary=B', 'cache-control': 'max-age=60', etag: '"m"' }, body);
    }
    const resource = resources.get(path);
    if (resource === undefined) return send(200, { 'cache-control': 'max-age=60' }, Buffer.from('ok'));
    const { body, etag } = resource;
    const headers = { etag, 'cache-control': resource.cacheControl, 'accept-ranges': 'bytes', 'content-type': 'application/octet-stream' };
    if (req.headers['if-none-match'] === etag) return send(304, { etag, 'cache-control': resource.cacheControl }, Buffer.alloc(0));
    const ifRange = req.headers['if-range'];
    const ifRangeHolds = ifRange === undefined || ifRange === etag || resource.broken === 'ignores-if-range';
    const range = typeof req.headers.range === 'string' && ifRangeHolds ? byteRange(req.headers.range, body.length) : undefined;
    if (range === undefined) return send(200, headers, body);
    if (range === 'unsatisfiable') return send(416, { 'content-range': `bytes */${body.length}` }, Buffer.alloc(0));
    const completeLength = resource.broken === 'other-length' && ifRange !== undefined ? body.length + 10 : body.length;
    send(206, { ...headers, 'content-range': `bytes ${range.first}-${range.last}/${completeLength}` }, body.subarray(range.first, range.last + 1));
  };
  return { handler, resources };
}

/** A GET or HEAD through node:http with exactly these headers. */
const fetchRaw = (url: string, headers: Record<string, string> = {}, method = 'GET') => rawRequest(url, { method, headers });

describe('partial content in the cache', () => {
  let origin: Origin;
  let redis: Running & { url: string };
  let edge: App;
  let second: App;
  const { handler, resources } = rangeOrigin();
  let nextPath = 0;

  /** A new path on the origin holding `body` (fresh random bytes by default), so every test starts with nothing stored. */
  function resource(options: Partial<Resource> = {}): { path: string; body: Buffer; seen: () => RecordedRequest[] } {
    const path = `/file-${++nextPath}`;
    const body = options.body ?? crypto.randomBytes(SIZE);
    resources.set(path, { body, etag: `"v${nextPath}"`, cacheControl: 'max-age=60', ...options });
    return { path, body, seen: () => origin.requests.filter((r) => r.url === path) };
  }

  async function startEdge(extra: string[] = []): Promise<App> {
    const app = await startApp('allInOne', ['--cache-time', '0', '--cache-redis-url', redis.url, '--log-level', 'DEBUG', ...extra]);
    await post(`${app.url}/register_node`, { id: 'node1', url: origin.url, location: 'Beijing', capacity: 100 });
    await eventually(async () => (await get(`${app.url}/cdn/ping`)).status === 200);
    return app;
  }

  beforeAll(async () => {
    origin = await startOrigin('origin', handler);
    redis = await startRedis();
    [edge, second] = await Promise.all([startEdge(), startEdge()]);
  });

  afterAll(async () => {
    await stopAll();
    await origin.close();
  });

  it('RFC 9111 §3.3: a 206 with Content-Range bytes a-b/N is stored, and a range inside it is then a HIT without asking the origin', async () => {
    const { path, body, seen } = resource();
    const first = await fetchRaw(`${edge.url}/cdn${path}`, { range: 'bytes=0-99999' });
    expect(first.status).toBe(206);
    expect(first.headers['x-cache']).toBe('MISS');

    const hit = await fetchRaw(`${edge.url}/cdn${path}`, { range: 'bytes=1000-1999' });
    expect(hit.status).toBe(206);
    expect(hit.headers['x-cache']).toBe('HIT');
    expect(hit.headers['content-range']).toBe(`bytes 1000-1999/${SIZE}`);
    expect(hit.headers['content-length']).toBe('1000');
    expect(hit.headers.age).toMatch(/^\d+$/);
    expect(hit.body.equals(body.subarray(1000, 2000))).toBe(true);
    expect(seen().map((r) => r.headers.range)).toEqual(['bytes=0-99999']);
    const metrics = (await get(`${edge.url}/metrics`)).text;
    expect(metrics).toMatch(/cdn_edge_cache_partial_total\{result="stored"\} [1-9]/);
    expect(metrics).toMatch(/cdn_edge_cache_partial_total\{result="served"\} [1-9]/);
  });

  it('RFC 9110 §14.2: a suffix range inside a stored partial entry is answered from it with its position in the whole', async () => {
    const { path, body, seen } = resource();
    await fetchRaw(`${edge.url}/cdn${path}`, { range: `bytes=${SIZE - 5000}-` });
    const hit = await fetchRaw(`${edge.url}/cdn${path}`, { range: 'bytes=-100' });
    expect(hit.status).toBe(206);
    expect(hit.headers['x-cache']).toBe('HIT');
    expect(hit.headers['content-range']).toBe(`bytes ${SIZE - 100}-${SIZE - 1}/${SIZE}`);
    expect(hit.body.equals(body.subarray(SIZE - 100))).toBe(true);
    expect(seen()).toHaveLength(1);
  });

  it('RFC 9111 §3.3: a range not inside the stored bytes is never answered from the partial entry: the origin is asked for it', async () => {
    const { path, body, seen } = resource();
    await fetchRaw(`${edge.url}/cdn${path}`, { range: 'bytes=0-999' });
    const beyond = await fetchRaw(`${edge.url}/cdn${path}`, { range: 'bytes=500-1499' });
    expect(beyond.status).toBe(206);
    expect(beyond.headers['x-cache']).toBe('MISS');
    expect(beyond.headers['content-range']).toBe(`bytes 500-1499/${SIZE}`);
    expect(beyond.body.equals(body.subarray(500, 1500))).toBe(true);
    expect(seen().map((r) => r.headers.range)).toEqual(['bytes=0-999', 'bytes=500-1499']);
  });

  it('RFC 9111 §3.3: a GET for the whole object is never answered with a stored range that does not start at byte 0', async () => {
    const { path, body, seen } = resource();
    await fetchRaw(`${edge.url}/cdn${path}`, { range: 'bytes=1000-1999' });
    const whole = await fetchRaw(`${edge.url}/cdn${path}`);
    expect(whole.status).toBe(200);
    expect(whole.headers['content-range']).toBeUndefined();
    expect(sha256(whole.body)).toBe(sha256(body));
    expect(seen().map((r) => r.headers.range)).toEqual(['bytes=1000-1999', undefined]);
  });

  it('RFC 9110 §13.1.5: a Range request whose If-Range does not match the stored ETag is not answered from the partial entry', async () => {
    const { path, body, seen } = resource();
    await fetchRaw(`${edge.url}/cdn${path}`, { range: 'bytes=0-999' });
    const answer = await fetchRaw(`${edge.url}/cdn${path}`, { range: 'bytes=0-99', 'if-range': '"another"' });
    expect(answer.status).toBe(200);
    expect(sha256(answer.body)).toBe(sha256(body));
    expect(seen()).toHaveLength(2);
    expect(seen()[1].headers['if-range']).toBe('"another"');
  });

  it('RFC 9110 §9.3.2: HEAD with a Range inside a partial entry gets the 206 headers from the cache and no body', async () => {
    const { path, seen } = resource();
    await fetchRaw(`${edge.url}/cdn${path}`, { range: 'bytes=0-999' });
    const head = await fetchRaw(`${edge.url}/cdn${path}`, { range: 'bytes=10-19' }, 'HEAD');
    expect(head.status).toBe(206);
    expect(head.headers['x-cache']).toBe('HIT');
    expect(head.headers['content-range']).toBe(`bytes 10-19/${SIZE}`);
    expect(head.headers['content-length']).toBe('10');
    expect(head.body).toHaveLength(0);
    expect(seen()).toHaveLength(1);
  });

  it('RFC 9110 §13.1.2: If-None-Match with a Range inside a fresh partial entry gets a 304 from the cache', async () => {
    const { path, seen } = resource();
    await fetchRaw(`${edge.url}/cdn${path}`, { range: 'bytes=0-999' });
    const etag = resources.get(path)!.etag;
    const answer = await fetchRaw(`${edge.url}/cdn${path}`, { range: 'bytes=0-9', 'if-none-match': etag });
    expect(answer.status).toBe(304);
    expect(answer.headers['x-cache']).toBe('HIT');
    expect(answer.headers.etag).toBe(etag);
    expect(seen()).toHaveLength(1);
  });

  it('RFC 9111 §4.3.4: a stale partial entry is revalidated with its ETag, and the 304 lets it answer the range', async () => {
    const { path, body, seen } = resource({ cacheControl: 'max-age=1' });
    await fetchRaw(`${edge.url}/cdn${path}`, { range: 'bytes=0-999' });
    await sleep(2_100);
    const answer = await fetchRaw(`${edge.url}/cdn${path}`, { range: 'bytes=100-199' });
    expect(answer.status).toBe(206);
    expect(answer.headers['x-cache']).toBe('REVALIDATED');
    expect(answer.body.equals(body.subarray(100, 200))).toBe(true);
    expect(seen()[1].headers['if-none-match']).toBe(resources.get(path)!.etag);
  });

  it('RFC 9111 §3.4: a GET for the whole object asks the origin only for bytes=<k>- after a stored prefix, and then serves the whole from the cache', async () => {
    const { path, body, seen } = resource();
    await fetchRaw(`${edge.url}/cdn${path}`, { range: 'bytes=0-65535' });

    const whole = await fetchRaw(`${edge.url}/cdn${path}`);
    expect(whole.status).toBe(200);
    expect(whole.headers['content-length']).toBe(String(SIZE));
    expect(whole.headers['content-range']).toBeUndefined();
    expect(sha256(whole.body)).toBe(sha256(body));
    expect(seen()[1].headers.range).toBe('bytes=65536-');
    expect(seen()[1].headers['if-range']).toBe(resources.get(path)!.etag);

    const again = await fetchRaw(`${edge.url}/cdn${path}`);
    expect(again.headers['x-cache']).toBe('HIT');
    expect(sha256(again.body)).toBe(sha256(body));
    const tail = await fetchRaw(`${edge.url}/cdn${path}`, { range: 'bytes=200000-200099' });
    expect(tail.headers['x-cache']).toBe('HIT');
    expect(tail.body.equals(body.subarray(200000, 200100))).toBe(true);
    expect(seen()).toHaveLength(2);
    await eventually(async () => /cdn_edge_cache_partial_total\{result="completed"\} [1-9]/.test((await get(`${edge.url}/metrics`)).text));
    await eventually(async () => edge.output.includes(`Completed the stored bytes 0-65535 of /cdn${path}`));
  });

  it('RFC 9111 §3.4: when the ETag changed, the completion is not spliced: the new representation is served whole and replaces the prefix', async () => {
    const { path, seen } = resource();
    await fetchRaw(`${edge.url}/cdn${path}`, { range: 'bytes=0-65535' });
    const changed = crypto.randomBytes(SIZE);
    resources.set(path, { body: changed, etag: '"changed"', cacheControl: 'max-age=60' });

    const whole = await fetchRaw(`${edge.url}/cdn${path}`);
    expect(whole.status).toBe(200);
    expect(sha256(whole.body)).toBe(sha256(changed));
    expect(whole.headers.etag).toBe('"changed"');
    expect(seen()[1].headers.range).toBe('bytes=65536-');
    const again = await fetchRaw(`${edge.url}/cdn${path}`);
    expect(again.headers['x-cache']).toBe('HIT');
    expect(sha256(again.body)).toBe(sha256(changed));
    expect(seen()).toHaveLength(2);
  });

  it('RFC 9111 §3.4: a 206 with another ETag (If-Range ignored) is not combined: the edge fetches the whole object instead', async () => {
    const { path, seen } = resource({ broken: 'ignores-if-range' });
    await fetchRaw(`${edge.url}/cdn${path}`, { range: 'bytes=0-65535' });
    const changed = crypto.randomBytes(SIZE);
    resources.set(path, { body: changed, etag: '"changed"', cacheControl: 'max-age=60', broken: 'ignores-if-range' });

    const whole = await fetchRaw(`${edge.url}/cdn${path}`);
    expect(whole.status).toBe(200);
    expect(sha256(whole.body)).toBe(sha256(changed));
    expect(seen().map((r) => r.headers.range)).toEqual(['bytes=0-65535', 'bytes=65536-', undefined]);
    await eventually(async () => edge.output.includes(`Did not complete the stored bytes 0-65535 of /cdn${path}`));
  });

  it('RFC 9111 §3.4: a 206 that names another complete length is not combined: the edge fetches the whole object instead', async () => {
    const { path, body, seen } = resource({ broken: 'other-length' });
    await fetchRaw(`${edge.url}/cdn${path}`, { range: 'bytes=0-65535' });
    const whole = await fetchRaw(`${edge.url}/cdn${path}`);
    expect(whole.status).toBe(200);
    expect(whole.headers['content-length']).toBe(String(SIZE));
    expect(sha256(whole.body)).toBe(sha256(body));
    expect(seen().map((r) => r.headers.range)).toEqual(['bytes=0-65535', 'bytes=65536-', undefined]);
    expect((await fetchRaw(`${edge.url}/cdn${path}`)).headers['x-cache']).toBe('HIT');
  });

  it('RFC 9111 §3.4: a 206 adjacent to a stored range of the same representation extends it, so a range across both is a HIT', async () => {
    const { path, body, seen } = resource();
    await fetchRaw(`${edge.url}/cdn${path}`, { range: 'bytes=0-999' });
    await fetchRaw(`${edge.url}/cdn${path}`, { range: 'bytes=1000-1999' });
    const across = await fetchRaw(`${edge.url}/cdn${path}`, { range: 'bytes=500-1499' });
    expect(across.headers['x-cache']).toBe('HIT');
    expect(across.body.equals(body.subarray(500, 1500))).toBe(true);
    expect(seen()).toHaveLength(2);
  });

  it.each([
    ['an unknown complete length (bytes 0-99/*)', '/unknown-length', {}],
    ['multipart/byteranges', '/multipart', { range: 'bytes=0-0,5-5' }],
  ])('RFC 9111 §3.3: a 206 with %s is relayed but not stored', async (_name, path, headers) => {
    const before = origin.requests.filter((r) => r.url === path).length;
    const first = await fetchRaw(`${edge.url}/cdn${path}`, headers);
    const second = await fetchRaw(`${edge.url}/cdn${path}`, headers);
    expect(first.status).toBe(206);
    expect(second.status).toBe(206);
    expect(second.headers['x-cache']).toBe('MISS');
    expect(origin.requests.filter((r) => r.url === path).length - before).toBe(2);
  });

  describe('with --cache-max-object 64KiB', () => {
    let small: App;
    beforeAll(async () => {
      small = await startEdge(['--cache-max-object', '64KiB']);
    });

    it('--cache-max-object: a 206 larger than the object limit streams through and is not stored', async () => {
      const { path, body, seen } = resource();
      const first = await fetchRaw(`${small.url}/cdn${path}`, { range: 'bytes=0-99999' });
      expect(first.body.equals(body.subarray(0, 100000))).toBe(true);
      const second = await fetchRaw(`${small.url}/cdn${path}`, { range: 'bytes=0-99' });
      expect(second.headers['x-cache']).toBe('MISS');
      expect(seen()).toHaveLength(2);
    });

    it('--cache-max-object: a stored prefix of an object larger than the limit is completed for the client, and the whole is not stored', async () => {
      const { path, body, seen } = resource();
      await fetchRaw(`${small.url}/cdn${path}`, { range: 'bytes=0-32767' });
      const whole = await fetchRaw(`${small.url}/cdn${path}`);
      expect(sha256(whole.body)).toBe(sha256(body));
      const again = await fetchRaw(`${small.url}/cdn${path}`);
      expect(again.headers['x-cache']).toBe('MISS');
      expect(sha256(again.body)).toBe(sha256(body));
      expect(seen().map((r) => r.headers.range)).toEqual(['bytes=0-32767', 'bytes=32768-', 'bytes=32768-']);
    });
  });

  describe('with the shared Redis tier', () => {
    it('RFC 9111 §3.3: another edge serves a range stored by the first from Redis, without asking the origin', async () => {
      const { path, body, seen } = resource();
      await fetchRaw(`${edge.url}/cdn${path}`, { range: 'bytes=0-99999' });
      // The write to Redis is not awaited by the answer.
      await sleep(300);
      const hit = await fetchRaw(`${second.url}/cdn${path}`, { range: 'bytes=5000-5999' });
      expect(hit.status).toBe(206);
      expect(hit.headers['x-cache']).toBe('HIT');
      expect(hit.headers['content-range']).toBe(`bytes 5000-5999/${SIZE}`);
      expect(hit.body.equals(body.subarray(5000, 6000))).toBe(true);
      expect(seen()).toHaveLength(1);
    });

    it('RFC 9111 §3.4: an edge started later, with nothing in memory, completes the prefix it finds in Redis with bytes=<k>-', async () => {
      const { path, body, seen } = resource();
      await fetchRaw(`${edge.url}/cdn${path}`, { range: 'bytes=0-65535' });
      const later = await startEdge();
      const whole = await fetchRaw(`${later.url}/cdn${path}`);
      expect(whole.status).toBe(200);
      expect(sha256(whole.body)).toBe(sha256(body));
      expect(seen().map((r) => r.headers.range)).toEqual(['bytes=0-65535', 'bytes=65536-']);
      await later.stop();
    });
  });
});
