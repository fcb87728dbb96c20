/**
 * Issue 8: anyone who could reach the admin API could take over the CDN. With tokens configured, every
 * admin request needs one; viewers only read; nodes hold a token of their own that only heartbeats.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, LEVEL, messages, NODE1, NODE2, RunningControlPlane, startControlPlane, tempDir } from './testing/start-control-plane';

const ADMIN = 'admin-token-0123456789abcdef';
const ADMIN_NEXT = 'admin-token-next-0123456789';
const VIEWER = 'viewer-token-0123456789abcdef';

const running: RunningControlPlane[] = [];
async function start(options: Parameters<typeof startControlPlane>[0] = {}) {
  const cp = await startControlPlane({ ...options, config: { adminTokens: [ADMIN, ADMIN_NEXT], viewerTokens: [VIEWER], ...options.config } });
  running.push(cp);
  return cp;
}
afterEach(async () => {
  await Promise.all(running.splice(0).map((cp) => cp.close()));
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Registers a node as an admin; answers the node's token. */
async function register(cp: RunningControlPlane, node: object = NODE1): Promise<string> {
  const res = await cp.call('POST', '/register_node', JSON.stringify(node), bearer(ADMIN));
  expect(res.status).toBe(200);
  return res.body.node_token;
}

describe('admin tokens', () => {
  it('refuses to register a node without a token: 401 with WWW-Authenticate: Bearer', async () => {
    const cp = await start();
    const res = await cp.call('POST', '/register_node', JSON.stringify(NODE1));
    expect(res).toMatchObject({ status: 401, body: { error: 'unauthorized', message: expect.stringContaining('Authorization: Bearer') } });
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="cdn-admin"');
    expect((await cp.call('GET', '/nodes', undefined, bearer(ADMIN))).body.nodes).toEqual([]);
  });

  it('refuses a wrong token, and logs the refusal without the token', async () => {
    const cp = await start();
    const guess = 'admin-token-0123456789abcdeX';
    const res = await cp.call('DELETE', '/nodes/node1', undefined, bearer(guess));
    expect(res).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="cdn-admin", error="invalid_token"');
    expect(messages(cp.logs, LEVEL.warn)).toContain('Refused DELETE /nodes/node1 from 127.0.0.1: The bearer token is not valid (not an admin, viewer or node token); it may have been rotated. (401 invalid_token)');
    expect(JSON.stringify(cp.logs)).not.toContain(guess);
  });

  it('refuses Basic credentials and other schemes', async () => {
    const cp = await start();
    const res = await cp.call('GET', '/nodes', undefined, { authorization: `Basic ${Buffer.from(`admin:${ADMIN}`).toString('base64')}` });
    expect(res).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
  });

  it('takes every admin token given, so that one can be rotated at a time', async () => {
    const cp = await start();
    expect((await cp.call('POST', '/toggle_cache', undefined, bearer(ADMIN))).status).toBe(200);
    expect((await cp.call('POST', '/toggle_cache', undefined, bearer(ADMIN_NEXT))).status).toBe(200);
  });

  it('anyone can no longer toggle the cache, purge or deregister', async () => {
    const cp = await start();
    await register(cp);
    for (const [method, url, body] of [['POST', '/toggle_cache'], ['POST', '/cache/purge', '{"prefixes": ["/"]}'], ['DELETE', '/nodes/node1'], ['PATCH', '/nodes/node1', '{"state": "draining"}'], ['GET', '/nodes'], ['GET', '/edges']]) {
      expect((await cp.call(method!, url!, body)).status, `${method} ${url}`).toBe(401);
    }
    expect((await cp.call('GET', '/nodes/node1', undefined, bearer(ADMIN))).body).toMatchObject({ status: 'active' });
  });

  it('leaves /healthz, /readyz and /metrics open to probes and scrapers', async () => {
    const cp = await start();
    for (const url of ['/healthz', '/readyz', '/metrics']) expect((await cp.call('GET', url)).status, url).toBe(200);
  });

  it('does not tell an unknown path from a known one without a token', async () => {
    const cp = await start();
    expect((await cp.call('GET', '/secret-admin-page')).status).toBe(401);
    expect((await cp.call('GET', '/Healthz')).status).toBe(401);
  });

  it('counts refusals by reason and allowed requests by credential', async () => {
    const cp = await start();
    await cp.call('GET', '/nodes');
    await cp.call('DELETE', '/nodes/x', undefined, bearer(VIEWER));
    await cp.call('GET', '/nodes', undefined, bearer(VIEWER));
    const metrics = (await cp.call('GET', '/metrics')).body as string;
    expect(metrics).toContain('cdn_cp_admin_requests_denied_total{reason="missing_token"} 1');
    expect(metrics).toContain('cdn_cp_admin_requests_denied_total{reason="read_only"} 1');
    expect(metrics).toContain('cdn_cp_admin_requests_allowed_total{credential="viewer"} 1');
    expect(metrics).toContain('cdn_cp_admin_tokens{role="admin"} 2');
  });
});

