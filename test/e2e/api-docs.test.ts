/**
 * Issue 12: the built control plane and all-in-one server serve their OpenAPI document at /docs-json and a page
 * rendering it at /docs, with every file from themselves; every documented operation is routed and answers
 * only what the document says.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterEach, describe, expect, it } from 'vitest';
import { get } from '../support/http';
import { eventually, freePort } from '../support/ports';
import { startApp, startNats, stopAll, tempDir } from '../support/processes';

const TOKEN = 'api-docs-admin-token-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };

afterEach(() => stopAll());

/**
 * The page as Debian's Chromium renders it, scripts run, under the page's own Content-Security-Policy: a file it
 * could not load, or a script the policy blocked, leaves no operation drawn. Its own profile, so that runs in
 * parallel do not share one.
 */
async function renderedPage(url: string): Promise<string> {
  const args = ['--headless', '--no-sandbox', '--disable-gpu', `--user-data-dir=${tempDir('chromium-')}`, '--virtual-time-budget=15000', '--dump-dom', url];
  const { stdout } = await promisify(execFile)('/usr/bin/chromium', args, { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/** Fetches and checks the document, the page and the page's largest file; answers the document. */
async function checkDocs(base: string): Promise<any> {
  const json = await get(`${base}/docs-json`);
  expect(json.status).toBe(200);
  expect(json.headers.get('content-type')).toBe('application/json; charset=utf-8');
  const validator = new Validator();
  expect(await validator.validate(structuredClone(json.body))).toEqual({ valid: true });
  expect(validator.version).toBe('3.1');

  const page = await get(`${base}/docs`);
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(page.text).toContain('<script src="/docs/swagger-ui-bundle.js">');
  expect(page.text).not.toMatch(/(src|href)="(https?:)?\/\//);

  const bundle = await get(`${base}/docs/swagger-ui-bundle.js`);
  expect(bundle.status).toBe(200);
  expect(bundle.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  expect(bundle.text.length).toBeGreaterThan(1_000_000);
  expect(bundle.text).toContain('SwaggerUIBundle');
  return json.body;
}

/** One call as an admin; a stream of events is left after its headers (it never ends). */
async function answerOf(url: string, method: string, body: string | undefined): Promise<{ status: number; text: string }> {
  const aborter = new AbortController();
  const headers = { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
  const res = await fetch(url, { method, headers, body, signal: aborter.signal });
  const streaming = res.headers.get('content-type')?.startsWith('text/event-stream') ?? false;
  const text = streaming ? '' : await res.text();
  aborter.abort();
  return { status: res.status, text };
}

/**
 * Calls every documented operation harmlessly (unknown ids, bodies that fail validation) and checks that each
 * is routed, answering either its documented success or one of its documented errors.
 */
async function checkEveryOperationAnswersAsDocumented(base: string, document: any): Promise<void> {
  const checked: string[] = [];
  for (const [path, methods] of Object.entries<any>(document.paths)) {
    for (const [method, operation] of Object.entries<any>(methods)) {
      const url = path.replace(/\{(\w+)\}/g, (_, name: string) => operation.parameters.find((p: any) => p.name === name).schema.enum?.[0] ?? 'no-such-thing');
      const res = await answerOf(base + url, method.toUpperCase(), operation.requestBody ? '{}' : undefined);
      const documented = operation.responses[String(res.status)];
      expect(documented, `${method.toUpperCase()} ${url} answered ${res.status} ${res.text.slice(0, 200)}`).toBeDefined();
      if (res.status >= 400) expect(documented.content['application/json'].schema.allOf[1].properties.error.enum, `${method} ${url}`).toContain(JSON.parse(res.text).error);
      checked.push(`${method.toUpperCase()} ${path}`);
    }
  }
  expect(checked.length).toBeGreaterThanOrEqual(19);
}

describe('API documentation on the built programs', () => {
  it('split control plane: /docs, /docs-json and the assets are served without a token; every operation answers as documented', async () => {
    const nats = await startNats();
    const cp = await startApp('controlPlane', ['--nats-url', nats.url, '--admin-token', TOKEN]);
    await eventually(async () => (await get(`${cp.url}/readyz`)).status === 200, 15_000);
    const document = await checkDocs(cp.url);
    expect((await get(`${cp.url}/nodes`)).status).toBe(401);
    await checkEveryOperationAnswersAsDocumented(cp.url, document);
    // Once by checkDocs, once by the walk over every operation.
    expect((await get(`${cp.url}/metrics`)).text).toMatch(/cdn_cp_docs_requests_total\{file="docs-json"\} 2/);
    await eventually(() => /Built the OpenAPI document of the admin API \(\d+ operations/.test(cp.output), 3_000);
  });

  it('all-in-one: the same document on the one port', async () => {
    const app = await startApp('allInOne', ['--admin-token', TOKEN]);
    await eventually(async () => (await get(`${app.url}/readyz`)).status === 200, 15_000);
    const document = await checkDocs(app.url);
    await checkEveryOperationAnswersAsDocumented(app.url, document);

    const dom = await renderedPage(`${app.url}/docs`);
    const drawn = new Set([...dom.matchAll(/class="opblock-summary-path" data-path="([^"]+)"/g)].map((m) => m[1]));
    expect([...drawn].sort()).toEqual(Object.keys(document.paths).sort());
    expect(dom).toContain('CDN management system: admin API');
  }, 90_000);

  it('all-in-one with --admin-port: the documentation is where the admin API is, not on the client port', async () => {
    const adminPort = await freePort();
    const app = await startApp('allInOne', ['--admin-port', String(adminPort)]);
    const admin = `http://127.0.0.1:${adminPort}`;
    await eventually(async () => (await get(`${admin}/healthz`)).status === 200, 5_000);
    await checkDocs(admin);
    for (const path of ['/docs', '/docs-json', '/docs/swagger-ui-bundle.js']) expect((await get(app.url + path)).body).toMatchObject({ error: 'not_found' });
  });
});
