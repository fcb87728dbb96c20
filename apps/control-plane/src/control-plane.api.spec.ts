import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LEVEL, messages, NODE1, NODE2, RunningControlPlane, startControlPlane } from './testing/start-control-plane';

let cp: RunningControlPlane;
beforeEach(async () => {
  cp = await startControlPlane();
});
afterEach(() => cp.close());

const JSON_HEADERS = { 'content-type': 'application/json' };

describe('the manual’s curl examples', () => {
  it('registers a node with -H "Content-Type: application/json"', async () => {
    const res = await cp.call('POST', '/register_node', JSON.stringify(NODE1), JSON_HEADERS);
    expect(res).toMatchObject({ status: 200, body: { status: 'Node registered successfully' } });
    expect(messages(cp.logs, LEVEL.info)).toContain('Node node1 registered: http://cdn1.example.com (Beijing, capacity 100)');
  });

  it('registers a node without heartbeat_interval (the troubleshooting example, which sends the JSON Content-Type too)', async () => {
    const { heartbeat_interval: _, ...minimal } = NODE1;
    const res = await cp.call('POST', '/register_node', JSON.stringify(minimal), { 'Content-Type': 'application/json' });
    expect(res.status).toBe(200);
    expect((await cp.call('GET', '/nodes/node1')).body).toMatchObject({ heartbeat_interval: 10 });
  });

  it('answers a heartbeat', async () => {
    await cp.call('POST', '/register_node', JSON.stringify(NODE1));
    expect(await cp.call('POST', '/heartbeat/node1')).toMatchObject({ status: 200, body: { status: 'Heartbeat received' } });
  });

  it('lists nodes in registration order with the seed’s fields (curl /nodes | jq)', async () => {
    await cp.call('POST', '/register_node', JSON.stringify(NODE2));
    await cp.call('POST', '/register_node', JSON.stringify(NODE1));
    const { status, body } = await cp.call('GET', '/nodes');
    expect(status).toBe(200);
    expect(body.nodes.map((n: { id: string }) => n.id)).toEqual(['node2', 'node1']);
    const node1 = body.nodes.find((n: { id: string }) => n.id === 'node1'); // jq '.nodes[] | select(.id=="node1")'
    expect(Object.keys(node1)).toEqual(['id', 'url', 'location', 'capacity', 'current_load', 'status', 'last_heartbeat']);
    expect(node1).toMatchObject({ url: 'http://cdn1.example.com', location: 'Beijing', capacity: 100, current_load: 0, status: 'active' });
    expect(Number.isNaN(Date.parse(node1.last_heartbeat))).toBe(false);
  });

  it('serves monitor.sh and alert.sh: active count, total and inactive ids', async () => {
    await cp.call('POST', '/register_node', JSON.stringify(NODE1));
    await cp.call('POST', '/register_node', JSON.stringify(NODE2));
    const { body } = await cp.call('GET', '/nodes');
    expect(body.nodes.filter((n: { status: string }) => n.status === 'active')).toHaveLength(2);
    expect(body.nodes).toHaveLength(2);
    expect(body.nodes.filter((n: { status: string }) => n.status === 'inactive')).toHaveLength(0);
  });

  it('toggles the cache off and on again', async () => {
    expect((await cp.call('POST', '/toggle_cache')).body).toEqual({ status: 'Cache is now disabled' });
    expect((await cp.call('POST', '/toggle_cache')).body).toEqual({ status: 'Cache is now enabled' });
  });
});

describe('registration errors', () => {
  it('names every bad or missing field', async () => {
    const res = await cp.call('POST', '/register_node', JSON.stringify({ url: 'ftp://x', capacity: -5 }));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: 'invalid_node',
      message: 'Invalid node registration: id is required; url must be an absolute http:// or https:// URL; location is required; capacity must be a positive number',
      fields: {
        id: 'is required',
        url: 'must be an absolute http:// or https:// URL',
        location: 'is required',
        capacity: 'must be a positive number',
      },
    });
  });

  it('answers invalid_json for a malformed body', async () => {
    const res = await cp.call('POST', '/register_node', '{"id": "node1",', JSON_HEADERS);
    expect(res).toMatchObject({ status: 400, body: { error: 'invalid_json', message: expect.stringContaining('not valid JSON') } });
  });

  it('answers payload_too_large past 64 KiB', async () => {
    const res = await cp.call('POST', '/register_node', JSON.stringify({ ...NODE1, location: 'x'.repeat(70_000) }));
    expect(res).toMatchObject({ status: 413, body: { error: 'payload_too_large' } });
  });

  it('updates an existing id in place', async () => {
    await cp.call('POST', '/register_node', JSON.stringify(NODE1));
    await cp.call('POST', '/register_node', JSON.stringify(NODE2));
    await cp.call('POST', '/register_node', JSON.stringify({ ...NODE1, url: 'https://cdn1b.example.com', capacity: 300, heartbeat_interval: 5 }));
    const { body } = await cp.call('GET', '/nodes');
    expect(body.nodes.map((n: { id: string }) => n.id)).toEqual(['node1', 'node2']);
    expect((await cp.call('GET', '/nodes/node1')).body).toMatchObject({ url: 'https://cdn1b.example.com', capacity: 300, heartbeat_interval: 5 });
    expect(messages(cp.logs, LEVEL.info)).toContain('Node node1 updated: https://cdn1b.example.com (Beijing, capacity 300)');
  });
});