describe('viewer tokens', () => {
  it('a viewer token reads nodes, edges and one node', async () => {
    const cp = await start();
    await register(cp);
    for (const url of ['/nodes', '/nodes/node1', '/edges']) expect((await cp.call('GET', url, undefined, bearer(VIEWER))).status, url).toBe(200);
  });

  it('a viewer token cannot deregister a node', async () => {
    const cp = await start();
    await register(cp);
    const res = await cp.call('DELETE', '/nodes/node1', undefined, bearer(VIEWER));
    expect(res).toMatchObject({ status: 403, body: { error: 'forbidden', message: expect.stringContaining('may only read') } });
    expect(res.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    expect((await cp.call('GET', '/nodes', undefined, bearer(VIEWER))).body.nodes).toHaveLength(1);
  });

  it('a viewer token cannot register a node, toggle the cache or purge', async () => {
    const cp = await start();
    expect((await cp.call('POST', '/register_node', JSON.stringify(NODE1), bearer(VIEWER))).status).toBe(403);
    expect((await cp.call('POST', '/toggle_cache', undefined, bearer(VIEWER))).status).toBe(403);
    expect((await cp.call('POST', '/cache/purge', '{"prefixes": ["/"]}', bearer(VIEWER))).status).toBe(403);
  });
});

describe('node tokens', () => {
  it('a new node gets a token of its own, kept only as a hash', async () => {
    const cp = await start();
    const res = await cp.call('POST', '/register_node', JSON.stringify(NODE1), bearer(ADMIN));
    expect(res.body).toEqual({ status: 'Node registered successfully', node_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    expect(res.headers.get('cache-control')).toBe('no-store');
    const token = res.body.node_token as string;
    const saved = fs.readFileSync(cp.file, 'utf8');
    expect(saved).not.toContain(token);
    expect(JSON.parse(saved).node1.token_sha256).toMatch(/^[0-9a-f]{64}$/);
    const shown = JSON.stringify([(await cp.call('GET', '/nodes', undefined, bearer(ADMIN))).body, (await cp.call('GET', '/nodes/node1', undefined, bearer(ADMIN))).body]);
    expect(shown).not.toContain(token);
    expect(shown).not.toContain('token');
    expect(JSON.stringify(cp.logs)).not.toContain(token);
    expect(messages(cp.logs, LEVEL.info)).toContain('Issued a token to node node1');
  });

  it('node1’s token heartbeats node1', async () => {
    const cp = await start();
    const token = await register(cp);
    expect(await cp.call('POST', '/heartbeat/node1', undefined, bearer(token))).toMatchObject({ status: 200, body: { status: 'Heartbeat received' } });
    expect(await cp.call('POST', '/heartbeat/node1', JSON.stringify({ current_load: 3 }), bearer(token))).toMatchObject({ status: 200 });
  });

  it('node1’s token cannot heartbeat node2', async () => {
    const cp = await start();
    const token1 = await register(cp, NODE1);
    await register(cp, NODE2);
    const res = await cp.call('POST', '/heartbeat/node2', undefined, bearer(token1));
    expect(res).toMatchObject({ status: 403, body: { error: 'forbidden', message: "This is node node1's token: it may only send node node1's heartbeats." } });
    expect(messages(cp.logs, LEVEL.warn).some((m) => m.startsWith('Refused POST /heartbeat/node2') && m.endsWith('(403 wrong_node)'))).toBe(true);
  });

  it('a node token cannot deregister its node, re-register it or read the node list', async () => {
    const cp = await start();
    const token = await register(cp);
    expect((await cp.call('DELETE', '/nodes/node1', undefined, bearer(token))).status).toBe(403);
    expect((await cp.call('POST', '/register_node', JSON.stringify({ ...NODE1, url: 'http://10.0.0.1' }), bearer(token))).status).toBe(403);
    expect((await cp.call('GET', '/nodes', undefined, bearer(token))).status).toBe(403);
    expect((await cp.call('GET', '/nodes/node1', undefined, bearer(ADMIN))).body.url).toBe(NODE1.url);
  });

  it('the manual’s bare heartbeat loop needs the node token once tokens are configured', async () => {
    const cp = await start();
    await register(cp);
    expect((await cp.call('POST', '/heartbeat/node1')).status).toBe(401);
  });

  it('an admin token heartbeats any node', async () => {
    const cp = await start();
    await register(cp);
    expect((await cp.call('POST', '/heartbeat/node1', undefined, bearer(ADMIN))).status).toBe(200);
  });

  it('re-registering an existing node keeps its token and answers without one', async () => {
    const cp = await start();
    const token = await register(cp);
    const again = await cp.call('POST', '/register_node', JSON.stringify({ ...NODE1, capacity: 300 }), bearer(ADMIN));
    expect(again.body).toEqual({ status: 'Node registered successfully' });
    expect((await cp.call('POST', '/heartbeat/node1', undefined, bearer(token))).status).toBe(200);
  });

  it('rotation: POST /nodes/<id>/token issues a new token and the old one stops working', async () => {
    const cp = await start();
    const old = await register(cp);
    const res = await cp.call('POST', '/nodes/node1/token', undefined, bearer(ADMIN));
    expect(res).toMatchObject({ status: 200, body: { status: 'Node token issued', id: 'node1', node_token: expect.any(String) } });
    expect(res.body.node_token).not.toBe(old);
    expect((await cp.call('POST', '/heartbeat/node1', undefined, bearer(old))).status).toBe(401);
    expect((await cp.call('POST', '/heartbeat/node1', undefined, bearer(res.body.node_token))).status).toBe(200);
    expect((await cp.call('POST', '/nodes/ghost/token', undefined, bearer(ADMIN))).status).toBe(404);
    expect((await cp.call('POST', '/nodes/node1/token', undefined, bearer(VIEWER))).status).toBe(403);
    expect((await cp.call('POST', '/nodes/node1/token', undefined, bearer(res.body.node_token))).status).toBe(403);
  });

  it('a deregistered node’s token no longer works', async () => {
    const cp = await start();
    const token = await register(cp);
    await cp.call('DELETE', '/nodes/node1', undefined, bearer(ADMIN));
    await register(cp, { ...NODE1 });
    expect((await cp.call('POST', '/heartbeat/node1', undefined, bearer(token))).status).toBe(401);
  });

  it('a node keeps its token across a restart', async () => {
    const dir = tempDir();
    const first = await start({ dir });
    const token = await register(first);
    await first.close();
    running.splice(running.indexOf(first), 1);
    const second = await start({ dir });
    expect((await second.call('POST', '/heartbeat/node1', undefined, bearer(token))).status).toBe(200);
  });

  it('a node registered before tokens were configured gets one at its next registration', async () => {
    const dir = tempDir();
    const open = await startControlPlane({ dir });
    await open.call('POST', '/register_node', JSON.stringify(NODE1));
    await open.close();
    const cp = await start({ dir });
    const token = await register(cp);
    expect(token).toEqual(expect.any(String));
    expect((await cp.call('POST', '/heartbeat/node1', undefined, bearer(token))).status).toBe(200);
  });
});

describe('token files', () => {
  it('takes admin tokens from --admin-token-file and follows a rotation without a restart', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'admin-tokens');
    fs.writeFileSync(file, 'file-token-one-0123456789\n');
    const cp = await start({ dir, config: { adminTokens: [], viewerTokens: [], adminTokenFile: file } });
    expect((await cp.call('GET', '/nodes', undefined, bearer('file-token-one-0123456789'))).status).toBe(200);
    fs.writeFileSync(file, 'file-token-two-0123456789\n');
    await eventually(async () => (await cp.call('GET', '/nodes', undefined, bearer('file-token-two-0123456789'))).status === 200, 8_000, 200);
    expect((await cp.call('GET', '/nodes', undefined, bearer('file-token-one-0123456789'))).status).toBe(401);
    expect(messages(cp.logs, LEVEL.info)).toContain(`Reloaded 1 token(s) from --admin-token-file ${file}`);
  });

  it('takes viewer tokens from --viewer-token-file', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'viewer-tokens');
    fs.writeFileSync(file, 'file-viewer-0123456789\n');
    const cp = await start({ dir, config: { viewerTokens: [], viewerTokenFile: file } });
    expect((await cp.call('GET', '/nodes', undefined, bearer('file-viewer-0123456789'))).status).toBe(200);
    expect((await cp.call('POST', '/toggle_cache', undefined, bearer('file-viewer-0123456789'))).status).toBe(403);
  });
});

describe('without tokens', () => {
  it('the admin API stays open as in the original manual, and registration answers no node_token', async () => {
    const cp = await startControlPlane();
    running.push(cp);
    expect((await cp.call('POST', '/register_node', JSON.stringify(NODE1))).body).toEqual({ status: 'Node registered successfully' });
    expect((await cp.call('POST', '/heartbeat/node1')).status).toBe(200);
    expect((await cp.call('DELETE', '/nodes/node1')).status).toBe(200);
    expect(JSON.parse(fs.readFileSync(cp.file, 'utf8'))).toEqual({});
  });
});
