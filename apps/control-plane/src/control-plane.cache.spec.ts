import { CacheCommand, CacheReceipt, EDGE_EVENTS } from '@cdn/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually, LEVEL, messages, RunningControlPlane, startControlPlane } from './testing/start-control-plane';

let cp: RunningControlPlane;
/** Every cache command a fake edge heard on the bus. */
let heard: CacheCommand[];
beforeEach(async () => {
  cp = await startControlPlane();
  heard = [];
  cp.bus.cacheCommands.subscribe((command) => heard.push(command));
});
afterEach(() => cp.close());

const post = (path: string, body: unknown) => cp.call('POST', path, typeof body === 'string' ? body : JSON.stringify(body), { 'content-type': 'application/json' });

/** Makes a fake edge live, as its periodic report does. */
async function edgeComesUp(edgeId: string): Promise<void> {
  cp.bus.events.publish(EDGE_EVENTS.report, { edgeId, revision: 1, reportedAt: Date.now(), startedAt: Date.now() });
  await eventually(async () => (await cp.call('GET', '/edges')).body.edges.some((e: { id: string }) => e.id === edgeId));
}

function answer(operationId: string, edgeId: string, overrides: Partial<CacheReceipt> = {}): void {
  cp.bus.events.publish(EDGE_EVENTS.receipt, { operationId, edgeId, applied: true, entriesAffected: 3, errors: [], finishedAt: Date.now(), ...overrides });
}

describe('POST /cache/purge', () => {
  it('answers 202 with an operation id, broadcasts the purge, and completes once every live edge answered', async () => {
    await edgeComesUp('edge-b');
    await edgeComesUp('edge-a');
    const res = await post('/cache/purge', { urls: ['/images/a.png', 'https://cdn.example.com/cdn/b.css?v=2'], prefixes: ['/js/'], tags: ['product-42'], soft: true });
    expect(res.status).toBe(202);
    const id = res.body.operation_id as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);

    await eventually(() => heard.length === 1);
    expect(heard[0]).toEqual({
      type: 'purge',
      operationId: id,
      urls: ['/cdn/images/a.png', '/cdn/b.css?v=2'],
      prefixes: ['/cdn/js/'],
      tags: ['product-42'],
      soft: true,
      sharedTierBy: 'edge-a',
      issuedAt: expect.any(Number),
    });

    const pending = await cp.call('GET', `/operations/${id}`);
    expect(pending).toMatchObject({
      status: 200,
      body: { operation_id: id, type: 'purge', complete: false, completed_at: null, shared_tier_by: 'edge-a', expected_edges: ['edge-a', 'edge-b'], pending_edges: ['edge-a', 'edge-b'], receipts: [], warnings: [] },
    });
    expect(pending.body.request).toEqual({ urls: ['/cdn/images/a.png', '/cdn/b.css?v=2'], prefixes: ['/cdn/js/'], tags: ['product-42'], soft: true });
    expect(Number.isNaN(Date.parse(pending.body.created_at))).toBe(false);

    answer(id, 'edge-a');
    await eventually(async () => (await cp.call('GET', `/operations/${id}`)).body.receipts.length === 1);
    expect((await cp.call('GET', `/operations/${id}`)).body).toMatchObject({ complete: false, pending_edges: ['edge-b'] });

    answer(id, 'edge-b', { entriesAffected: 4, errors: ['shared tier unavailable: ECONNREFUSED'] });
    const done = await eventually(async () => {
      const { body } = await cp.call('GET', `/operations/${id}`);
      return body.complete ? body : undefined;
    });
    expect(done.pending_edges).toEqual([]);
    expect(Number.isNaN(Date.parse(done.completed_at))).toBe(false);
    expect(done.receipts).toEqual([
      { edge: 'edge-a', applied: true, entries_affected: 3, errors: [], finished_at: expect.any(String) },
      { edge: 'edge-b', applied: true, entries_affected: 4, errors: ['shared tier unavailable: ECONNREFUSED'], finished_at: expect.any(String) },
    ]);

    expect(messages(cp.logs, LEVEL.info)).toContain(`Cache purge ${id} sent to 2 edges (urls=2, prefixes=1, tags=1, soft=true)`);
    expect(messages(cp.logs, LEVEL.info)).toContain(`Cache operation ${id} complete: 2 edges, 7 entries affected`);
    expect(messages(cp.logs, LEVEL.warn)).toContain(`Cache purge ${id}: edge edge-b finished with errors (4 entries affected): shared tier unavailable: ECONNREFUSED`);
    const metrics = await cp.registry.metrics();
    expect(metrics).toContain('cdn_cp_cache_operations_accepted_total{type="purge"} 1');
    expect(metrics).toContain('cdn_cp_cache_receipts_total{type="purge",result="ok"} 1');
    expect(metrics).toContain('cdn_cp_cache_receipts_total{type="purge",result="errors"} 1');
    expect(metrics).toContain('cdn_cp_cache_operations_pending 0');
  });

  it('is complete at once, with a warning, when no edge is live', async () => {
    const res = await post('/cache/purge', { tags: ['t'] });
    expect(res.status).toBe(202);
    const { body } = await cp.call('GET', `/operations/${res.body.operation_id}`);
    expect(body).toMatchObject({ complete: true, shared_tier_by: null, expected_edges: [], pending_edges: [], receipts: [] });
    expect(body.warnings).toEqual([expect.stringContaining('the shared (Redis) tier was not purged')]);
    expect(messages(cp.logs, LEVEL.warn)).toContainEqual(expect.stringContaining(`Cache purge ${res.body.operation_id}: No edge was live`));
  });

  it('shows an operation as pending in the gauge until its receipt arrives', async () => {
    await edgeComesUp('edge-a');
    const { body } = await post('/cache/purge', { urls: ['/a'] });
    expect(await cp.registry.metrics()).toContain('cdn_cp_cache_operations_pending 1');
    answer(body.operation_id, 'edge-a');
    await eventually(async () => (await cp.registry.metrics()).includes('cdn_cp_cache_operations_pending 0'));
  });

  it('answers 400 invalid_request naming every bad field', async () => {
    const res = await post('/cache/purge', { urls: ['images/a.png'], prefixes: 'x', soft: 'no' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: 'invalid_request',
      message: expect.stringContaining('Invalid cache purge request: urls[0] must be an absolute http(s) URL or a path starting with /'),
      fields: { 'urls[0]': 'must be an absolute http(s) URL or a path starting with /, with "%" followed by two hexadecimal digits', prefixes: 'must be a list of strings', soft: 'must be true or false' },
    });
    expect((await post('/cache/purge', {})).body).toMatchObject({ error: 'invalid_request', fields: { body: expect.any(String) } });
    expect((await cp.call('POST', '/cache/purge')).body).toMatchObject({ error: 'invalid_request', fields: { body: 'must be a JSON object' } });
    expect(heard).toEqual([]);
  });

  it('answers 400 invalid_json for a malformed body', async () => {
    const res = await post('/cache/purge', '{"urls": [');
    expect(res).toMatchObject({ status: 400, body: { error: 'invalid_json' } });
  });

  it('accepts 1000 long URLs (more than the usual 64 KiB body)', async () => {
    const urls = Array.from({ length: 1000 }, (_, i) => `/images/${'x'.repeat(100)}-${i}.png`);
    const res = await post('/cache/purge', { urls });
    expect(res.status).toBe(202);
  });
});

