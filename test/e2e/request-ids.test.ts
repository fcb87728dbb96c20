/**
 * X-Request-Id, W3C trace context and the access line, on the built programs with a real origin that echoes
 * the headers it got: the all-in-one server (one process and --workers), and the split edge over NATS.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, post, rawGet } from '../support/http';
import { Origin, startOrigin } from '../support/origin';
import { eventually } from '../support/ports';
import { rawRequest } from '../support/raw-http';
import { Running, startApp, startNats, stopAll, tempDir } from '../support/processes';

type App = Running & { port: number; url: string };

const GENERATED = /^[0-9a-f]{16}-\d+$/;
const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const TRACESTATE = 'congo=t61rcWkgMzE,rojo=00f067aa0ba902b7';

/**
 * Answers with the headers it got as JSON and an X-Request-Id of its own; paths with "cached" may be kept by
 * the edge (with an ETag), the others not.
 */
function echoOrigin(): Promise<Origin> {
  return startOrigin('echo', (req, res) => {
    const body = JSON.stringify({ url: req.url, headers: req.headers });
    const cacheable = req.url!.includes('cached');
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      'x-request-id': 'set-by-the-node',
      'cache-control': cacheable ? 'public, max-age=300' : 'no-store',
      ...(cacheable ? { etag: '"v1"' } : {}),
    });
    res.end(body);
  });
}

let probes = 0;
const fresh = (p: string) => `${p}?probe=${++probes}`;

