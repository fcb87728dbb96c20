/**
 * Issue 8, from a browser: a page on another site must not be able to drive the admin API, with or
 * without tokens. Browsers send `Origin` on such requests and can only send text/plain, form or
 * multipart bodies without asking first; the gate refuses both before anything happens.
 */
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { controlPlaneStarter, LEVEL, messages, NODE1 } from './testing/start-control-plane';

const ADMIN_UI = 'https://admin.example.com';
const ADMIN = 'admin-token-0123456789abcdef';

const start = controlPlaneStarter((options) => ({ ...options, config: { adminCorsOrigins: [ADMIN_UI], ...options.config } }));

/** A request sent exactly as given, with no header added (fetch() adds Content-Type to string bodies). */
function raw(url: string, method: string, headers: Record<string, string>, body?: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const registration = JSON.stringify({ ...NODE1, url: 'http://127.0.0.1:6379' });

describe('cross-site requests', () => {
  it('refuses a cross-site text/plain form post', async () => {
    const cp = await start();
    // <form enctype="text/plain" method="POST" action="http://cdn:5000/register_node"><input name='{"id":...,"x":"' value='"}'>
    const res = await raw(`${cp.url}/register_node`, 'POST', { 'content-type': 'text/plain', origin: 'https://evil.example' }, registration);
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body)).toMatchObject({ error: 'forbidden', message: expect.stringContaining('https://evil.example') });
    expect((await cp.call('GET', '/nodes')).body.nodes).toEqual([]);
    expect(messages(cp.logs, LEVEL.warn)).toContain('Refused POST /register_node from 127.0.0.1: Origin "https://evil.example" is not allowed by --admin-cors-origin (403 origin)');
  });

  it('refuses a text/plain body even when the browser left Origin out', async () => {
    const cp = await start();
    const res = await raw(`${cp.url}/register_node`, 'POST', { 'content-type': 'text/plain;charset=UTF-8' }, registration);
    expect(res.status).toBe(415);
    expect(JSON.parse(res.body)).toMatchObject({ error: 'unsupported_media_type', message: expect.stringContaining('Content-Type: application/json') });
    expect((await cp.call('GET', '/nodes')).body.nodes).toEqual([]);
  });

  it('refuses a cross-site form post to toggle the cache, before it acts', async () => {
    const cp = await start();
    const res = await raw(`${cp.url}/toggle_cache`, 'POST', { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' }, '');
    expect(res.status).toBe(403);
    expect((await cp.call('POST', '/toggle_cache')).body).toEqual({ status: 'Cache is now disabled' });
  });

  it('refuses a body sent with no Content-Type at all (fetch with a Blob, mode no-cors)', async () => {
    const cp = await start();
    expect((await raw(`${cp.url}/cache/purge`, 'POST', {}, '{"prefixes": ["/"]}')).status).toBe(415);
    expect((await raw(`${cp.url}/heartbeat/node1`, 'POST', {}, '{"current_load": 1}')).status).toBe(415);
  });

  it('refuses multipart and form bodies, and JSON look-alikes', async () => {
    const cp = await start();
    for (const type of ['multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'text/json', 'application/jsonp']) {
      expect((await raw(`${cp.url}/register_node`, 'POST', { 'content-type': type }, registration)).status, type).toBe(415);
    }
  });

  it('refuses a DNS-rebound page: its Origin names the very host it talks to', async () => {
    const cp = await start();
    const host = `rebind.example:${new URL(cp.url).port}`;
    const res = await raw(`${cp.url}/toggle_cache`, 'POST', { origin: `http://${host}`, host });
    expect(res.status).toBe(403);
  });

  it('refuses Origin: null (sandboxed frames, file:// pages)', async () => {
    const cp = await start();
    expect((await raw(`${cp.url}/nodes`, 'GET', { origin: 'null' })).status).toBe(403);
  });

  it('refuses every browser origin when no --admin-cors-origin is given', async () => {
    const cp = await start({ config: { adminCorsOrigins: [] } });
    expect((await raw(`${cp.url}/nodes`, 'GET', { origin: ADMIN_UI })).status).toBe(403);
  });
});

describe('scripts and curl', () => {
  it('accept a JSON body with a charset parameter', async () => {
    const cp = await start();
    expect((await raw(`${cp.url}/register_node`, 'POST', { 'content-type': 'application/json; charset=utf-8' }, JSON.stringify(NODE1))).status).toBe(200);
  });

  it('send the manual’s bodyless heartbeat and toggle_cache without a Content-Type (curl -X POST)', async () => {
    const cp = await start();
    await cp.call('POST', '/register_node', JSON.stringify(NODE1));
    expect((await raw(`${cp.url}/heartbeat/node1`, 'POST', {})).status).toBe(200);
    expect((await raw(`${cp.url}/toggle_cache`, 'POST', { 'content-length': '0' })).status).toBe(200);
    // curl -X POST -d '' sends a form type with an empty body: nothing to misread.
    expect((await raw(`${cp.url}/toggle_cache`, 'POST', { 'content-type': 'application/x-www-form-urlencoded' }, '')).status).toBe(200);
  });

  it('are unaffected: no Origin, no refusal and no CORS header', async () => {
    const cp = await start();
    const res = await raw(`${cp.url}/nodes`, 'GET', {});
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers.vary).toBe('Origin');
  });
});

describe('the dashboard, served by the admin API itself', () => {
  it('may post from its own address: no other site can have it as its origin', async () => {
    const cp = await start({ config: { adminCorsOrigins: [] } });
    const res = await raw(`${cp.url}/toggle_cache`, 'POST', { origin: cp.url, host: new URL(cp.url).host });
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('still needs a token: its address is not a credential', async () => {
    const cp = await start({ config: { adminTokens: [ADMIN] } });
    expect((await raw(`${cp.url}/toggle_cache`, 'POST', { origin: cp.url, host: new URL(cp.url).host })).status).toBe(401);
  });
});

describe('an allowed admin UI (--admin-cors-origin)', () => {
  it('gets its preflight answered with the methods and the Authorization and Content-Type headers', async () => {
    const cp = await start({ config: { adminTokens: [ADMIN] } });
    const res = await raw(`${cp.url}/register_node`, 'OPTIONS', { origin: ADMIN_UI, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' });
    expect(res.status).toBe(204);
    expect(res.headers).toMatchObject({
      'access-control-allow-origin': ADMIN_UI,
      'access-control-allow-methods': 'GET, HEAD, POST, PATCH, DELETE',
      'access-control-allow-headers': 'Authorization, Content-Type',
      'access-control-max-age': '600',
    });
    expect(res.headers.vary).toContain('Origin');
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('gets Access-Control-Allow-Origin on answers, refusals included, so that it can show them', async () => {
    const cp = await start({ config: { adminTokens: [ADMIN] } });
    const ok = await raw(`${cp.url}/register_node`, 'POST', { origin: ADMIN_UI, authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, JSON.stringify(NODE1));
    expect(ok.status).toBe(200);
    expect(ok.headers['access-control-allow-origin']).toBe(ADMIN_UI);
    expect(ok.headers.vary).toBe('Origin');
    const refused = await raw(`${cp.url}/nodes`, 'GET', { origin: ADMIN_UI });
    expect(refused.status).toBe(401);
    expect(refused.headers['access-control-allow-origin']).toBe(ADMIN_UI);
  });

  it('still needs a token: the origin is not a credential', async () => {
    const cp = await start({ config: { adminTokens: [ADMIN] } });
    expect((await raw(`${cp.url}/toggle_cache`, 'POST', { origin: ADMIN_UI })).status).toBe(401);
  });

  it('counts preflights and origin refusals', async () => {
    const cp = await start();
    await raw(`${cp.url}/nodes`, 'OPTIONS', { origin: ADMIN_UI, 'access-control-request-method': 'GET' });
    await raw(`${cp.url}/nodes`, 'GET', { origin: 'https://evil.example' });
    const metrics = (await cp.call('GET', '/metrics')).body as string;
    expect(metrics).toContain('cdn_cp_admin_cors_preflights_total 1');
    expect(metrics).toContain('cdn_cp_admin_requests_denied_total{reason="origin"} 1');
  });
});
