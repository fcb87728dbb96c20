/**
 * The dashboard in a real browser: Debian's headless Chromium driven by playwright-core, against the built
 * all-in-one server with real origins as nodes. The page must load from the server alone, list the nodes,
 * show a node that dies as inactive within seconds, complete a purge sent from its form, draw the traffic,
 * work behind an admin token, and stay usable with 1,000 nodes. It leaves a screenshot in test/artifacts/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, post } from '../support/http';
import { type Origin, startCacheableOrigin } from '../support/origin';
import { eventually, freePort, waitForPort } from '../support/ports';
import { ROOT, type Running, startApp, startNats, stopAll, tempDir } from '../support/processes';

const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOT = path.join(ROOT, 'test/artifacts/dashboard.png');
const ADMIN = 'dashboard-admin-token-0123456789';

type App = Running & { port: number; url: string };

let browser: Browser;

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (.ci/run does)`);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
});

afterAll(async () => {
  await browser?.close();
  await stopAll();
});

/** A page that records every request it makes and every script error it meets. */
async function openPage(viewport = { width: 1440, height: 1000 }): Promise<{ page: Page; requests: string[]; errors: string[] }> {
  const page = await browser.newPage({ viewport });
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (req) => requests.push(req.url()));
  page.on('pageerror', (err) => errors.push(err.message));
  return { page, requests, errors };
}

const row = (page: Page, id: string) => page.locator(`#nodes tbody tr[data-node="${id}"]:not([hidden])`);