function logLines(file: string): Record<string, unknown>[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The JSON access line of the request with this id, once it is in the log. */
function accessLineOf(file: string, requestId: string): Promise<Record<string, unknown>> {
  return eventually(() => logLines(file).find((l) => l.msg === 'access' && l.request_id === requestId), 5_000) as Promise<Record<string, unknown>>;
}

/** What every place that serves /cdn must do with ids and trace context. */
function behavesOnRequestIds(context: () => { edge: App; origin: Origin; log: string }) {
  const edge = () => context().edge;
  const origin = () => context().origin;
  const log = () => context().log;

  it('makes an id when the client sends none, answers it, forwards it and logs it', async () => {
    const target = fresh('/cdn/echo');
    const answer = await get(`${edge().url}${target}`);
    expect(answer.status).toBe(200);
    const id = answer.headers.get('x-request-id')!;
    expect(id).toMatch(GENERATED);
    expect(answer.body.headers['x-request-id']).toBe(id);
    const line = await accessLineOf(log(), id);
    expect(line).toMatchObject({ level: 'INFO', name: 'edge-proxy', method: 'GET', path: target, status: 200, cache: 'MISS', node: 'node1', client: '127.0.0.1' });
    expect(line.bytes).toBe(Buffer.byteLength(answer.text));
    expect(typeof line.duration_ms).toBe('number');
    expect(Number.isNaN(Date.parse(line.time as string))).toBe(false);
    const forwarding = logLines(log()).find((l) => typeof l.msg === 'string' && l.msg.startsWith('Forwarding') && l.request_id === id);
    expect(forwarding).toMatchObject({ msg: `Forwarding GET ${target} to node1`, node: 'node1' });
  });

  it("keeps the client's usable id, and the node's own never replaces it", async () => {
    const answer = await get(`${edge().url}${fresh('/cdn/echo')}`, { headers: { 'X-Request-Id': 'client-id-42' } });
    expect(answer.headers.get('x-request-id')).toBe('client-id-42');
    expect(answer.body.headers['x-request-id']).toBe('client-id-42');
  });

  it.each([
    ['a space', 'two words'],
    ['129 characters', 'x'.repeat(129)],
    ['a non-ASCII character', 'caf\u00e9'],
  ])('replaces an id with %s by one of its own, for the node too', async (_, bad) => {
    const target = fresh('/cdn/echo');
    const answer = await new Promise<{ headers: http.IncomingHttpHeaders; body: any }>((resolve, reject) => {
      // fetch refuses non-ASCII header values: sent as latin1 bytes by http.get.
      http
        .get(`${edge().url}${target}`, { headers: { 'X-Request-Id': bad } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ headers: res.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
        })
        .on('error', reject);
    });
    const id = answer.headers['x-request-id'] as string;
    expect(id).toMatch(GENERATED);
    expect(answer.body.headers['x-request-id']).toBe(id);
    expect(origin().requests.some((r) => r.url.endsWith(target.slice('/cdn'.length)) && r.headers['x-request-id'] === id)).toBe(true);
  });

  it('counts the ids it replaced', async () => {
    const metrics = (await get(`${edge().url}/metrics`)).text;
    expect(Number(/^cdn_edge_request_ids_replaced_total (\d+)$/m.exec(metrics)?.[1])).toBe(3);
  });

  it('passes traceparent and tracestate to the node unchanged', async () => {
    const answer = await get(`${edge().url}${fresh('/cdn/echo')}`, { headers: { traceparent: TRACEPARENT, tracestate: TRACESTATE } });
    expect(answer.body.headers.traceparent).toBe(TRACEPARENT);
    expect(answer.body.headers.tracestate).toBe(TRACESTATE);
  });

  it("answers each hit and 304 with the client's own id, never the stored one or the node's", async () => {
    const target = fresh('/cdn/cached');
    const miss = await get(`${edge().url}${target}`, { headers: { 'X-Request-Id': 'first' } });
    expect(miss.headers.get('x-cache')).toBe('MISS');
    expect(miss.headers.get('x-request-id')).toBe('first');
    const hit = await get(`${edge().url}${target}`, { headers: { 'X-Request-Id': 'second' } });
    expect(hit.headers.get('x-cache')).toBe('HIT');
    expect(hit.headers.get('x-request-id')).toBe('second');
    const generated = await get(`${edge().url}${target}`);
    expect(generated.headers.get('x-cache')).toBe('HIT');
    expect(generated.headers.get('x-request-id')).toMatch(GENERATED);
    // Not fetch: it turns a conditional request into one that no cache may answer.
    const notModified = await rawGet(`${edge().url}${target}`, { 'X-Request-Id': 'third', 'If-None-Match': '"v1"' });
    expect(notModified.status).toBe(304);
    expect(notModified.headers['x-request-id']).toBe('third');
    expect((await accessLineOf(log(), 'second')).bytes).toBe(Buffer.byteLength(miss.text));
    expect(await accessLineOf(log(), 'third')).toMatchObject({ status: 304, cache: 'HIT', bytes: 0 });
  });

  it('answers an error with the id too', async () => {
    const answer = await get(`${edge().url}/cdn/bad/%zz`, { headers: { 'X-Request-Id': 'malformed' } });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('invalid_path');
    expect(answer.headers.get('x-request-id')).toBe('malformed');
    expect(await accessLineOf(log(), 'malformed')).toMatchObject({ status: 400, cache: 'BYPASS', node: null, bytes: Buffer.byteLength(answer.text) });
  });

  it('writes lines that parse as JSON whatever the path holds', async () => {
    // Node's parser takes no raw control or non-ASCII byte: quotes, backslashes, braces and encoded UTF-8 get through.
    const target = '/cdn/echo/q"uo\\te/{"x":1}/caf%C3%A9?a="\\"&b=%00';
    const { status } = await rawRequest(edge().port, `GET ${target} HTTP/1.1\r\nHost: x\r\nX-Request-Id: hostile-1\r\n\r\n`);
    const line = await accessLineOf(log(), 'hostile-1');
    expect(line.status).toBe(status);
    // A path the edge refuses (400) is logged as it came.
    if (status === 400) expect(line.path).toBe(target);
    else expect(line.path).toMatch(/^\/cdn\/echo\//);
    // Every line of the log parses (logLines throws on one that does not).
    expect(logLines(log()).length).toBeGreaterThan(0);
  });
}

async function registerNodes(controlPlaneUrl: string, origin: Origin): Promise<void> {
  await post(`${controlPlaneUrl}/register_node`, { id: 'node1', url: origin.url, location: 'Beijing', capacity: 100 });
}

/** The all-in-one with `args`, in a directory of its own, logging to `logName` there, routing to the echo origin as node1. */
async function allInOneWithEcho(args: string[], logName: string, readyWithinMs: number): Promise<{ app: App; origin: Origin; log: string }> {
  const origin = await echoOrigin();
  const dir = tempDir();
  const log = path.join(dir, logName);
  const app = await startApp('allInOne', [...args, '--log-file', log], { cwd: dir });
  await registerNodes(app.url, origin);
  await eventually(async () => (await get(`${app.url}/cdn/echo`)).status === 200, readyWithinMs);
  return { app, origin, log };
}

describe('request ids: all-in-one, --log-format json', () => {
  let app: App;
  let origin: Origin;
  let log: string;

  beforeAll(async () => {
    ({ app, origin, log } = await allInOneWithEcho(['--log-format', 'json'], 'cdn.log', 5_000));
  });

  afterAll(async () => {
    await stopAll();
    await origin.close();
  });

  behavesOnRequestIds(() => ({ edge: app, origin, log }));

  it('gives admin API answers an id: kept, or made, also on errors', async () => {
    const made = await get(`${app.url}/nodes`);
    expect(made.headers.get('x-request-id')).toMatch(GENERATED);
    const kept = await get(`${app.url}/nodes`, { headers: { 'X-Request-Id': 'admin-7' } });
    expect(kept.headers.get('x-request-id')).toBe('admin-7');
    const missing = await get(`${app.url}/no-such-endpoint`, { headers: { 'X-Request-Id': 'admin-8' } });
    expect(missing.status).toBe(404);
    expect(missing.body.error).toBe('not_found');
    expect(missing.headers.get('x-request-id')).toBe('admin-8');
    const invalid = await post(`${app.url}/register_node`, { id: 'x' }, { headers: { 'X-Request-Id': 'bad id' } });
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get('x-request-id')).toMatch(GENERATED);
  });
});

describe('request ids: admin API refusals', () => {
  afterAll(async () => {
    await stopAll();
  });

  it('a refused admin request is answered and logged with its id', async () => {
    const dir = tempDir();
    const log = path.join(dir, 'cdn.log');
    const app = await startApp('allInOne', ['--admin-token', 'a'.repeat(32), '--log-format', 'json', '--log-file', log], { cwd: dir });
    const refused = await get(`${app.url}/nodes`, { headers: { 'X-Request-Id': 'refused-1' } });
    expect(refused.status).toBe(401);
    expect(refused.body.error).toBe('unauthorized');
    expect(refused.headers.get('x-request-id')).toBe('refused-1');
    const line = await eventually(() => logLines(log).find((l) => l.level === 'WARNING' && l.request_id === 'refused-1'), 5_000);
    expect(line!.msg).toMatch(/^Refused GET \/nodes/);
  });
});

describe('request ids: all-in-one --workers 2, --log-format json', () => {
  let app: App;
  let origin: Origin;
  let log: string;

  beforeAll(async () => {
    ({ app, origin, log } = await allInOneWithEcho(['--workers', '2', '--log-format', 'json'], 'cdn.log', 10_000));
  });

  afterAll(async () => {
    await stopAll();
    await origin.close();
  });

  it('workers send JSON access lines with their fields, and their ids never collide', async () => {
    const answers = await Promise.all(Array.from({ length: 40 }, () => get(`${app.url}${fresh('/cdn/echo')}`)));
    const ids = answers.map((a) => a.headers.get('x-request-id')!);
    expect(new Set(ids).size).toBe(40);
    for (const id of ids) expect(id).toMatch(GENERATED);
    const lines = await Promise.all(ids.map((id) => accessLineOf(log, id)));
    for (const line of lines) expect(line).toMatchObject({ name: 'edge-proxy', method: 'GET', status: 200, cache: 'MISS', node: 'node1', client: '127.0.0.1' });
  });
});

describe('request ids: split edge over NATS, --log-format json', () => {
  let controlPlane: App;
  let edge: App;
  let origin: Origin;
  let log: string;

  beforeAll(async () => {
    origin = await echoOrigin();
    const nats = await startNats();
    const dir = tempDir();
    log = path.join(dir, 'edge.log');
    controlPlane = await startApp('controlPlane', ['--nats-url', nats.url]);
    edge = await startApp('edge', ['--nats-url', nats.url, '--edge-id', 'edge-a', '--log-format', 'json', '--log-file', log], { cwd: dir });
    await registerNodes(controlPlane.url, origin);
    await eventually(async () => (await get(`${edge.url}/cdn/echo`)).status === 200, 10_000);
  });

  afterAll(async () => {
    await stopAll();
    await origin.close();
  });

  behavesOnRequestIds(() => ({ edge, origin, log }));
});

describe('the text access line (--log-format text)', () => {
  let app: App;
  let origin: Origin;
  let log: string;

  beforeAll(async () => {
    ({ app, origin, log } = await allInOneWithEcho([], 'cdn_system.log', 5_000));
  });

  afterAll(async () => {
    await stopAll();
    await origin.close();
  });

  it("keeps the manual's form, without the request id, and awk $NF still reads the response time", async () => {
    await get(`${app.url}/cdn/cached-text`, { headers: { 'X-Request-Id': 'not-in-text' } });
    await get(`${app.url}/cdn/cached-text`, { headers: { 'X-Request-Id': 'not-in-text' } });
    const lines: string[] = await eventually(() => {
      const found = fs.readFileSync(log, 'utf8').split('\n').filter((l) => l.includes('/cdn/cached-text'));
      return found.length === 3 ? found : undefined;
    }, 5_000) as string[];
    const time = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z';
    expect(lines[0]).toMatch(new RegExp(`^${time} INFO    edge-proxy: Forwarding GET /cdn/cached-text to node1$`));
    expect(lines[1]).toMatch(new RegExp(`^${time} INFO    edge-proxy: GET /cdn/cached-text 200 MISS node1 response_time \\d+\\.\\d{3}$`));
    expect(lines[2]).toMatch(new RegExp(`^${time} INFO    edge-proxy: GET /cdn/cached-text 200 HIT node1 response_time \\d+\\.\\d{3}$`));
    expect(fs.readFileSync(log, 'utf8')).not.toContain('not-in-text');
  });
});
