/**
 * Slow, silent and malformed clients against the built programs (issue 8, holes 2 and 10): every listener
 * times out what does not move, bounds its connections, and answers what Node's parser refuses with JSON.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, post } from '../support/http';
import { Origin, startOrigin } from '../support/origin';
import { eventually, freePort, waitForPort } from '../support/ports';
import { APPS, Running, start, startApp, startNats, stopAll, tempDir } from '../support/processes';
import { KeepAliveClient, rawExchange, silentSocket } from '../support/raw-socket';
import { stalledDownload, throttledDownload } from '../support/slow-reader';

type App = Running & { port: number; url: string };

const BIG = Buffer.alloc(12 * 1024 * 1024, 'x');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function originHandler(req: http.IncomingMessage, res: http.ServerResponse): void {
  req.resume();
  if (req.url === '/big-stream') {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': BIG.length, 'cache-control': 'no-store' });
    return void res.end(BIG);
  }
  if (req.url === '/big-cached') {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': BIG.length, 'cache-control': 'max-age=600' });
    return void res.end(BIG);
  }
  req.on('end', () => res.end(`ok ${req.url}`));
}

async function closedCount(app: App, reason: string, prefix = 'cdn_edge_'): Promise<number> {
  const text = (await get(`${app.url}/metrics`)).text;
  const line = text.split('\n').find((l) => l.startsWith(`${prefix}connections_closed_total{listener="client",reason="${reason}"}`));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

async function withNode(app: App, origin: Origin): Promise<void> {
  await post(`${app.url}/register_node`, { id: 'node1', url: origin.url, location: 'Beijing', capacity: 100 });
  await eventually(async () => (await get(`${app.url}/cdn/ready`)).status === 200);
}

let origin: Origin;

beforeAll(async () => {
  origin = await startOrigin('origin', originHandler);
});

afterAll(async () => {
  await stopAll();
  await origin.close();
});

describe('timeouts on the all-in-one server', () => {
  let app: App;

  beforeAll(async () => {
    app = await startApp('allInOne', ['--header-timeout', '1', '--idle-timeout', '2', '--keepalive-timeout', '1', '--max-header-size', '2KiB', '--cache-max-object', '16MiB', '--log-level', 'DEBUG']);
    await withNode(app, origin);
  });

  it('a silent socket is closed after --header-timeout with 408 request_timeout', async () => {
    const answer = await rawExchange(app.port, '', 5_000);
    expect(answer.closedAfterMs).toBeGreaterThanOrEqual(900);
    expect(answer.closedAfterMs).toBeLessThan(2_500);
    expect(answer.status).toBe(408);
    expect(answer.headers.connection).toBe('close');
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'request_timeout' });
  });

  it('slow headers are cut at --header-timeout even while bytes keep coming', async () => {
    const answer = await rawExchange(
      app.port,
      (socket) => {
        socket.write('GET /cdn/slow-headers HTTP/1.1\r\nHost: x\r\n');
        const drip = setInterval(() => (socket.writable ? socket.write('X-Drip: 1\r\n') : clearInterval(drip)), 200);
        socket.on('close', () => clearInterval(drip));
      },
      5_000,
    );
    expect(answer.closedAfterMs).toBeLessThan(2_500);
    expect(answer.status).toBe(408);
  });

  it('a stalled request body is closed after --idle-timeout', async () => {
    const answer = await rawExchange(app.port, 'POST /cdn/upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nfirst bytes', 8_000);
    expect(answer.closedAfterMs).toBeGreaterThanOrEqual(1_900);
    expect(answer.closedAfterMs).toBeLessThan(4_500);
    expect(origin.requests.filter((r) => r.url === '/upload').every((r) => r.body.length < 1000)).toBe(true);
  });

  it('an idle keep-alive connection is closed after --keepalive-timeout', async () => {
    const client = await KeepAliveClient.connect(app.port);
    const started = Date.now();
    expect(await client.get('/cdn/keepalive')).toBe(200);
    await eventually(() => client.closed, 5_000);
    // Node adds one second to the keep-alive timeout, so a client told "timeout=1" never races it.
    expect(Date.now() - started).toBeLessThan(3_500);
  });

  it('an oversized header gets 431 JSON', async () => {
    const answer = await rawExchange(app.port, `GET /cdn/x HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(3000)}\r\n\r\n`, 5_000);
    expect(answer.status).toBe(431);
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(answer.headers.connection).toBe('close');
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'headers_too_large', message: expect.stringContaining('--max-header-size') });
  });

  it('a head just under --max-header-size is served', async () => {
    const answer = await rawExchange(app.port, `GET /cdn/under HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Big: ${'a'.repeat(1800)}\r\n\r\n`, 5_000);
    expect(answer.status).toBe(200);
  });

  it('a malformed request line gets 400 JSON', async () => {
    const answer = await rawExchange(app.port, 'GET /cdn/\x01 HTTP/1.1\r\nHost: x\r\n\r\n', 5_000);
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'bad_request' });
    expect(answer.closedAfterMs).toBeDefined();
  });

  it('a slow reader of a long streamed download is not cut while it keeps reading', async () => {
    // 12 MiB at 3 MiB/s: twice --idle-timeout, with the edge held back by the client the whole time.
    const download = await throttledDownload(`${app.url}/cdn/big-stream`, 3 * 1024 * 1024);
    expect(download).toMatchObject({ status: 200, bytes: BIG.length, complete: true });
    expect(download.durationMs).toBeGreaterThan(3_500);
  });

  it('a slow reader of a large cached object is not cut while it keeps reading', async () => {
    await throttledDownload(`${app.url}/cdn/big-cached`, 64 * 1024 * 1024);
    // A hit is one write of the whole body: only the kernel's progress in taking it shows the client is alive.
    const download = await throttledDownload(`${app.url}/cdn/big-cached`, 3 * 1024 * 1024);
    expect(download).toMatchObject({ status: 200, bytes: BIG.length, complete: true });
    expect(download.durationMs).toBeGreaterThan(3_500);
  });

  it('a client that stops reading a download is closed after --idle-timeout', async () => {
    const before = await closedCount(app, 'idle_timeout');
    const download = await stalledDownload(`${app.url}/cdn/big-stream`, 6_000);
    expect(download.status).toBe(200);
    expect(download.complete).toBe(false);
    expect(download.bytes).toBeLessThan(BIG.length);
    expect(await closedCount(app, 'idle_timeout')).toBeGreaterThan(before);
  });

  it('counts closes by reason in cdn_edge_connections_closed_total and logs them at DEBUG only', async () => {
    expect(await closedCount(app, 'header_timeout')).toBeGreaterThanOrEqual(2);
    expect(await closedCount(app, 'headers_too_large')).toBeGreaterThanOrEqual(1);
    expect(await closedCount(app, 'bad_request')).toBeGreaterThanOrEqual(1);
    expect(await closedCount(app, 'keepalive_timeout')).toBeGreaterThanOrEqual(1);
    expect(app.output).toMatch(/DEBUG .*Closed a client connection from \S+: headers_too_large/);
    expect(app.output).toMatch(/INFO .*Limits of the client listener: request heads within 1 s and 2048 bytes, idle connections closed after 2 s \(1 s between requests\), at most \d+ connections \(half the open-file limit of \d+\)/);
  });
});

describe('--max-connections', () => {
  let app: App;
  const clients: KeepAliveClient[] = [];

  beforeAll(async () => {
    app = await startApp('allInOne', ['--max-connections', '4', '--header-timeout', '30', '--idle-timeout', '60', '--keepalive-timeout', '1']);
    await withNode(app, origin);
    // The set-up requests' kept-alive connections count too: let them close (keep-alive 1 s, plus Node's 1 s).
    await sleep(2_500);
  });

  afterAll(() => {
    for (const client of clients.splice(0)) client.close();
  });

  it('with --max-connections N the N+1th connection is closed while existing ones keep working', async () => {
    for (let i = 0; i < 4; i++) clients.push(await KeepAliveClient.connect(app.port));
    for (const client of clients) expect(await client.get('/cdn/before')).toBe(200);

    const extra = await rawExchange(app.port, 'GET /cdn/extra HTTP/1.1\r\nHost: x\r\n\r\n', 3_000);
    expect(extra.closedAfterMs).toBeDefined();
    expect(extra.status).toBeUndefined();

    for (const client of clients) expect(await client.get('/cdn/after')).toBe(200);
    expect(app.output).toMatch(/WARN.* The client listener is full \(4 connections, --max-connections\): 1 new connections closed/);
    for (const client of clients.splice(0)) client.close();
  });

  it('a legitimate client takes the place of a silent socket when the listener is full', async () => {
    await sleep(200);
    const silent = await Promise.all([0, 1, 2, 3].map(() => silentSocket(app.port)));
    await sleep(200);
    for (let i = 0; i < 3; i++) {
      const answer = await rawExchange(app.port, `GET /cdn/legit-${i} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`, 3_000);
      expect(answer.status).toBe(200);
    }
    const metrics = (await get(`${app.url}/metrics`)).text;
    expect(metrics).toMatch(/cdn_edge_connections_closed_total\{listener="client",reason="evicted_silent"\} [1-9]/);
    expect(metrics).toMatch(/cdn_edge_connections_limit\{listener="client"\} 4/);
    for (const socket of silent) socket.destroy();
  });
});

describe('an open-file limit', () => {
  it('legitimate requests still succeed while an attacker holds 300 silent sockets under a 256-descriptor limit', async () => {
    const port = await freePort();
    // `ulimit -n` in sh sets the hard limit too, so Node cannot raise it at start-up.
    const app = start('sh', ['-c', 'ulimit -n 256 && exec "$0" "$@"', process.execPath, APPS.allInOne, '--host', '127.0.0.1', '--port', String(port), '--log-file', '-'], {
      cwd: tempDir(),
      name: 'all-in-one (256 files)',
    });
    await waitForPort(port);
    const url = `http://127.0.0.1:${port}`;
    await withNode(Object.assign(app, { port, url }), origin);
    // Logs are written asynchronously: the line may trail the start a little.
    await eventually(() => app.output.includes('at most 128 connections (half the open-file limit of 256)'), 5_000);

    const attacker = await Promise.all(Array.from({ length: 300 }, () => silentSocket(port).catch(() => undefined)));
    await sleep(300);
    const answers = [];
    for (let i = 0; i < 20; i++) answers.push((await get(`${url}/cdn/during-attack-${i}`)).status);
    expect(answers).toEqual(Array(20).fill(200));
    for (const socket of attacker) socket?.destroy();
  });
});

describe('the split programs', () => {
  let nats: Awaited<ReturnType<typeof startNats>>;

  beforeAll(async () => {
    nats = await startNats();
  });

  it.each([
    ['controlPlane', 'cdn_cp_'],
    ['edge', 'cdn_edge_'],
  ] as const)('the %s answers an oversized header with 431 JSON and closes a silent socket after --header-timeout', async (program, prefix) => {
    const app = await startApp(program, ['--nats-url', nats.url, '--header-timeout', '1', '--max-header-size', '1KiB']);
    const tooLarge = await rawExchange(app.port, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(2000)}\r\n\r\n`, 5_000);
    expect(tooLarge.status).toBe(431);
    expect(JSON.parse(tooLarge.body)).toMatchObject({ error: 'headers_too_large' });
    const silent = await rawExchange(app.port, '', 5_000);
    expect(silent.status).toBe(408);
    expect(silent.closedAfterMs).toBeLessThan(2_500);
    await eventually(async () => (await closedCount(app, 'header_timeout', prefix)) >= 1);
    await app.stop();
  });
});