describe('the dashboard of the all-in-one server', () => {
  let app: App;
  let beijing: Origin;
  let shanghai: Origin;
  let page: Page;
  let requests: string[];
  let errors: string[];

  beforeAll(async () => {
    beijing = await startCacheableOrigin('beijing');
    shanghai = await startCacheableOrigin('shanghai');
    // Probes every second, one failure takes a node out: a node that dies shows within a couple of seconds.
    app = await startApp('allInOne', ['--health-interval', '1', '--unhealthy-threshold', '1', '--probe-timeout', '1', '--node-timeout', '60'], { cwd: tempDir() });
    for (const [id, origin, location, capacity] of [['node1', beijing, 'Beijing', 100], ['node2', shanghai, 'Shanghai', 150]] as const) {
      expect((await post(`${app.url}/register_node`, { id, url: origin.url, location, capacity })).status).toBe(200);
    }
    ({ page, requests, errors } = await openPage());
    await page.goto(`${app.url}/dashboard`);
  });

  afterAll(async () => {
    await page?.close();
    await beijing?.close();
    await shanghai?.close();
  });

  it('loads from this server alone and lists the registered nodes with their status, reason, load and location', async () => {
    await row(page, 'node1').waitFor({ timeout: 5_000 });
    await expect.poll(() => page.locator('#connection').textContent()).toBe('Live');
    const node1 = row(page, 'node1');
    expect(await node1.locator('.badge').textContent()).toBe('active');
    expect(await node1.locator('.node-url').textContent()).toBe(beijing.url);
    expect(await node1.locator('.location').textContent()).toBe('Beijing');
    expect(await node1.locator('.load-text').textContent()).toBe('0 / 100');
    expect(await node1.locator('.reason').textContent()).toMatch(/^healthy: /);
    expect(await row(page, 'node2').locator('.location').textContent()).toBe('Shanghai');
    expect(await page.locator('#edges tbody tr').count()).toBe(1);
    expect(await page.locator('#edges tbody tr .ok').textContent()).toBe('in sync');

    const origin = new URL(app.url).origin;
    expect(requests.length).toBeGreaterThan(5);
    expect(requests.filter((url) => new URL(url).origin !== origin)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('draws a nonzero request rate once traffic flows', async () => {
    for (let i = 0; i < 40; i++) await get(`${app.url}/cdn/traffic/${i % 8}.txt`);
    // Edges report every 2 s; the stream sends the new figures at its next tick.
    await expect.poll(() => page.locator('[data-card=requests] .value').textContent(), { timeout: 10_000 }).toMatch(/^[1-9][\d.]*\/s$|^0\.\d*[1-9]\d*\/s$/);
    expect(await page.locator('[data-card=hits] .value').textContent()).toMatch(/%$/);
    expect(await page.locator('[data-chart=requests] .current').textContent()).not.toBe('–');
  });

  it('shows a node as inactive, with the reason, within a few seconds of its death', async () => {
    const killed = Date.now();
    await shanghai.close();
    await page.locator('#nodes tbody tr[data-node="node2"][data-status="inactive"]').waitFor({ timeout: 5_000 });
    const seconds = (Date.now() - killed) / 1000;
    console.log(`node2 shown inactive ${seconds.toFixed(1)} s after its origin was killed`);
    expect(seconds).toBeLessThan(5);
    // The first failed probe may meet the connection the origin reset as it closed, rather than a refusal.
    expect(await row(page, 'node2').locator('.reason').textContent()).toMatch(/^\d+ probe failures?: .*(ECONNREFUSED|ECONNRESET|socket hang up)/);
    await expect.poll(() => page.locator('[data-card=nodes] .value').textContent()).toBe('1 / 2');
  });

  it('completes a purge sent from its form: the page says so, and the API and the cache agree', async () => {
    const target = `${app.url}/cdn/purge-me.txt`;
    await get(target);
    expect((await get(target)).headers.get('x-cache')).toBe('HIT');

    await page.locator('form[data-action=purge] textarea').fill('/cdn/purge-me.txt');
    await page.locator('form[data-action=purge] button[type=submit]').click();
    const entry = page.locator('#activity li').first();
    await entry.and(page.locator('[data-state=done]')).waitFor({ timeout: 10_000 });
    expect(await entry.locator('.detail').textContent()).toMatch(/^completed on 1 edge: 1 cache entry purged$/);

    const id = await entry.getAttribute('data-operation');
    const operation = await get(`${app.url}/operations/${id}`);
    expect(operation.body).toMatchObject({ type: 'purge', complete: true, request: { urls: ['/cdn/purge-me.txt'] }, receipts: [{ applied: true, entries_affected: 1 }] });
    expect((await get(target)).headers.get('x-cache')).toBe('MISS');
  });

  it('drains a node from its row and toggles the cache from its form, as the API then shows', async () => {
    await row(page, 'node1').locator('button').click();
    await page.locator('#nodes tbody tr[data-node="node1"][data-status="draining"]').waitFor({ timeout: 5_000 });
    expect((await get(`${app.url}/nodes/node1`)).body.status).toBe('draining');
    await row(page, 'node1').locator('button').click();
    await page.locator('#nodes tbody tr[data-node="node1"][data-status="active"]').waitFor({ timeout: 5_000 });

    await page.locator('form[data-action=cache] button').click();
    await expect.poll(() => page.locator('[data-card=cache] .value').textContent(), { timeout: 5_000 }).toBe('Off');
    await page.locator('form[data-action=cache] button').click();
    await expect.poll(() => page.locator('[data-card=cache] .value').textContent(), { timeout: 5_000 }).toBe('On');
    expect((await post(`${app.url}/toggle_cache`)).body).toEqual({ status: 'Cache is now disabled' });
    await post(`${app.url}/toggle_cache`);
  });

  it('saves a screenshot', async () => {
    // A few more requests so that the charts have a shape.
    for (let i = 0; i < 30; i++) await get(`${app.url}/cdn/traffic/${i % 5}.txt`);
    await page.waitForTimeout(3_000);
    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    console.log(`dashboard screenshot: ${SCREENSHOT}`);
    expect(fs.statSync(SCREENSHOT).size).toBeGreaterThan(10_000);
    expect(errors).toEqual([]);
  });
});

describe('the dashboard behind an admin token', () => {
  it('asks for the token, then streams and purges with it', async () => {
    const origin = await startCacheableOrigin('tokyo');
    const app = await startApp('allInOne', ['--admin-token', ADMIN], { cwd: tempDir() });
    const auth = { headers: { authorization: `Bearer ${ADMIN}` } };
    expect((await post(`${app.url}/register_node`, { id: 'tokyo', url: origin.url, location: 'Tokyo', capacity: 10 }, auth)).status).toBe(200);
    const { page, errors } = await openPage();
    try {
      await page.goto(`${app.url}/dashboard`);
      await expect.poll(() => page.locator('#connection').textContent(), { timeout: 5_000 }).toBe('Token needed');
      expect(await page.locator('#token-panel').isVisible()).toBe(true);
      await page.locator('#token-input').fill(ADMIN);
      await page.locator('#token-form button[type=submit]').click();
      await row(page, 'tokyo').waitFor({ timeout: 5_000 });
      expect(await page.locator('#connection').textContent()).toBe('Live');
      expect(await page.evaluate(() => (globalThis as unknown as { sessionStorage: { getItem(key: string): string | null } }).sessionStorage.getItem('cdn-dashboard-token'))).toBe(ADMIN);

      await page.locator('form[data-action=purge] select[name=kind]').selectOption('prefixes');
      await page.locator('form[data-action=purge] textarea').fill('/cdn/');
      await page.locator('form[data-action=purge] button[type=submit]').click();
      await page.locator('#activity li[data-state=done]').waitFor({ timeout: 10_000 });
      const id = await page.locator('#activity li').first().getAttribute('data-operation');
      expect((await get(`${app.url}/operations/${id}`, auth)).body).toMatchObject({ complete: true, request: { prefixes: ['/cdn/'] } });
      expect(errors).toEqual([]);
    } finally {
      await page.close();
      await app.stop();
      await origin.close();
    }
  });
});

describe('the dashboard with 1,000 nodes', () => {
  it('renders within seconds, pages the table and filters it at once', async () => {
    const origin = await startCacheableOrigin('fleet');
    const app = await startApp('allInOne', ['--health-interval', '10'], { cwd: tempDir() });
    try {
      const ids = Array.from({ length: 1000 }, (_, i) => `node-${String(i).padStart(4, '0')}`);
      for (let i = 0; i < ids.length; i += 25) {
        await Promise.all(ids.slice(i, i + 25).map((id, j) => post(`${app.url}/register_node`, { id, url: origin.url, location: `Region-${(i + j) % 7}`, capacity: 100 })));
      }
      const { page, errors } = await openPage();
      const started = Date.now();
      await page.goto(`${app.url}/dashboard`);
      await expect.poll(() => page.locator('#nodes [data-role=range]').textContent(), { timeout: 10_000 }).toBe('1–25 of 1000');
      const renderMs = Date.now() - started;
      console.log(`1,000 nodes: page listed them ${renderMs} ms after it was opened`);
      expect(renderMs).toBeLessThan(5_000);
      expect(await page.locator('#nodes tbody tr:not([hidden])').count()).toBe(25);
      await page.screenshot({ path: path.join(path.dirname(SCREENSHOT), 'dashboard-1000-nodes.png'), fullPage: true });

      const filtering = Date.now();
      await page.locator('#nodes [data-role=filter]').fill('node-0999');
      await expect.poll(() => page.locator('#nodes [data-role=range]').textContent(), { timeout: 2_000 }).toBe('1–1 of 1 (1000 in all)');
      console.log(`1,000 nodes: filter applied in ${Date.now() - filtering} ms`);
      expect(await page.locator('#nodes tbody tr:not([hidden])').getAttribute('data-node')).toBe('node-0999');

      await page.locator('#nodes [data-role=filter]').fill('region-3');
      await expect.poll(() => page.locator('#nodes [data-role=range]').textContent()).toMatch(/^1–25 of 14[23] \(1000 in all\)$/);
      await page.locator('#nodes [data-role=next]').click();
      expect(await page.locator('#nodes [data-role=range]').textContent()).toMatch(/^26–50 of/);
      // Still live: a change to one node of 1,000 arrives.
      await post(`${app.url}/register_node`, { id: 'node-0003', url: origin.url, location: 'Region-3', capacity: 999 });
      await page.locator('#nodes [data-role=filter]').fill('node-0003');
      await expect.poll(() => row(page, 'node-0003').locator('.load-text').textContent(), { timeout: 5_000 }).toBe('0 / 999');
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await app.stop();
      await origin.close();
    }
  }, 90_000);
});

describe('the dashboard of the split control plane', () => {
  it('lists the nodes and the edge that reports to it over NATS', async () => {
    const nats = await startNats();
    const origin = await startCacheableOrigin('split');
    const cp = await startApp('controlPlane', ['--nats-url', nats.url], { cwd: tempDir() });
    const edge = await startApp('edge', ['--nats-url', nats.url, '--edge-id', 'edge-a'], { cwd: tempDir() });
    expect((await post(`${cp.url}/register_node`, { id: 'split1', url: origin.url, location: 'Paris', capacity: 10 })).status).toBe(200);
    const { page, requests, errors } = await openPage();
    try {
      await page.goto(`${cp.url}/dashboard`);
      await row(page, 'split1').waitFor({ timeout: 10_000 });
      await page.locator('#edges tbody tr[data-edge="edge-a"]').waitFor({ timeout: 10_000 });
      await eventually(async () => (await get(`${edge.url}/cdn/x.txt`)).status === 200);
      expect(requests.filter((url) => new URL(url).origin !== new URL(cp.url).origin)).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
      await origin.close();
    }
  });
});

describe('the dashboard of other all-in-one layouts', () => {
  it('with --workers, streams through a worker, and a stopping server does not wait for the stream', async () => {
    const app = await startApp('allInOne', ['--workers', '2'], { cwd: tempDir() });
    const { page, errors } = await openPage();
    try {
      await page.goto(`${app.url}/dashboard`);
      await expect.poll(() => page.locator('#connection').textContent(), { timeout: 5_000 }).toBe('Live');
      expect(errors).toEqual([]);
      const stopping = Date.now();
      await app.stop();
      expect(Date.now() - stopping).toBeLessThan(3_000);
    } finally {
      await page.close();
    }
  });

  it('with --admin-port, is on the admin listener and not on the client port', async () => {
    const adminPort = await freePort();
    const app = await startApp('allInOne', ['--admin-port', String(adminPort)], { cwd: tempDir() });
    try {
      await waitForPort(adminPort);
      expect((await get(`http://127.0.0.1:${adminPort}/dashboard`)).status).toBe(200);
      const client = await get(`${app.url}/dashboard`);
      expect(client.status).toBe(404);
      expect(client.body).toMatchObject({ error: 'not_found' });
    } finally {
      await app.stop();
    }
  });
});
