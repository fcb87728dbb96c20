/**
 * The original manual's API, curl examples and log recipes, against the all-in-one server (`npm start`)
 * run as a real process with its default file names in a temporary working directory.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, post, request } from '../support/http';
import { Origin, startOrigin } from '../support/origin';
import { eventually } from '../support/ports';
import { Running, startApp, stopAll, tempDir } from '../support/processes';

type App = Running & { port: number; url: string };

describe('seed API on the all-in-one server', () => {
  let cwd: string;
  let app: App;
  let beijing: Origin;
  let shanghai: Origin;

  beforeAll(async () => {
    cwd = tempDir();
    beijing = await startOrigin('beijing');
    shanghai = await startOrigin('shanghai');
    app = await startApp('allInOne', ['--node-timeout', '15', '--cache-time', '60', '--log-level', 'DEBUG'], { cwd });
  });

  afterAll(async () => {
    await stopAll();
    await beijing.close();
    await shanghai.close();
  });

  it('registers a node as the manual shows', async () => {
    const answer = await post(`${app.url}/register_node`, {
      id: 'node1',
      url: beijing.url,
      location: 'Beijing',
      capacity: 100,
      heartbeat_interval: 10,
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ status: 'Node registered successfully' });
  });

  it('registers without heartbeat_interval, as the troubleshooting section does', async () => {
    const answer = await post(`${app.url}/register_node`, { id: 'node2', url: shanghai.url, location: 'Shanghai', capacity: 150 });
    expect(answer.body).toEqual({ status: 'Node registered successfully' });
  });

  // Every example in the manual sends -H "Content-Type: application/json"; curl -d alone sends a form type,
  // which a cross-site form can send too (issue 8).
  it('refuses a registration sent without the JSON content type, as a cross-site form would send it', async () => {
    const answer = await request(`${app.url}/register_node`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: JSON.stringify({ id: 'node3', url: shanghai.url, location: 'Shanghai', capacity: 50 }),
    });
    expect(answer.status).toBe(415);
    expect(answer.body).toMatchObject({ error: 'unsupported_media_type', message: expect.stringContaining('Content-Type: application/json') });
    expect((await get(`${app.url}/nodes/node3`)).status).toBe(404);
  });

  it('answers 400 naming every missing or bad field', async () => {
    const answer = await post(`${app.url}/register_node`, { id: 'bad id!', url: 'ftp://x', capacity: -1 });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('invalid_node');
    expect(Object.keys(answer.body.fields).sort()).toEqual(['capacity', 'id', 'location', 'url']);
    expect(answer.body.message).toMatch(/location/);
  });

  it('answers 400 invalid_json for a malformed body', async () => {
    const answer = await request(`${app.url}/register_node`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"id": ' });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('invalid_json');
  });

  it('takes heartbeats and 404s an unknown node with JSON', async () => {
    expect((await post(`${app.url}/heartbeat/node1`)).body).toEqual({ status: 'Heartbeat received' });
    const unknown = await post(`${app.url}/heartbeat/nobody`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toBe('node_not_found');
  });

  it('records the load a heartbeat reports', async () => {
    await post(`${app.url}/heartbeat/node2`, { current_load: 8 });
    const nodes = (await get(`${app.url}/nodes`)).body.nodes;
    expect(nodes.find((n: any) => n.id === 'node2').current_load).toBe(8);
  });

  it('lists nodes in the seed shape, so monitor.sh and alert.sh keep working', async () => {
    const { body } = await get(`${app.url}/nodes`);
    expect(body.nodes.map((n: any) => n.id)).toEqual(['node1', 'node2']);
    for (const node of body.nodes) {
      expect(Object.keys(node).sort()).toEqual(['capacity', 'current_load', 'id', 'last_heartbeat', 'location', 'status', 'url'].sort());
      expect(Number.isNaN(Date.parse(node.last_heartbeat))).toBe(false);
    }
    // jq '.nodes[] | select(.status=="active")' | jq -s length ; jq '.nodes | length'
    expect(body.nodes.filter((n: any) => n.status === 'active')).toHaveLength(2);
    // jq '.nodes[] | select(.id=="node1")'
    expect(body.nodes.find((n: any) => n.id === 'node1')).toMatchObject({ url: beijing.url, location: 'Beijing', capacity: 100 });
  });

  it('shows one node and 404s an unknown one', async () => {
    const one = await get(`${app.url}/nodes/node1`);
    expect(one.body).toMatchObject({ id: 'node1', status: 'active', heartbeat_interval: 10, fail_count: 0 });
    expect((await get(`${app.url}/nodes/nobody`)).status).toBe(404);
  });

  it('gets a file through /cdn with X-Client-Location preferring that location', async () => {
    for (let i = 0; i < 5; i++) {
      const answer = await get(`${app.url}/cdn/api/users/123?i=${i}`, { headers: { 'X-Client-Location': 'Beijing' } });
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ origin: 'beijing', url: `/api/users/123?i=${i}` });
      expect(answer.headers.get('x-cdn-node')).toBe('node1');
    }
  });

  it('forwards POST JSON, multipart upload, PUT and DELETE upstream', async () => {
    const json = await post(`${app.url}/cdn/api/data`, { key: 'value', timestamp: '2024-01-01T12:00:00' });
    expect(json.body.method).toBe('POST');
    expect(JSON.parse(json.body.body)).toEqual({ key: 'value', timestamp: '2024-01-01T12:00:00' });

    const form = new FormData();
    form.append('file', new Blob([Buffer.from('fake image bytes')]), 'image.jpg');
    const upload = await request(`${app.url}/cdn/upload/image.jpg`, { method: 'POST', body: form });
    expect(upload.body.url).toBe('/upload/image.jpg');
    expect(upload.body.body).toContain('fake image bytes');
    expect(upload.headers.get('x-cache')).toBe('BYPASS');

    const put = await request(`${app.url}/cdn/api/config`, { method: 'PUT', json: { setting: 'new_value' } });
    expect(put.body).toMatchObject({ method: 'PUT', url: '/api/config' });

    const del = await request(`${app.url}/cdn/temp/old_file.txt`, { method: 'DELETE' });
    expect(del.body).toMatchObject({ method: 'DELETE', url: '/temp/old_file.txt' });
  });

  it('caches a GET: MISS then HIT, and toggle_cache switches it', async () => {
    const first = await get(`${app.url}/cdn/large_file.zip`);
    const second = await get(`${app.url}/cdn/large_file.zip`);
    expect(first.headers.get('x-cache')).toBe('MISS');
    expect(second.headers.get('x-cache')).toBe('HIT');
    expect(second.text).toBe(first.text);

    expect((await post(`${app.url}/toggle_cache`)).body).toEqual({ status: 'Cache is now disabled' });
    await eventually(async () => (await get(`${app.url}/cdn/large_file.zip`)).headers.get('x-cache') === 'BYPASS', 2_000);
    expect((await post(`${app.url}/toggle_cache`)).body).toEqual({ status: 'Cache is now enabled' });
  });

  it('fails over to another node when the chosen one is unreachable, logging "Failed to forward request"', async () => {
    await post(`${app.url}/register_node`, { id: 'dead', url: 'http://127.0.0.1:1', location: 'Nowhere', capacity: 1 });
    const answer = await get(`${app.url}/cdn/failover`, { headers: { 'X-Client-Location': 'Nowhere' } });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-cdn-node')).not.toBe('dead');
    await eventually(() => /WARNING.*Failed to forward request GET \/cdn\/failover to dead: ECONNREFUSED/.test(fs.readFileSync(path.join(cwd, 'cdn_system.log'), 'utf8')), 3_000);
    await request(`${app.url}/nodes/dead`, { method: 'DELETE' });
  });

  it('answers 502 JSON and logs "Failed to forward request" at ERROR when no node can be reached', async () => {
    // --retries is 2: three nodes, all unreachable, all in the client's location.
    for (const id of ['dead1', 'dead2', 'dead3']) {
      await post(`${app.url}/register_node`, { id, url: 'http://127.0.0.1:1', location: 'Nowhere', capacity: 1 });
    }
    const answer = await get(`${app.url}/cdn/x`, { headers: { 'X-Client-Location': 'Nowhere' } });
    expect(answer.status).toBe(502);
    expect(answer.body.error).toBe('upstream_unreachable');
    await eventually(() => /ERROR.*Failed to forward request GET \/cdn\/x to dead\d/.test(fs.readFileSync(path.join(cwd, 'cdn_system.log'), 'utf8')), 3_000);
    for (const id of ['dead1', 'dead2', 'dead3']) await request(`${app.url}/nodes/${id}`, { method: 'DELETE' });
  });

  it('writes cdn_nodes.json in the seed format', async () => {
    const saved = JSON.parse(fs.readFileSync(path.join(cwd, 'cdn_nodes.json'), 'utf8'));
    expect(Object.keys(saved)).toEqual(['node1', 'node2']);
    expect(Object.keys(saved.node1).sort()).toEqual(
      ['capacity', 'current_load', 'fail_count', 'heartbeat_interval', 'is_active', 'last_heartbeat', 'location', 'url'].sort(),
    );
    expect(saved.node2).toMatchObject({ url: shanghai.url, location: 'Shanghai', capacity: 150, heartbeat_interval: 10, is_active: true, current_load: 8 });
  });

  it('keeps the log recipes of the manual working', async () => {
    const logFile = path.join(cwd, 'cdn_system.log');
    const before = fs.readFileSync(logFile, 'utf8').split('\n').filter((l) => l.includes('Forwarding')).length;
    await get(`${app.url}/cdn/recipe?n=1`);
    await get(`${app.url}/cdn/recipe?n=2`);
    await eventually(() => {
      const lines = fs.readFileSync(logFile, 'utf8').split('\n');
      return lines.filter((l) => l.includes('Forwarding')).length === before + 2;
    }, 3_000);
    const lines = fs.readFileSync(logFile, 'utf8').split('\n');
    // grep "Forwarding" names method, path and node
    expect(lines.some((l) => /Forwarding GET \/cdn\/recipe\?n=1 to node[12]/.test(l))).toBe(true);
    // grep "response_time" | awk '{print $NF}' | sort -n gives bare numbers
    const times = lines.filter((l) => l.includes('response_time')).map((l) => l.trim().split(/\s+/).pop()!);
    expect(times.length).toBeGreaterThan(5);
    for (const t of times) expect(t).toMatch(/^\d+(\.\d+)?$/);
    // grep node1 finds the node's state changes
    expect(lines.some((l) => l.includes('node1') && /registered/i.test(l))).toBe(true);
    // grep ERROR finds the failed forward
    expect(lines.some((l) => l.includes('ERROR') && l.includes('Failed to forward request'))).toBe(true);
  });

  it('deregisters a node', async () => {
    await post(`${app.url}/register_node`, { id: 'gone', url: beijing.url, location: 'X', capacity: 1 });
    expect((await request(`${app.url}/nodes/gone`, { method: 'DELETE' })).body).toEqual({ status: 'Node deregistered successfully' });
    expect((await request(`${app.url}/nodes/gone`, { method: 'DELETE' })).status).toBe(404);
    expect((await get(`${app.url}/nodes`)).body.nodes.map((n: any) => n.id)).not.toContain('gone');
  });

  it('answers unknown endpoints with 404 JSON', async () => {
    const answer = await get(`${app.url}/no/such/thing`);
    expect(answer.status).toBe(404);
    expect(answer.body.error).toBe('not_found');
  });

  it('loads the saved nodes after a restart, and restores a backup copied back', async () => {
    const file = path.join(cwd, 'cdn_nodes.json');
    fs.copyFileSync(file, `${file}.backup`);
    await app.stop();
    app = await startApp('allInOne', [], { cwd });
    expect((await get(`${app.url}/nodes`)).body.nodes.map((n: any) => n.id)).toEqual(['node1', 'node2']);

    await post(`${app.url}/register_node`, { id: 'extra', url: beijing.url, location: 'X', capacity: 1 });
    await app.stop();
    fs.copyFileSync(`${file}.backup`, file);
    app = await startApp('allInOne', [], { cwd });
    expect((await get(`${app.url}/nodes`)).body.nodes.map((n: any) => n.id)).toEqual(['node1', 'node2']);
    // the restored nodes route traffic straight away
    expect((await get(`${app.url}/cdn/after-restart`)).status).toBe(200);
  });

  it('--reset-config starts with no nodes', async () => {
    await app.stop();
    app = await startApp('allInOne', ['--reset-config'], { cwd });
    expect((await get(`${app.url}/nodes`)).body).toEqual({ nodes: [] });
    expect(JSON.parse(fs.readFileSync(path.join(cwd, 'cdn_nodes.json'), 'utf8'))).toEqual({});
    expect((await get(`${app.url}/cdn/anything`)).status).toBe(503);
  });
});

describe('cache management on the all-in-one server', () => {
  let app: App;
  let origin: Origin;

  beforeAll(async () => {
    origin = await startOrigin('origin');
    app = await startApp('allInOne', []);
    await post(`${app.url}/register_node`, { id: 'node1', url: origin.url, location: 'Beijing', capacity: 100 });
    await eventually(async () => (await get(`${app.url}/edges`)).body.edges.length === 1);
  });

  afterAll(async () => {
    await stopAll();
    await origin.close();
  });

  async function completed(id: string) {
    return eventually(async () => {
      const { body } = await get(`${app.url}/operations/${id}`);
      return body.complete ? body : undefined;
    }, 3_000);
  }

  it('purges through the in-process bus with a receipt from the embedded edge', async () => {
    await get(`${app.url}/cdn/page`);
    expect((await get(`${app.url}/cdn/page`)).headers.get('x-cache')).toBe('HIT');
    const accepted = await post(`${app.url}/cache/purge`, { urls: [`${app.url}/cdn/page`] });
    expect(accepted.status).toBe(202);
    const done = await completed(accepted.body.operation_id);
    expect(done.receipts).toHaveLength(1);
    expect(done.receipts[0]).toMatchObject({ applied: true, entries_affected: 1, errors: [] });
    expect((await get(`${app.url}/cdn/page`)).headers.get('x-cache')).toBe('MISS');
  });

  it('warms URLs so the first request is a hit', async () => {
    const accepted = await post(`${app.url}/cache/warm`, { urls: ['/cdn/warm-a', '/warm-b'] });
    const done = await completed(accepted.body.operation_id);
    expect(done.receipts[0].entries_affected).toBe(2);
    expect((await get(`${app.url}/cdn/warm-a`)).headers.get('x-cache')).toBe('HIT');
    expect((await get(`${app.url}/cdn/warm-b`)).headers.get('x-cache')).toBe('HIT');
  });

  it('rejects a purge with nothing to purge, naming the fields', async () => {
    const answer = await post(`${app.url}/cache/purge`, { urls: [] });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('invalid_request');
    expect((await get(`${app.url}/operations/no-such-operation`)).body.error).toBe('operation_not_found');
  });
});
