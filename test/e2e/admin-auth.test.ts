/**
 * Issue 8 on the all-in-one server (`npm start`), where the admin API shares the client port: anyone who
 * could send client traffic could register an internal service as a node and have every client served
 * its content from the cache. With admin tokens, that attack sequence fails without a token and the
 * same steps work for an operator who has one; nodes heartbeat with tokens of their own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, post, request } from '../support/http';
import { Origin, startOrigin } from '../support/origin';
import { Running, startApp, stopAll } from '../support/processes';

type App = Running & { port: number; url: string };

const ADMIN = 'e2e-admin-token-0123456789';
const ADMIN_NEXT = 'e2e-admin-token-next-0123456789';
const VIEWER = 'e2e-viewer-token-0123456789';
const auth = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

describe('admin API with --admin-token on the all-in-one server', () => {
  let app: App;
  let internal: Origin;
  let node2: Origin;

  beforeAll(async () => {
    // Stands for an internal service (a metadata endpoint, an admin console) reachable from the CDN host.
    internal = await startOrigin('internal-secret');
    node2 = await startOrigin('node2');
    app = await startApp('allInOne', ['--viewer-token', VIEWER, '--cache-time', '60'], { env: { CDN_ADMIN_TOKEN: `${ADMIN},${ADMIN_NEXT}` } });
  });

  afterAll(async () => {
    await stopAll();
    await internal.close();
    await node2.close();
  });

  const hijack = { id: 'node1', url: '', location: 'Beijing', capacity: 100 };

  it('the attack fails without a token: the internal service is never registered, fetched or cached', async () => {
    const register = await post(`${app.url}/register_node`, { ...hijack, url: internal.url });
    expect(register.status).toBe(401);
    expect(register.headers.get('www-authenticate')).toBe('Bearer realm="cdn-admin"');
    // The same from a browser page, as a cross-site text/plain form post.
    const form = await request(`${app.url}/register_node`, { method: 'POST', headers: { 'content-type': 'text/plain', origin: 'https://evil.example' }, body: JSON.stringify({ ...hijack, url: internal.url }) });
    expect(form.status).toBe(403);
    const served = await get(`${app.url}/cdn/secret.txt`);
    expect(served.status).toBe(503);
    expect(served.body).toMatchObject({ error: 'no_active_node' });
    expect(internal.requests.filter((r) => r.url.startsWith('/secret'))).toHaveLength(0);
    // Nor can anyone delete nodes, toggle the cache or purge.
    for (const [method, url] of [['DELETE', '/nodes/node1'], ['POST', '/toggle_cache'], ['GET', '/nodes']]) {
      expect((await request(`${app.url}${url}`, { method })).status, `${method} ${url}`).toBe(401);
    }
    expect((await post(`${app.url}/cache/purge`, { prefixes: ['/'] })).status).toBe(401);
  });

  it('the same steps work with the admin token, and the node gets a token of its own', async () => {
    const register = await post(`${app.url}/register_node`, { ...hijack, url: internal.url }, auth(ADMIN));
    expect(register.status).toBe(200);
    expect(register.body).toEqual({ status: 'Node registered successfully', node_token: expect.any(String) });
    const served = await get(`${app.url}/cdn/secret.txt`);
    expect(served.status).toBe(200);
    expect(served.body).toMatchObject({ origin: 'internal-secret', url: '/secret.txt' });
    // The client path needs no token: only the admin API does.
    expect(served.headers.get('x-cdn-node')).toBe('node1');
  });

  it('a node token heartbeats its node, and only its node', async () => {
    const token1 = (await post(`${app.url}/register_node`, { ...hijack, url: internal.url }, auth(ADMIN_NEXT))).body.node_token;
    expect(token1).toBeUndefined(); // an update keeps the token node1 already has
    const rotated = await post(`${app.url}/nodes/node1/token`, undefined, auth(ADMIN_NEXT));
    expect(rotated.status).toBe(200);
    const node1Token = rotated.body.node_token as string;
    const node2Token = (await post(`${app.url}/register_node`, { id: 'node2', url: node2.url, location: 'Shanghai', capacity: 50 }, auth(ADMIN))).body.node_token as string;

    expect((await post(`${app.url}/heartbeat/node1`, undefined, auth(node1Token))).body).toEqual({ status: 'Heartbeat received' });
    expect((await post(`${app.url}/heartbeat/node1`, { current_load: 2 }, auth(node1Token))).status).toBe(200);
    expect((await post(`${app.url}/heartbeat/node1`, undefined, auth(node2Token))).status).toBe(403);
    expect((await request(`${app.url}/nodes/node2`, { method: 'DELETE', ...auth(node2Token) })).status).toBe(403);
  });

  it('a viewer token reads the nodes and cannot deregister a node', async () => {
    const nodes = await get(`${app.url}/nodes`, auth(VIEWER));
    expect(nodes.status).toBe(200);
    expect(nodes.body.nodes.map((n: { id: string }) => n.id)).toEqual(['node1', 'node2']);
    expect(JSON.stringify(nodes.body)).not.toContain('token');
    expect((await request(`${app.url}/nodes/node2`, { method: 'DELETE', ...auth(VIEWER) })).status).toBe(403);
  });

  it('probes and metrics stay open, and count the refusals', async () => {
    expect((await get(`${app.url}/healthz`)).status).toBe(200);
    expect((await get(`${app.url}/readyz`)).status).toBe(200);
    const metrics = await get(`${app.url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.text).toMatch(/cdn_cp_admin_requests_denied_total\{reason="missing_token"\} \d+/);
    expect(metrics.text).toContain('cdn_cp_admin_requests_denied_total{reason="origin"} 1');
  });

  it('logs refusals without tokens', () => {
    expect(app.output).toContain('WARNING control-plane: Refused POST /register_node from 127.0.0.1:');
    for (const token of [ADMIN, ADMIN_NEXT, VIEWER]) expect(app.output).not.toContain(token);
  });
});
