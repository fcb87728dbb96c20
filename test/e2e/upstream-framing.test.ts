/**
 * Issue 13, item 8: a node that frames an answer wrongly (more bytes than its Content-Length, bytes after
 * the last chunk, bytes on an idle connection) must not hurt any other request. The node is a raw TCP
 * server that writes exactly the bytes it is told; requests go through the built all-in-one, whose edge
 * keeps its connections to the node alive (--workers default: one process, one pool).
 */
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { get, post, rawText } from '../support/http';
import { eventually } from '../support/ports';
import { Running, startApp, startRedis, stopAll } from '../support/processes';
import { plainAnswer, RawHandler, RawOrigin, RawRequest, startRawOrigin } from '../support/raw-origin';
import { metric } from '../support/metrics';

type App = Running & { port: number; url: string };

/** One request on a connection of its own, so that only the edge's pooled connections to the node are shared. */
const send = (app: App, path: string, method = 'GET', body?: string) => rawText(`${app.url}${path}`, { method, body, newConnection: true });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Requests the edge sent (the control plane's probes of /health are left out). */
const forwarded = (origin: RawOrigin): RawRequest[] => origin.requests.filter((r) => r.path !== '/health');
const requestFor = (origin: RawOrigin, path: string): RawRequest[] => origin.requests.filter((r) => r.path === path);

/** The all-in-one with no default TTL (and `args`), routing to `handler`'s node only; every other path gets a plain answer. */
async function setUp(handler: RawHandler, args: string[] = []): Promise<{ app: App; origin: RawOrigin }> {
  const origin = await startRawOrigin((request, socket) => {
    if (request.path === '/health' || request.path === '/ready') return void socket.write(plainAnswer('ok'));
    handler(request, socket);
  });
  const app = await startApp('allInOne', ['--cache-time', '0', '--log-level', 'DEBUG', ...args]);
  await post(`${app.url}/register_node`, { id: 'node1', url: origin.url, location: 'Beijing', capacity: 100 });
  await eventually(async () => (await get(`${app.url}/cdn/ready`)).status === 200);
  return { app, origin };
}

/** Answers `path` with a proper answer naming it, cacheable for a minute. */
const proper = (path: string) => plainAnswer(`answer to ${path}`, { 'Cache-Control': 'max-age=60' });

describe('a node that frames its answers wrongly (RFC 9112 §6.3, §9.3)', () => {
  let origin: RawOrigin | undefined;

  afterEach(async () => {
    await stopAll();
    await origin?.close();
    origin = undefined;
  });

  it('RFC 9112 §6.3: bytes past Content-Length are not the body: the client gets exactly Content-Length bytes and later requests on the pool all succeed', async () => {
    const set = await setUp((request, socket) => {
      if (request.path === '/excess') return void socket.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nCache-Control: no-store\r\n\r\n' + 'hello' + 'X'.repeat(15));
      socket.write(proper(request.path));
    });
    origin = set.origin;
    const first = await send(set.app, '/cdn/excess');
    expect(first).toMatchObject({ status: 200, body: 'hello', aborted: false });
    const later = [];
    for (let i = 1; i <= 4; i++) later.push(await send(set.app, `/cdn/after-${i}`));
    expect(later.map((a) => `${a.status} ${a.body}`)).toEqual([1, 2, 3, 4].map((i) => `200 answer to /after-${i}`));
    const bad = requestFor(set.origin, '/excess')[0];
    const after = forwarded(set.origin).filter((r) => r.path.startsWith('/after-'));
    // The later requests share one pooled connection, not the one the excess bytes were written on.
    expect(after.map((r) => r.path)).toEqual(['/after-1', '/after-2', '/after-3', '/after-4']);
    expect(new Set(after.map((r) => r.connection)).size).toBe(1);
    expect(after[0].connection).not.toBe(bad.connection);
    expect(await metric(set.app, 'cdn_edge_upstream_protocol_errors_total{node="node1",reason="excess_bytes"}')).toBe(1);
    expect(set.app.output).toMatch(/WARN.*Node node1 sent bytes past the end of its answer .*GET \/cdn\/excess got the answer up to its end, not stored/);
  });

  it('RFC 9112 §9.3: a pooled connection that receives bytes while idle is closed, not reused', async () => {
    const set = await setUp((request, socket) => {
      socket.write(proper(request.path));
      // The node's stray bytes come after its answer, once the edge has put the connection back in its pool.
      if (request.path === '/stray') setTimeout(() => socket.write('X'.repeat(15)), 50);
    });
    origin = set.origin;
    expect((await send(set.app, '/cdn/stray')).body).toBe('answer to /stray');
    await sleep(300);
    const later = [];
    for (let i = 1; i <= 3; i++) later.push(await send(set.app, `/cdn/after-${i}`));
    expect(later.map((a) => `${a.status} ${a.body}`)).toEqual([1, 2, 3].map((i) => `200 answer to /after-${i}`));
    const stray = requestFor(set.origin, '/stray')[0];
    const after = forwarded(set.origin).filter((r) => r.path.startsWith('/after-'));
    expect(new Set(after.map((r) => r.connection)).size).toBe(1);
    expect(after[0].connection).not.toBe(stray.connection);
    expect(await metric(set.app, 'cdn_edge_upstream_protocol_errors_total{node="node1",reason="bytes_while_idle"}')).toBe(1);
  });

  it('RFC 9112 §9.3: a request that meets the previous answer\'s excess bytes on a reused connection is sent again on a new connection to the same node, not counted against it', async () => {
    // The node writes its excess bytes late: they reach the edge just before its answer to the next request on that connection.
    const poisoned = new WeakSet<object>();
    const set = await setUp((request, socket) => {
      if (request.path.startsWith('/late-excess')) {
        poisoned.add(socket);
        return void socket.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nCache-Control: no-store\r\n\r\nhello');
      }
      const garbage = poisoned.has(socket) ? 'X'.repeat(15) : '';
      poisoned.delete(socket);
      socket.write(garbage + proper(request.path));
    });
    origin = set.origin;
    // Three times: passive health would eject a node after three failures in a row.
    const answers = [];
    for (let i = 1; i <= 3; i++) {
      answers.push(await send(set.app, `/cdn/late-excess-${i}`));
      answers.push(await send(set.app, `/cdn/next-${i}`));
    }
    expect(answers.map((a) => `${a.status} ${a.body}`)).toEqual([1, 2, 3].flatMap((i) => ['200 hello', `200 answer to /next-${i}`]));
    for (let i = 1; i <= 3; i++) {
      // Sent twice: on the connection the excess bytes were waiting on, then on a new one.
      const tries = requestFor(set.origin, `/next-${i}`);
      expect(tries).toHaveLength(2);
      expect(tries[0].connection).toBe(requestFor(set.origin, `/late-excess-${i}`)[0].connection);
      expect(tries[1].onConnection).toBe(1);
    }
    expect(await metric(set.app, 'cdn_edge_upstream_protocol_errors_total{node="node1",reason="garbage_on_reused_connection"}')).toBe(3);
    expect(await metric(set.app, 'cdn_edge_node_ejections_total')).toBe(0);
    expect((await get(`${set.app.url}/metrics`)).text).not.toMatch(/cdn_edge_upstream_errors_total\{node="node1"/);
  });

  it('RFC 9110 §9.2.2: a POST that meets an earlier answer\'s excess bytes on a reused connection is not sent twice', async () => {
    const poisoned = new WeakSet<object>();
    const set = await setUp((request, socket) => {
      if (request.path === '/late-excess') {
        poisoned.add(socket);
        return void socket.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nCache-Control: no-store\r\n\r\nhello');
      }
      const garbage = poisoned.has(socket) ? 'X'.repeat(15) : '';
      poisoned.delete(socket);
      socket.write(garbage + plainAnswer(`${request.method} ${request.path}`, { 'Cache-Control': 'no-store' }));
    });
    origin = set.origin;
    expect((await send(set.app, '/cdn/late-excess')).body).toBe('hello');
    // The node got the POST and may have acted on it: the edge cannot tell, so the client hears of the failure.
    expect((await send(set.app, '/cdn/order', 'POST', 'item=1')).status).toBe(502);
    expect(requestFor(set.origin, '/order')).toHaveLength(1);
    expect(await metric(set.app, 'cdn_edge_upstream_protocol_errors_total{node="node1",reason="garbage_on_reused_connection"}')).toBe(1);
    expect((await send(set.app, '/cdn/order', 'POST', 'item=2')).body).toBe('POST /order');
  });

  it('RFC 9112 §7.1: bytes after the last chunk of a chunked answer are discarded with the connection; the client gets the whole chunked body', async () => {
    const set = await setUp((request, socket) => {
      if (request.path === '/chunked') return void socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nCache-Control: no-store\r\n\r\n5\r\nhello\r\n0\r\n\r\nGARBAGE');
      socket.write(proper(request.path));
    });
    origin = set.origin;
    expect(await send(set.app, '/cdn/chunked')).toMatchObject({ status: 200, body: 'hello', aborted: false });
    const later = [];
    for (let i = 1; i <= 3; i++) later.push(await send(set.app, `/cdn/after-${i}`));
    expect(later.map((a) => `${a.status} ${a.body}`)).toEqual([1, 2, 3].map((i) => `200 answer to /after-${i}`));
    expect(requestFor(set.origin, '/after-1')[0].connection).not.toBe(requestFor(set.origin, '/chunked')[0].connection);
    expect(await metric(set.app, 'cdn_edge_upstream_protocol_errors_total{node="node1",reason="excess_bytes"}')).toBe(1);
  });

  it('RFC 9112 §6.3: an answer followed by excess bytes is not stored, in memory nor in the shared tier, even when it says it may be', async () => {
    const redis = await startRedis();
    const keys = () => spawnSync('redis-cli', ['-p', String(redis.port), '--scan', '--pattern', 'cdn:entry:*'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    const set = await setUp((request, socket) => {
      if (request.path === '/cacheable-excess') return void socket.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nCache-Control: max-age=60\r\n\r\n' + 'hello' + 'X'.repeat(15));
      socket.write(proper(request.path));
    }, ['--cache-redis-url', redis.url]);
    origin = set.origin;
    const first = await send(set.app, '/cdn/cacheable-excess');
    expect(first).toMatchObject({ status: 200, body: 'hello' });
    expect(first.headers['x-cache']).toBe('MISS');
    // A well-framed answer with the same headers is stored in both tiers: the test would see it if the rule were broken.
    await send(set.app, '/cdn/well-framed');
    await eventually(() => keys().some((key) => key.includes('/cdn/well-framed')), 5_000);
    expect((await send(set.app, '/cdn/well-framed')).headers['x-cache']).toBe('HIT');
    expect(keys().filter((key) => key.includes('cacheable-excess'))).toEqual([]);
    const second = await send(set.app, '/cdn/cacheable-excess');
    expect(second.headers['x-cache']).toBe('MISS');
    expect(requestFor(set.origin, '/cacheable-excess')).toHaveLength(2);
  });

  it('RFC 9112 §6.3: a node that closes before Content-Length bytes aborts the client\'s answer, which is not stored', async () => {
    const set = await setUp((request, socket) => {
      if (request.path === '/short') return void socket.end('HTTP/1.1 200 OK\r\nContent-Length: 20\r\nCache-Control: max-age=60\r\n\r\nhello');
      socket.write(proper(request.path));
    });
    origin = set.origin;
    const cut = await send(set.app, '/cdn/short');
    expect(cut).toMatchObject({ status: 200, body: 'hello', aborted: true });
    const again = await send(set.app, '/cdn/short');
    expect(again).toMatchObject({ aborted: true });
    expect(again.headers['x-cache']).toBe('MISS');
    expect(requestFor(set.origin, '/short')).toHaveLength(2);
    expect((await send(set.app, '/cdn/after')).body).toBe('answer to /after');
  });
});