describe('heartbeats, lookups and deregistration', () => {
  it('answers 404 node_not_found for an unknown node', async () => {
    for (const [method, path] of [['POST', '/heartbeat/ghost'], ['GET', '/nodes/ghost'], ['DELETE', '/nodes/ghost']]) {
      const res = await cp.call(method, path);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body).toMatchObject({ error: 'node_not_found', id: 'ghost' });
    }
  });

  it('takes the reported load from a heartbeat body', async () => {
    await cp.call('POST', '/register_node', JSON.stringify(NODE1));
    expect((await cp.call('POST', '/heartbeat/node1', JSON.stringify({ current_load: 42 }))).status).toBe(200);
    expect((await cp.call('GET', '/nodes')).body.nodes[0].current_load).toBe(42);
  });

  it('rejects a bad load, naming the field', async () => {
    await cp.call('POST', '/register_node', JSON.stringify(NODE1));
    const res = await cp.call('POST', '/heartbeat/node1', JSON.stringify({ current_load: 'high' }));
    expect(res).toMatchObject({ status: 400, body: { error: 'invalid_request', fields: { current_load: expect.any(String) } } });
  });

  it('shows one node with heartbeat_interval and fail_count', async () => {
    await cp.call('POST', '/register_node', JSON.stringify(NODE1));
    const { status, body } = await cp.call('GET', '/nodes/node1');
    expect(status).toBe(200);
    expect(body).toMatchObject({ id: 'node1', status: 'active', heartbeat_interval: 10, fail_count: 0 });
  });

  it('deregisters a node', async () => {
    await cp.call('POST', '/register_node', JSON.stringify(NODE1));
    expect(await cp.call('DELETE', '/nodes/node1')).toMatchObject({ status: 200, body: { status: 'Node deregistered successfully' } });
    expect((await cp.call('GET', '/nodes')).body).toEqual({ nodes: [] });
    expect(messages(cp.logs, LEVEL.info).some((m) => m.startsWith('Node node1 deregistered'))).toBe(true);
  });
});

describe('everything else', () => {
  it('answers unknown paths with not_found JSON', async () => {
    expect(await cp.call('GET', '/nope')).toMatchObject({ status: 404, body: { error: 'not_found', message: 'No such endpoint: GET /nope' } });
    expect(await cp.call('POST', '/nodes/node1/extra')).toMatchObject({ status: 404, body: { error: 'not_found' } });
  });

  it('answers a known path with the wrong method 405 with Allow, as JSON', async () => {
    const cases: Array<[string, string, string]> = [
      ['GET', '/register_node', 'POST'],
      ['DELETE', '/nodes', 'GET, HEAD'],
      ['POST', '/nodes/node1', 'DELETE, GET, HEAD, PATCH'],
      ['GET', '/heartbeat/node1', 'POST'],
      ['PUT', '/toggle_cache?x=1', 'POST'],
      ['POST', '/metrics', 'GET, HEAD'],
    ];
    for (const [method, path, allow] of cases) {
      const res = await cp.call(method, path);
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.get('allow')).toBe(allow);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.body).toMatchObject({ error: 'method_not_allowed', message: expect.stringContaining(`does not accept ${method}`) });
    }
  });

  it('answers healthz and readyz', async () => {
    expect(await cp.call('GET', '/healthz')).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await cp.call('GET', '/readyz')).toMatchObject({ status: 200, body: { status: 'ready' } });
  });

  it('exports cdn_cp_ metrics', async () => {
    await cp.call('POST', '/register_node', JSON.stringify(NODE1));
    await cp.call('POST', '/heartbeat/node1');
    const { status, body, headers } = await cp.call('GET', '/metrics');
    expect(status).toBe(200);
    expect(headers.get('content-type')).toContain('text/plain');
    expect(body).toContain('cdn_cp_nodes{status="active"} 1');
    expect(body).toContain('cdn_cp_registrations_total{kind="created"} 1');
    expect(body).toContain('cdn_cp_heartbeats_total 1');
    expect(body).toContain('cdn_cp_routing_publishes_total{kind="full",result="ok"} 1');
    expect(body).toContain('cdn_cp_state_writes_total{result="ok"}');
    for (const line of (body as string).split('\n').filter((l) => l && !l.startsWith('#'))) expect(line).toMatch(/^cdn_cp_/);
  });
});
