/**
 * Issue 12: the admin API's documentation is the API. Every route the app registers is documented and nothing
 * else is; real answers fit the documented schemas and real errors are listed for their operation.
 */
import { EDGE_EVENTS, type EdgeReport, type ErrorCode } from '@cdn/shared';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import type { OperationView } from './cache/cache-operation';
import type { ClusterView } from './cluster/leadership';
import * as answers from './docs/answer-schemas';
import { API_OPERATIONS, type ApiOperation } from './docs/api-operations';
import { DOCS_ASSET_NAMES } from './docs/docs-assets';
import { errorCodesOf } from './docs/error-responses';
import { buildOpenApiDocument } from './docs/openapi-document';
import type { EdgeView } from './edges/edges.service';
import type { NodeDetail, NodeView } from './nodes/node-view';
import type { StatsReport } from './stats/stats-report';
import { controlPlaneStarter, eventually, LEVEL, messages, NODE1, RunningControlPlane } from './testing/start-control-plane';

const start = controlPlaneStarter();
const ADMIN = 'admin-token-0123456789abcdef';

/** "GET /nodes/{id}" for each route Express holds, as Nest registered them. */
function registeredRoutes(cp: RunningControlPlane): string[] {
  const stack: { route?: { path: string; methods: Record<string, boolean> } }[] = cp.cp.app.getHttpAdapter().getInstance().router.stack;
  return stack.flatMap(({ route }) => (route ? Object.keys(route.methods).map((method) => `${method.toUpperCase()} ${route.path.replace(/:(\w+)/g, '{$1}')}`) : [])).sort();
}