describe('POST /cache/warm', () => {
  it('answers 202, broadcasts the warm and completes on the receipt', async () => {
    await edgeComesUp('edge-a');
    const res = await post('/cache/warm', { urls: ['/a.png', 'http://cdn.example.com/cdn/b.png'] });
    expect(res.status).toBe(202);
    const id = res.body.operation_id as string;
    await eventually(() => heard.length === 1);
    expect(heard[0]).toEqual({ type: 'warm', operationId: id, urls: ['/cdn/a.png', '/cdn/b.png'], issuedAt: expect.any(Number) });
    expect((await cp.call('GET', `/operations/${id}`)).body).toMatchObject({ type: 'warm', complete: false, request: { urls: ['/cdn/a.png', '/cdn/b.png'] }, pending_edges: ['edge-a'] });
    expect((await cp.call('GET', `/operations/${id}`)).body).not.toHaveProperty('shared_tier_by');

    answer(id, 'edge-a', { entriesAffected: 1, errors: ['GET /cdn/b.png: node answered 500'] });
    await eventually(async () => (await cp.call('GET', `/operations/${id}`)).body.complete === true);
    expect(messages(cp.logs, LEVEL.info)).toContain(`Cache warm ${id} sent to 1 edges (urls=2)`);
    expect(messages(cp.logs, LEVEL.info)).toContain(`Cache operation ${id} complete: 1 edges, 1 entries affected`);
    expect(await cp.registry.metrics()).toContain('cdn_cp_cache_operations_accepted_total{type="warm"} 1');
  });

  it('answers 400 without urls', async () => {
    const res = await post('/cache/warm', { urls: [] });
    expect(res).toMatchObject({ status: 400, body: { error: 'invalid_request', fields: { urls: expect.stringContaining('is required') } } });
  });
});

describe('GET /operations/<id>', () => {
  it('answers 404 operation_not_found for an unknown id', async () => {
    const res = await cp.call('GET', '/operations/no-such-op');
    expect(res).toMatchObject({ status: 404, body: { error: 'operation_not_found', operation_id: 'no-such-op' } });
  });

  it('forgets operations after one hour', async () => {
    const { body } = await post('/cache/warm', { urls: ['/a'] });
    cp.clock.advance(60 * 60_000);
    expect((await cp.call('GET', `/operations/${body.operation_id}`)).status).toBe(404);
  });
});

describe('cache receipts', () => {
  it('ignores an invalid receipt with a WARNING', async () => {
    cp.bus.events.publish(EDGE_EVENTS.receipt, { operationId: 'x' } as unknown as CacheReceipt);
    await eventually(() => messages(cp.logs, LEVEL.warn).some((m) => m.startsWith('Ignored an invalid cache receipt: edgeId')));
  });
});

describe('POST /toggle_cache', () => {
  it('keeps working beside the cache operations', async () => {
    expect((await cp.call('POST', '/toggle_cache')).body).toEqual({ status: 'Cache is now disabled' });
  });
});
