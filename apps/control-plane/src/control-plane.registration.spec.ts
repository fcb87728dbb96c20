/**
 * Issue 8's registration holes: what registration accepts is exactly what the routing table and the
 * nodes file accept, node URLs cannot point at internal services when --node-url-allow says where nodes
 * live, and nothing registered can forge log lines, poison an object's prototype or overflow the balancer.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RoutingTable } from '@cdn/shared';
import { controlPlaneStarter, eventually, LEVEL, messages, NODE1, NODE2, RunningControlPlane, tempDir } from './testing/start-control-plane';

const start = controlPlaneStarter();

async function registerRefused(cp: RunningControlPlane, body: object, field: string) {
  const res = await cp.call('POST', '/register_node', JSON.stringify({ ...NODE1, ...body }));
  expect(res.status).toBe(400);
  expect(res.body).toMatchObject({ error: 'invalid_node', fields: { [field]: expect.any(String) } });
  expect(Object.keys(res.body.fields)).toEqual([field]);
  return res.body as { message: string; fields: Record<string, string> };
}

describe('node ids', () => {
  it('rejects __proto__ as a node id, and nothing is shown or saved', async () => {
    const cp = await start();
    const body = await registerRefused(cp, { id: '__proto__' }, 'id');
    expect(body.message).toContain('id is reserved');
    expect((await cp.call('GET', '/nodes')).body.nodes).toEqual([]);
    expect(fs.existsSync(cp.file) ? JSON.parse(fs.readFileSync(cp.file, 'utf8')) : {}).toEqual({});
  });

  it.each(['constructor', 'toString', 'hasOwnProperty', 'valueOf'])('rejects %s as a node id: a plain object keyed by it would answer the prototype', async (id) => {
    const cp = await start();
    await registerRefused(cp, { id }, 'id');
  });

  it.each(['.', '..'])('rejects %j as a node id: /nodes/%s cannot be addressed', async (id) => {
    const cp = await start();
    expect((await registerRefused(cp, { id }, 'id')).fields.id).toBe('must not be "." or "..": they cannot be addressed in a URL path');
  });
});

describe('node URLs', () => {
  // Hole 1: accepted here, refused by the routing schema, and publishing stopped.
  it.each([
    ['http:/127.0.0.1:31101', 'http://127.0.0.1:31101/'],
    ['http:host', 'http://host/'],
    ['http:\\\\host', 'http://host/'],
  ])('refuses %s, which the routing table would refuse, saying to write %s', async (url, suggestion) => {
    const cp = await start();
    const edge = cp.bus.source();
    const tables: RoutingTable[] = [];
    await edge.start((t) => tables.push(t));
    try {
      expect((await registerRefused(cp, { url }, 'url')).fields.url).toBe(`is not written the way URL parsers read it; write it as ${suggestion}`);
      // Publishing goes on: the next node reaches edges.
      await cp.call('POST', '/register_node', JSON.stringify(NODE2));
      await eventually(() => tables.at(-1)?.nodes.length === 1);
    } finally {
      await edge.close();
    }
  });

  it('stores and publishes the canonical form of a URL that reads the same to every parser', async () => {
    const cp = await start();
    await cp.call('POST', '/register_node', JSON.stringify({ ...NODE1, url: 'HTTP://CDN1.Example.com:80/base' }));
    expect((await cp.call('GET', '/nodes/node1')).body.url).toBe('http://cdn1.example.com/base');
  });

  it('refuses a node URL with credentials, which GET /nodes would show to anyone', async () => {
    const cp = await start();
    expect((await registerRefused(cp, { url: 'http://admin:s3cret@cdn1.example.com' }, 'url')).fields.url).toContain('must not contain credentials');
    expect(JSON.stringify(cp.logs)).not.toContain('s3cret');
  });

  it('refuses a node URL with a query, which every probe would carry (?token=abc)', async () => {
    const cp = await start();
    expect((await registerRefused(cp, { url: 'http://cdn1.example.com/?token=abc' }, 'url')).fields.url).toContain('must not have a query');
  });

  it('refuses a node URL with a fragment', async () => {
    const cp = await start();
    await registerRefused(cp, { url: 'http://cdn1.example.com/#x' }, 'url');
  });
});

describe('log forging and overflow', () => {
  it.each([
    ['location', 'Beijing\n2024-01-01T00:00:00.000Z ERROR   control-plane: forged'],
    ['location', 'Beijing\u2028forged'],
    ['location', 'Beijing\u0085forged'],
    ['id', 'node1\nforged'],
    ['url', 'http://cdn1.example.com/\rforged'],
  ])('refuses control characters in %s (forged log lines)', async (field, value) => {
    const cp = await start();
    await registerRefused(cp, { [field]: value }, field);
    expect(cp.logs.some((entry) => entry.msg.includes('forged'))).toBe(false);
  });

  it('refuses capacity 1e308, naming the maximum', async () => {
    const cp = await start();
    expect((await registerRefused(cp, { capacity: 1e308 }, 'capacity')).message).toBe('Invalid node registration: capacity must be a positive number up to 1000000');
  });

  it('refuses a heartbeat current_load of 1e308, naming the maximum', async () => {
    const cp = await start();
    await cp.call('POST', '/register_node', JSON.stringify(NODE1));
    const res = await cp.call('POST', '/heartbeat/node1', JSON.stringify({ current_load: 1e308 }));
    expect(res).toMatchObject({ status: 400, body: { error: 'invalid_request', message: 'Invalid heartbeat: current_load must be a non-negative number up to 1000000000' } });
  });

  it('counts and logs refused registrations without echoing the body', async () => {
    const cp = await start();
    await cp.call('POST', '/register_node', JSON.stringify({ ...NODE1, capacity: -1 }));
    expect(messages(cp.logs, LEVEL.info)).toContain('Registration refused (invalid): Invalid node registration: capacity must be a positive number');
    expect((await cp.call('GET', '/metrics')).body).toContain('cdn_cp_registrations_refused_total{reason="invalid"} 1');
  });
});

describe('--node-url-allow', () => {
  const allow = { nodeUrlAllow: ['10.0.0.0/8', 'fd00::/8', '*.nodes.example.com'] };

  it('refuses a node URL pointing at an internal service (SSRF), naming the url field', async () => {
    const cp = await start({ config: allow });
    const body = await registerRefused(cp, { url: 'http://127.0.0.1:6379' }, 'url');
    expect(body).toMatchObject({ message: 'Invalid node registration: url host 127.0.0.1 is outside --node-url-allow', fields: { url: 'host 127.0.0.1 is outside --node-url-allow' } });
    expect(messages(cp.logs, LEVEL.warn)).toContain('Registration of node node1 refused (url_not_allowed): Invalid node registration: url host 127.0.0.1 is outside --node-url-allow');
    expect((await cp.call('GET', '/metrics')).body).toContain('cdn_cp_registrations_refused_total{reason="url_not_allowed"} 1');
  });

  it('refuses the cloud metadata address and IPv6 loopback', async () => {
    const cp = await start({ config: allow });
    await registerRefused(cp, { url: 'http://169.254.169.254/latest/meta-data' }, 'url');
    await registerRefused(cp, { url: 'http://[::1]:8080' }, 'url');
    await registerRefused(cp, { url: 'http://[::ffff:7f00:1]:8080' }, 'url');
  });

  it('refuses a host name that resolves outside the allowed blocks', async () => {
    const cp = await start({ config: allow });
    expect((await registerRefused(cp, { url: 'http://localhost:6379' }, 'url')).fields.url).toMatch(/^host localhost resolves to 127\.0\.0\.1, outside --node-url-allow/);
  });

  it('refuses a host name that does not resolve', async () => {
    const cp = await start({ config: allow });
    expect((await registerRefused(cp, { url: 'http://nothing.invalid' }, 'url')).fields.url).toContain('could not be resolved');
  });

  it('registers nodes inside: an allowed address, IPv6 block or host pattern', async () => {
    const cp = await start({ config: allow });
    for (const [id, url] of [['a', 'http://10.1.2.3:8080'], ['b', 'http://[fd00::5]/'], ['c', 'https://edge1.nodes.example.com']]) {
      expect((await cp.call('POST', '/register_node', JSON.stringify({ ...NODE1, id, url }))).status, url).toBe(200);
    }
  });

  it('checks the URL of an update too', async () => {
    const cp = await start({ config: allow });
    await cp.call('POST', '/register_node', JSON.stringify({ ...NODE1, url: 'http://10.1.2.3' }));
    await registerRefused(cp, { url: 'http://127.0.0.1' }, 'url');
    expect((await cp.call('GET', '/nodes/node1')).body.url).toBe('http://10.1.2.3');
  });
});

describe('--max-nodes', () => {
  it('refuses a new node beyond --max-nodes with 409 too_many_nodes, and still updates known ones', async () => {
    const cp = await start({ config: { maxNodes: 2 } });
    await cp.call('POST', '/register_node', JSON.stringify(NODE1));
    await cp.call('POST', '/register_node', JSON.stringify(NODE2));
    const res = await cp.call('POST', '/register_node', JSON.stringify({ ...NODE1, id: 'node3' }));
    expect(res).toMatchObject({
      status: 409,
      body: { error: 'too_many_nodes', message: 'Cannot register node node3: 2 nodes are registered, as many as --max-nodes (2) allows; deregister one or raise --max-nodes', max_nodes: 2 },
    });
    expect((await cp.call('POST', '/register_node', JSON.stringify({ ...NODE1, capacity: 5 }))).status).toBe(200);
    await cp.call('DELETE', '/nodes/node2');
    expect((await cp.call('POST', '/register_node', JSON.stringify({ ...NODE1, id: 'node3' }))).status).toBe(200);
    expect((await cp.call('GET', '/metrics')).body).toContain('cdn_cp_registrations_refused_total{reason="too_many_nodes"} 1');
  });

  it('holds under concurrent registrations', async () => {
    const cp = await start({ config: { maxNodes: 3 } });
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => cp.call('POST', '/register_node', JSON.stringify({ ...NODE1, id: `n${i}` }))));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(3);
    expect((await cp.call('GET', '/nodes')).body.nodes).toHaveLength(3);
  });
});

describe('the nodes file', () => {
  it('loads the nodes an older version saved without those registration now refuses, and keeps a copy', async () => {
    const dir = tempDir();
    const saved = { url: 'http://cdn1.example.com', location: 'Beijing', capacity: 100, heartbeat_interval: 10, last_heartbeat: new Date().toISOString(), is_active: true, fail_count: 0, current_load: 0 };
    const text = `{"__proto__": ${JSON.stringify(saved)}, "bad": ${JSON.stringify({ ...saved, url: 'http:/127.0.0.1:31101' })}, "node1": ${JSON.stringify(saved)}}`;
    fs.writeFileSync(path.join(dir, 'cdn_nodes.json'), text);
    const cp = await start({ dir });
    expect((await cp.call('GET', '/nodes')).body.nodes.map((n: { id: string }) => n.id)).toEqual(['node1']);
    const errors = messages(cp.logs, LEVEL.error);
    expect(errors).toContain(`Node "__proto__" in ${cp.file} is invalid and was not loaded: id: is reserved: names of JavaScript object properties such as __proto__, constructor or toString cannot be node ids`);
    expect(errors.some((m) => m.startsWith(`Node "bad" in ${cp.file} is invalid and was not loaded: url: is not written`))).toBe(true);
    const copy = fs.readdirSync(dir).find((f) => f.startsWith('cdn_nodes.json.corrupt-'));
    expect(copy && fs.readFileSync(path.join(dir, copy), 'utf8')).toBe(text);
  });
});
