/**
 * Property-based fuzzing of the admin API on the built all-in-one server: whatever arrives, the answer
 * is never a 5xx, the server never dies, and a rejected request leaves the registry as it was.
 */
import fc from 'fast-check';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOrigin, Origin } from '../support/origin';
import { startApp, stopAll, tempDir } from '../support/processes';

const TOKEN = 'fuzzing-admin-token-0123456789';

const ids = fc.oneof(
  fc.constantFrom('node1', 'node2', '__proto__', 'constructor', 'toString', '.', '..', '', 'a'.repeat(65), 'nöde', 'x y', '%2e%2e', 'node1%00'),
  fc.string({ minLength: 0, maxLength: 12 }),
);
const urls = fc.oneof(
  fc.constantFrom('http://127.0.0.1:1', 'https://cdn1.example.com', 'http:/127.0.0.1:31101', 'http:host', 'http:\\\\host', 'http://user:pw@h/', 'http://h/?token=abc', 'http://h/#f', 'ftp://h', 'javascript:alert(1)', 'http://[::1]:8080', 'http://169.254.169.254/', 'http://h\r\nX: y'),
  fc.webUrl(),
  fc.string({ maxLength: 30 }),
);
const numbers = fc.oneof(fc.constantFrom(1, 100, 0, -1, 1e308, -1e308, 1.5, Number.MAX_SAFE_INTEGER), fc.double(), fc.integer(), fc.string({ maxLength: 5 }), fc.constant(null));
const registration = fc.record(
  { id: ids, url: urls, location: fc.oneof(fc.constantFrom('Beijing', 'CN/Beijing', 'x\nERROR forged', ''), fc.string({ maxLength: 20 })), capacity: numbers, heartbeat_interval: numbers, lat: numbers, lon: numbers },
  { requiredKeys: [] },
);
const validRegistration = fc.record({ id: fc.constantFrom('node1', 'node2', 'node3', '__proto__', 'constructor', '..'), location: fc.constantFrom('Beijing', 'CN/Shanghai'), capacity: fc.integer({ min: 1, max: 1000 }) });
const bodies = fc.oneof(
  validRegistration.map((r) => JSON.stringify({ ...r, url: 'http://127.0.0.1:9' })),
  registration.map((r) => JSON.stringify(r)),
  fc.json({ maxDepth: 3 }),
  fc.string({ maxLength: 60 }),
  fc.constantFrom('', '{', '{"id":', 'null', '[]', '{"__proto__":{"x":1}}', '{"state":"draining"}', '{"urls":["/cdn/a"]}', '{"current_load":1e308}'),
);
const paths = fc.oneof(
  fc.constant('/register_node'),
  fc.tuple(fc.constantFrom('/register_node', '/nodes', '/toggle_cache', '/edges', '/cache/purge', '/cache/warm', '/metrics', '/healthz', '/readyz'), fc.constantFrom('', '?x=1', '/', '//', '?%zz')).map(([p, q]) => p + q),
  fc.tuple(fc.constantFrom('/heartbeat/', '/nodes/', '/operations/'), ids).map(([p, id]) => p + encodeURIComponent(id)),
  fc.string({ maxLength: 20 }).map((s) => `/${s}`),
);
const anyRequest = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'),
  path: paths,
  body: fc.option(bodies, { nil: undefined }),
  contentType: fc.constantFrom(undefined, 'application/json', 'application/json; charset=utf-8', 'text/plain', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded'),
  auth: fc.constantFrom('none', 'admin', 'wrong'),
  origin: fc.constantFrom(undefined, 'https://evil.example.com'),
});
/** Well-formed registrations with the admin token, so that the registry has something to lose. */
const goodRegistration = validRegistration.map((r) => ({
  method: 'POST',
  path: '/register_node',
  body: JSON.stringify({ ...r, url: 'http://127.0.0.1:9' }),
  contentType: 'application/json' as string | undefined,
  auth: 'admin',
  origin: undefined as string | undefined,
}));
const requests = fc.oneof({ arbitrary: anyRequest, weight: 5 }, { arbitrary: goodRegistration, weight: 1 });

describe('admin API fuzzing', () => {
  let app: Awaited<ReturnType<typeof startApp>>;
  let origin: Origin;
  let dir: string;

  beforeAll(async () => {
    origin = await startOrigin('origin');
    dir = tempDir();
    app = await startApp('allInOne', ['--admin-token', TOKEN, '--log-file', '-'], { cwd: dir });
  });
  afterAll(async () => {
    await stopAll();
    await origin.close();
  });

  function savedIds(): string[] {
    const file = path.join(dir, 'cdn_nodes.json');
    return fs.existsSync(file) ? Object.keys(JSON.parse(fs.readFileSync(file, 'utf8'))).sort() : [];
  }

  async function registry(): Promise<string> {
    const res = await fetch(`${app.url}/nodes`, { headers: { authorization: `Bearer ${TOKEN}` } });
    // Loads and heartbeat times move on by themselves; what a request may change is which nodes exist and how they are set up.
    const { nodes } = (await res.json()) as { nodes: Array<Record<string, unknown>> };
    return JSON.stringify(nodes.map(({ id, url, location, capacity }) => ({ id, url, location, capacity })));
  }

  it('never answers 5xx, never dies, and a rejected request changes nothing', async () => {
    let before = await registry();
    await fc.assert(
      fc.asyncProperty(requests, async (r) => {
        const headers: Record<string, string> = {};
        if (r.contentType) headers['content-type'] = r.contentType;
        if (r.auth === 'admin') headers.authorization = `Bearer ${TOKEN}`;
        if (r.auth === 'wrong') headers.authorization = 'Bearer not-the-token-at-all-0000';
        if (r.origin) headers.origin = r.origin;
        const body = r.method === 'GET' || r.method === 'HEAD' ? undefined : r.body;
        const res = await fetch(`${app.url}${r.path}`, { method: r.method, headers, body });
        await res.arrayBuffer();
        expect(res.status, `${r.method} ${r.path} ${body ?? ''}`).toBeLessThan(500);
        const after = await registry();
        const request = `${r.method} ${r.path} ${body ?? ''} answered ${res.status}`;
        if (res.status >= 400) expect(after, request).toBe(before);
        // What is shown was saved: the same nodes are in the file.
        expect(savedIds(), request).toEqual(JSON.parse(after).map((n: { id: string }) => n.id).sort());
        before = after;
      }),
      // The server's state carries from run to run, so a shrunk replay would not mean the same: report the first failure as it was.
      { numRuns: 2_000, interruptAfterTimeLimit: 60_000, endOnFailure: true },
    );
    expect(app.child.exitCode).toBeNull();
    expect(JSON.parse(before).length, 'some registrations were accepted').toBeGreaterThan(0);
  }, 120_000);
});
