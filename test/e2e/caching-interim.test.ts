/**
 * Issue 13, item 3: interim (1xx) answers of a node (102 Processing, 103 Early Hints) reach the clients
 * waiting for the final answer, are never stored, and leave nothing in the final answer. A real node:http
 * origin sends them with writeProcessing and writeEarlyHints; requests go through the built all-in-one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, post, rawText } from '../support/http';
import { Origin, startOrigin } from '../support/origin';
import { eventually } from '../support/ports';
import { Running, startApp, stopAll } from '../support/processes';
import { rawExchange } from '../support/raw-socket';
import { metric } from '../support/metrics';

type App = Running & { port: number; url: string };

const HINT = '</style.css>; rel=preload; as=style';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One request on a connection of its own, recording every 1xx answer before the final one. */
const send = (app: App, path: string, options: { method?: string; body?: string; headers?: Record<string, string> } = {}) => rawText(`${app.url}${path}`, { ...options, newConnection: true });

describe('interim answers from a node (RFC 9110 §15.2, RFC 8297)', () => {
  let app: App;
  let origin: Origin;
  const seen = (path: string) => origin.requests.filter((r) => r.url === path).length;

  beforeAll(async () => {
    origin = await startOrigin('origin', (req, res) => {
      req.resume();
      const path = req.url!;
      if (path === '/health') return void res.end('ok');
      if (path.startsWith('/hop')) {
        res.writeEarlyHints({ link: HINT, connection: 'x-private', 'x-private': 'secret', 'keep-alive': 'timeout=5', 'x-kept': 'yes' });
      } else if (path.startsWith('/processing')) {
        res.writeProcessing();
        res.writeEarlyHints({ link: HINT });
      } else if (path.startsWith('/continue')) {
        // An unsolicited 100: the edge's listener has answered the client's Expect already.
        res.writeContinue();
      } else {
        res.writeEarlyHints({ link: HINT });
      }
      // The final answer comes a while after the hints, as from an origin still rendering the page.
      setTimeout(() => {
        const cacheControl = req.method === 'POST' || path.includes('nostore') ? 'no-store' : path.includes('swr') ? 'max-age=1, stale-while-revalidate=30' : 'max-age=60';
        res.writeHead(req.method === 'POST' ? 201 : 200, { 'content-type': 'text/plain', 'cache-control': cacheControl });
        res.end(`page ${path}`);
      }, path.includes('slow') ? 600 : 100);
    });
    app = await startApp('allInOne', ['--cache-time', '0', '--log-level', 'DEBUG']);
    await post(`${app.url}/register_node`, { id: 'node1', url: origin.url, location: 'Beijing', capacity: 100 });
    await eventually(async () => (await get(`${app.url}/cdn/ready`)).status === 200);
  });

  afterAll(async () => {
    await stopAll();
    await origin.close();
  });

  it('RFC 8297 §2: a 103 Early Hints reaches the client of a cache miss before the final answer, which is stored without the hint', async () => {
    const miss = await send(app, '/cdn/stored');
    expect(miss.interims).toEqual([{ status: 103, headers: { link: HINT } }]);
    expect(miss).toMatchObject({ status: 200, body: 'page /stored' });
    expect(miss.headers['x-cache']).toBe('MISS');
    // The hint's fields belong to the 103 only (RFC 8297 §2): the final answer has no Link, stored or not.
    expect(miss.headers.link).toBeUndefined();
    const hit = await send(app, '/cdn/stored');
    expect(hit.headers['x-cache']).toBe('HIT');
    expect(hit.interims).toEqual([]);
    expect(hit.headers.link).toBeUndefined();
    expect(hit.body).toBe('page /stored');
    expect(seen('/stored')).toBe(1);
    expect(app.output).toMatch(/Passed 103 from node1 for GET \/cdn\/stored on to 1 client\(s\)/);
  });

  it('RFC 9110 §15.2: 102 Processing and 103 Early Hints pass through, in order, before the answer to a POST', async () => {
    const before = await metric(app, 'cdn_edge_interim_responses_total{status="102"}');
    const answer = await send(app, '/cdn/processing-order', { method: 'POST', body: 'item=1' });
    expect(answer.interims.map((i) => i.status)).toEqual([102, 103]);
    expect(answer.interims[1].headers.link).toBe(HINT);
    expect(answer).toMatchObject({ status: 201, body: 'page /processing-order' });
    expect(seen('/processing-order')).toBe(1);
    expect(await metric(app, 'cdn_edge_interim_responses_total{status="102"}')).toBe(before + 1);
  });

  it('RFC 9110 §15.2: a 103 passes through for an answer that may not be stored (no-store)', async () => {
    const first = await send(app, '/cdn/nostore-page');
    expect(first.interims).toEqual([{ status: 103, headers: { link: HINT } }]);
    expect(first.headers['cache-control']).toBe('no-store');
    const second = await send(app, '/cdn/nostore-page');
    expect(second.interims).toEqual([{ status: 103, headers: { link: HINT } }]);
    expect(seen('/nostore-page')).toBe(2);
  });

  it('RFC 8297 §2: clients coalesced on one fetch each get its hints, a client that joins after the 103 too', async () => {
    const first = send(app, '/cdn/slow-shared');
    // Joins once the node's 103 has been passed on, while the final answer is still awaited.
    await eventually(() => app.output.includes('Passed 103 from node1 for GET /cdn/slow-shared'), 2_000, 10);
    await sleep(50);
    const second = await send(app, '/cdn/slow-shared');
    const answers = [await first, second];
    for (const answer of answers) {
      expect(answer.interims).toEqual([{ status: 103, headers: { link: HINT } }]);
      expect(answer).toMatchObject({ status: 200, body: 'page /slow-shared' });
      expect(answer.headers.link).toBeUndefined();
    }
    expect(seen('/slow-shared')).toBe(1);
  });

  it('RFC 5861 §3: the 103 of a background refresh reaches nobody: the client got its stale answer already', async () => {
    expect((await send(app, '/cdn/swr-page')).interims).toHaveLength(1);
    await sleep(1_100);
    const stale = await send(app, '/cdn/swr-page');
    expect(stale.headers['x-cache']).toBe('STALE');
    expect(stale.interims).toEqual([]);
    await eventually(() => seen('/swr-page') === 2, 3_000);
    await eventually(() => app.output.includes('Dropped 103 from node1 for GET /cdn/swr-page: no HTTP/1.1 client waits'), 3_000);
  });

  it('RFC 9110 §15.2: an HTTP/1.0 client gets no interim answer, only the final one', async () => {
    const before = await metric(app, 'cdn_edge_interim_responses_total{status="103"}');
    const answer = await rawExchange(app.port, 'GET /cdn/old-client HTTP/1.0\r\nHost: edge\r\n\r\n', 3_000);
    expect(answer.text).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(answer.text).not.toMatch(/\b103\b|Early Hints/);
    expect(answer.body).toBe('page /old-client');
    // The node did send one: the edge got it and kept it from this client.
    expect(await metric(app, 'cdn_edge_interim_responses_total{status="103"}')).toBe(before + 1);
  });

  it('RFC 9110 §7.6.1: the hop-by-hop fields of a 103 are dropped, as those of a final answer', async () => {
    const answer = await send(app, '/cdn/hop');
    expect(answer.interims).toHaveLength(1);
    expect(answer.interims[0].headers).toEqual({ link: HINT, 'x-kept': 'yes' });
    expect(answer.status).toBe(200);
  });

  it('RFC 9110 §10.1.1: a client that expects 100-continue gets one 100 Continue, the edge\'s, and not the node\'s', async () => {
    const answer = await send(app, '/cdn/continue-upload', { method: 'POST', body: 'data', headers: { expect: '100-continue' } });
    expect(answer.interims.map((i) => i.status)).toEqual([100]);
    expect(answer).toMatchObject({ status: 201, body: 'page /continue-upload' });
    // The node is not asked to wait for a 100 Continue of its own.
    expect(origin.requests.find((r) => r.url === '/continue-upload')?.headers.expect).toBeUndefined();
  });
});
