/** GET /dashboard and its event stream, on a real control plane over real sockets. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openEventStream } from '../../../test/support/event-stream';
import { MAX_DASHBOARD_CLIENTS } from './dashboard/dashboard.constants';
import { DASHBOARD_PUBLIC_DIR } from './dashboard/dashboard-assets';
import { controlPlaneStarter, eventually, LEVEL, messages, NODE1, NODE2 } from './testing/start-control-plane';

const ADMIN = 'admin-token-0123456789abcdef';
const VIEWER = 'viewer-token-0123456789abcdef';

const start = controlPlaneStarter();

describe('the page', () => {
  it('is served with every file it loads, from this server only', async () => {
    const cp = await start();
    const page = await fetch(`${cp.url}/dashboard`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'; script-src 'self'");
    const html = await page.text();
    // Every file the page or a module names, followed through the imports.
    const pending = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    const seen = new Set<string>();
    while (pending.length > 0) {
      const file = pending.pop()!;
      expect(file, 'a file of this server').toMatch(/^\/dashboard\/assets\/[a-z0-9-]+\.(js|css|svg)$/);
      if (seen.has(file)) continue;
      seen.add(file);
      const res = await fetch(cp.url + file);
      expect(res.status, file).toBe(200);
      const text = await res.text();
      expect(text, `${file} names no other host`).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
      for (const m of text.matchAll(/from '\.\/([a-z0-9-]+\.js)'/g)) pending.push(`/dashboard/assets/${m[1]}`);
    }
    // Every file in the folder is used: nothing is left behind.
    expect([...seen].map((f) => path.basename(f)).sort()).toEqual(fs.readdirSync(DASHBOARD_PUBLIC_DIR).filter((f) => f !== 'index.html').sort());
  });

  it('answers 304 to a browser that has the file, and 404 not_found to a name that is not one', async () => {
    const cp = await start();
    const first = await fetch(`${cp.url}/dashboard/assets/main.js`);
    expect(first.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const again = await fetch(`${cp.url}/dashboard/assets/main.js`, { headers: { 'if-none-match': first.headers.get('etag')! } });
    expect(again.status).toBe(304);
    const missing = await cp.call('GET', '/dashboard/assets/nothing.js');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error: 'not_found', message: expect.stringContaining('nothing.js') });
  });
});

describe('the event stream', () => {
  it('starts with a snapshot: every node with its status, reason, load, capacity and location, the edges and the summary', async () => {
    const cp = await start();
    await cp.call('POST', '/register_node', JSON.stringify(NODE1));
    await cp.call('POST', '/register_node', JSON.stringify(NODE2));
    const stream = await openEventStream(`${cp.url}/dashboard/events`);
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const { data } = await stream.next((e) => e.name === 'snapshot', 5_000, 0);
    stream.close();
    expect(data.nodes).toEqual([
      expect.objectContaining({ id: 'node1', url: 'http://cdn1.example.com', location: 'Beijing', capacity: 100, load: 0, status: 'active', reason: expect.stringMatching(/^healthy: not probed yet/) }),
      expect.objectContaining({ id: 'node2', location: 'Shanghai', capacity: 150, status: 'active' }),
    ]);
    expect(data.summary).toMatchObject({ nodes: { total: 2, active: 2, inactive: 0 }, cache_enabled: true, replica: { leader: true } });
    expect(data.edges).toEqual({ revision: expect.any(Number), edges: [] });
    expect(data.stats).toMatchObject({ interval_seconds: 5, points: expect.any(Array), windows: { '1m': { requests: 0 } } });
  });

  it('sends a changed node within a tick, and a removed one as such', async () => {
    const cp = await start();
    await cp.call('POST', '/register_node', JSON.stringify(NODE1));
    await cp.call('POST', '/register_node', JSON.stringify(NODE2));
    const stream = await openEventStream(`${cp.url}/dashboard/events`);
    await stream.next((e) => e.name === 'snapshot', 5_000, 0);

    const sent = Date.now();
    expect((await cp.call('PATCH', '/nodes/node2', JSON.stringify({ state: 'draining' }))).status).toBe(200);
    const change = await stream.next((e) => e.name === 'node_changes' && e.data.upsert.some((row: { id: string }) => row.id === 'node2'), 3_000);
    expect(Date.now() - sent).toBeLessThan(2_500);
    expect(change.data.upsert).toEqual([expect.objectContaining({ id: 'node2', status: 'draining', reason: 'drained by an operator' })]);
    const summary = await stream.next((e) => e.name === 'summary' && e.data.nodes.draining === 1, 3_000, 0);
    expect(summary.data.nodes).toMatchObject({ active: 1, draining: 1 });

    await cp.call('DELETE', '/nodes/node1');
    const removal = await stream.next((e) => e.name === 'node_changes' && e.data.remove.length > 0, 3_000);
    expect(removal.data.remove).toEqual(['node1']);
    stream.close();
  });

  it('sends a heartbeat as its time alone, not the whole row', async () => {
    const cp = await start();
    await cp.call('POST', '/register_node', JSON.stringify(NODE1));
    const stream = await openEventStream(`${cp.url}/dashboard/events`);
    await stream.next((e) => e.name === 'snapshot', 5_000, 0);
    cp.clock.advance(1_000);
    await cp.call('POST', '/heartbeat/node1');
    const beat = await stream.next((e) => e.name === 'node_changes', 3_000);
    expect(beat.data).toMatchObject({ upsert: [], remove: [], heartbeats: [['node1', expect.any(String)]] });
    stream.close();
  });

  it('counts its clients, logs them at DEBUG and forgets one that leaves', async () => {
    const cp = await start();
    const stream = await openEventStream(`${cp.url}/dashboard/events`);
    await stream.next((e) => e.name === 'snapshot', 5_000, 0);
    expect((await cp.call('GET', '/metrics')).body).toContain('cdn_cp_dashboard_clients 1');
    stream.close();
    await eventually(async () => ((await cp.call('GET', '/metrics')).body as string).includes('cdn_cp_dashboard_clients 0'));
    const metrics = (await cp.call('GET', '/metrics')).body as string;
    expect(metrics).toContain('cdn_cp_dashboard_events_total{type="snapshot"} 1');
    expect(metrics).toContain('cdn_cp_dashboard_disconnects_total{reason="closed"} 1');
    const debug = messages(cp.logs, LEVEL.debug);
    expect(debug).toContainEqual(expect.stringMatching(/^Dashboard connected from 127\.0\.0\.1 \(1 connected\)$/));
    expect(debug).toContainEqual(expect.stringMatching(/^Dashboard of 127\.0\.0\.1 disconnected \(closed\) after \d+ s \(0 connected\)$/));
  });

  it(`takes at most ${MAX_DASHBOARD_CLIENTS} dashboards at once; one more gets 503 too_many_clients`, async () => {
    const cp = await start();
    const streams = await Promise.all(Array.from({ length: MAX_DASHBOARD_CLIENTS }, () => openEventStream(`${cp.url}/dashboard/events`)));
    expect(streams.every((s) => s.status === 200)).toBe(true);
    const refused = await cp.call('GET', '/dashboard/events');
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ error: 'too_many_clients', message: expect.stringContaining(`${MAX_DASHBOARD_CLIENTS} dashboards`) });
    streams.pop()!.close();
    const again = await eventually(async () => {
      const s = await openEventStream(`${cp.url}/dashboard/events`);
      return s.status === 200 ? s : undefined;
    });
    again!.close();
    for (const s of streams) s.close();
  });

  it('ends every stream when the control plane stops, so that its server need not wait', async () => {
    const cp = await start();
    const stream = await openEventStream(`${cp.url}/dashboard/events`);
    await stream.next((e) => e.name === 'snapshot', 5_000, 0);
    cp.cp.endStreams();
    await eventually(async () => ((await cp.call('GET', '/metrics')).body as string).includes('cdn_cp_dashboard_disconnects_total{reason="shutdown"} 1'));
    expect((await cp.call('GET', '/metrics')).body).toContain('cdn_cp_dashboard_clients 0');
  });
});

describe('with tokens', () => {
  it('opens the page to anyone, and its data only with a token, as GET /nodes', async () => {
    const cp = await start({ config: { adminTokens: [ADMIN], viewerTokens: [VIEWER] } });
    expect((await fetch(`${cp.url}/dashboard`)).status).toBe(200);
    expect((await fetch(`${cp.url}/dashboard/assets/dashboard.css`)).status).toBe(200);
    const refused = await cp.call('GET', '/dashboard/events');
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ error: 'unauthorized' });
    for (const token of [VIEWER, ADMIN]) {
      const stream = await openEventStream(`${cp.url}/dashboard/events`, { authorization: `Bearer ${token}` });
      expect(stream.status).toBe(200);
      await stream.next((e) => e.name === 'snapshot', 5_000, 0);
      stream.close();
    }
  });
});