function documentedRoutes(): string[] {
  return Object.entries(buildOpenApiDocument().paths)
    .flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`))
    .sort();
}

/** The operation a request goes to: `/nodes/node1` matches `/nodes/{id}`. */
function operationOf(method: string, url: string): ApiOperation {
  const path = url.split('?')[0];
  const found = API_OPERATIONS.find((op) => op.method === method.toLowerCase() && new RegExp(`^${op.path.replace(/\{\w+\}/g, '[^/]+')}$`).test(path));
  if (!found) throw new Error(`no documented operation for ${method} ${path}`);
  return found;
}

/** Calls the API and checks the answer against the documented success answer. */
async function documentedCall(cp: RunningControlPlane, method: string, url: string, body?: unknown) {
  const res = await cp.call(method, url, body === undefined ? undefined : JSON.stringify(body));
  const { answer } = operationOf(method, url);
  expect(res.status, `${method} ${url}: ${JSON.stringify(res.body)}`).toBe(answer.status);
  if (answer.schema) answer.schema.parse(res.body);
  return res.body;
}

describe('route coverage', () => {
  it('documents exactly the routes the running app registers', async () => {
    const cp = await start();
    expect(documentedRoutes()).toEqual(registeredRoutes(cp));
  });
});

describe('answers', () => {
  it("the controllers' answer types are the documented schemas", () => {
    expectTypeOf<z.infer<typeof answers.nodeViewSchema>>().toEqualTypeOf<NodeView>();
    expectTypeOf<z.infer<typeof answers.nodeDetailSchema>>().toEqualTypeOf<NodeDetail>();
    expectTypeOf<z.infer<typeof answers.edgeViewSchema>>().toEqualTypeOf<EdgeView>();
    expectTypeOf<z.infer<typeof answers.clusterAnswer>>().toEqualTypeOf<ClusterView>();
    expectTypeOf<z.infer<typeof answers.operationAnswer>>().toEqualTypeOf<OperationView>();
    expectTypeOf<z.infer<typeof answers.statsAnswer>>().toEqualTypeOf<StatsReport>();
  });

  it('every success answer fits its documented schema', async () => {
    const cp = await start({ config: { adminTokens: [] } });
    cp.bus.events.publish(EDGE_EVENTS.report, { edgeId: 'edge-a', revision: 1, reportedAt: Date.now(), startedAt: Date.now() - 1000 } satisfies EdgeReport);
    await documentedCall(cp, 'POST', '/register_node', NODE1);
    await documentedCall(cp, 'POST', '/heartbeat/node1', { current_load: 2 });
    await documentedCall(cp, 'POST', '/heartbeat/node1');
    await documentedCall(cp, 'PATCH', '/nodes/node1', { state: 'draining' });
    await documentedCall(cp, 'GET', '/nodes');
    await documentedCall(cp, 'GET', '/nodes/node1');
    await eventually(async () => (await cp.call('GET', '/edges')).body.edges.length === 1);
    await documentedCall(cp, 'GET', '/edges');
    await documentedCall(cp, 'GET', '/cluster');
    const { operation_id } = await documentedCall(cp, 'POST', '/cache/purge', { urls: ['/a'], tags: ['t'] });
    await documentedCall(cp, 'GET', `/operations/${operation_id}`);
    const warm = await documentedCall(cp, 'POST', '/cache/warm', { urls: ['/a'] });
    await documentedCall(cp, 'GET', `/operations/${warm.operation_id}`);
    await documentedCall(cp, 'POST', '/toggle_cache');
    await documentedCall(cp, 'GET', '/stats');
    await documentedCall(cp, 'GET', '/healthz');
    await documentedCall(cp, 'GET', '/readyz');
    await documentedCall(cp, 'DELETE', '/nodes/node1');
  });

  it('the node token answers fit their schemas', async () => {
    const cp = await start({ config: { adminTokens: [ADMIN] } });
    const auth = { authorization: `Bearer ${ADMIN}` };
    const registered = await cp.call('POST', '/register_node', JSON.stringify(NODE1), auth);
    expect(answers.registerAnswer.parse(registered.body).node_token).toBeTypeOf('string');
    const issued = await cp.call('POST', '/nodes/node1/token', undefined, auth);
    expect(issued.status).toBe(200);
    answers.nodeTokenAnswer.parse(issued.body);
  });
});

describe('errors', () => {
  it.each<[string, string, string | undefined, Record<string, string> | undefined, ErrorCode]>([
    ['POST', '/register_node', '{"id": "x"}', undefined, 'invalid_node'],
    ['POST', '/register_node', '{', undefined, 'invalid_json'],
    ['POST', '/register_node', JSON.stringify(NODE1), { 'content-type': 'text/plain' }, 'unsupported_media_type'],
    ['POST', '/heartbeat/nobody', undefined, undefined, 'node_not_found'],
    ['GET', '/nodes/nobody', undefined, undefined, 'node_not_found'],
    ['PATCH', '/nodes/node1', '{"state": "asleep"}', undefined, 'invalid_request'],
    ['POST', '/cache/purge', '{"url": ["/a"]}', undefined, 'invalid_request'],
    ['POST', '/cache/warm', 'x'.repeat(2 * 1024 * 1024), undefined, 'payload_too_large'],
    ['GET', '/operations/nothing', undefined, undefined, 'operation_not_found'],
    ['GET', '/docs/index.html', undefined, undefined, 'not_found'],
  ])('%s %s answers a documented error', async (method, url, body, headers, code) => {
    const cp = await start();
    await cp.call('POST', '/register_node', JSON.stringify(NODE1));
    const res = await cp.call(method, url, body, headers);
    expect(res.body.error).toBe(code);
    expect(errorCodesOf(operationOf(method, url))).toContain(code);
  });

  it('with tokens, refusals are documented for admin calls while the documentation stays open', async () => {
    const cp = await start({ config: { adminTokens: [ADMIN] } });
    const refused = await cp.call('GET', '/nodes');
    expect(refused.status).toBe(401);
    expect(errorCodesOf(operationOf('GET', '/nodes'))).toContain(refused.body.error);
    for (const path of ['/docs', '/docs-json', ...DOCS_ASSET_NAMES.map((name) => `/docs/${name}`)]) expect((await cp.call('GET', path)).status, path).toBe(200);
  });
});

describe('GET /docs-json and /docs', () => {
  it('serves the document, and logs and counts it', async () => {
    const cp = await start();
    const res = await cp.call('GET', '/docs-json');
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.body).toEqual(buildOpenApiDocument());
    await cp.call('GET', '/docs-json');
    expect(messages(cp.logs, LEVEL.info).filter((m) => m.startsWith('Built the OpenAPI document of the admin API'))).toHaveLength(1);
    expect(await cp.registry.getSingleMetricAsString('cdn_cp_docs_requests_total')).toContain('cdn_cp_docs_requests_total{file="docs-json"} 2');
  });

  it('serves a page that loads only files of its own, each with its media type, under a policy that forbids anything else', async () => {
    const cp = await start();
    const page = await fetch(`${cp.url}/docs`);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'; script-src 'self'");
    const html = await page.text();
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    const loaded = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]).filter((url) => url !== '/docs-json');
    expect(loaded.sort()).toEqual(DOCS_ASSET_NAMES.map((name) => `/docs/${name}`).sort());
    const types: Record<string, string> = { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8', png: 'image/png' };
    for (const url of loaded) {
      const asset = await fetch(cp.url + url);
      expect(asset.status, url).toBe(200);
      expect(asset.headers.get('content-type'), url).toBe(types[url.split('.').pop()!]);
      expect((await asset.arrayBuffer()).byteLength, url).toBeGreaterThan(100);
    }
    const script = await (await fetch(`${cp.url}/docs/docs.js`)).text();
    expect(script).toContain("url: '/docs-json'");
    expect(script).toContain('validatorUrl: null');
    expect(await (await fetch(`${cp.url}/docs/swagger-ui-bundle.js`)).text()).not.toContain('sourceMappingURL');
  });

  it('answers a browser revalidating an unchanged file with 304 and no body', async () => {
    const cp = await start();
    const first = await fetch(`${cp.url}/docs/swagger-ui-bundle.js`);
    await first.arrayBuffer();
    expect(first.headers.get('cache-control')).toBe('no-cache');
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]{27}"$/);
    const again = await fetch(`${cp.url}/docs/swagger-ui-bundle.js`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect((await fetch(`${cp.url}/docs/swagger-ui-bundle.js`, { headers: { 'if-none-match': '"other"' } })).status).toBe(200);
  });
});
