import { describe, expect, it } from 'vitest';
import { nodeIdSchema, storedNodeSchema, validateRegistration } from './node';
import { checkRouteNode } from './routing/routing-table';

const NODE1 = { id: 'node1', url: 'http://cdn1.example.com', location: 'Beijing', capacity: 100 };

function problems(body: Record<string, unknown>): Record<string, string> {
  const result = validateRegistration({ ...NODE1, ...body });
  return result.ok ? {} : result.fields;
}

describe('node registration rules', () => {
  // Hole 6: a plain object keyed by such an id reads the prototype, and "__proto__" is never saved.
  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'isPrototypeOf'])('rejects %s as a node id', (id) => {
    expect(problems({ id })).toEqual({ id: expect.stringContaining('is reserved') });
  });

  it('accepts ids that only resemble reserved names', () => {
    for (const id of ['proto', '__proto', 'Constructor', 'tostring', '...', '.x', 'x..']) expect(problems({ id }), id).toEqual({});
  });

  it.each(['.', '..'])('rejects %j as a node id: it cannot be addressed in a URL path', (id) => {
    expect(problems({ id })).toEqual({ id: 'must not be "." or "..": they cannot be addressed in a URL path' });
  });

  it.each(['node1\n', 'no de', 'node\u2028', 'ünïcode'])('rejects %j as a node id', (id) => {
    expect(problems({ id })).toEqual({ id: 'must be 1-64 characters of A-Z a-z 0-9 . _ -' });
  });

  it.each(['Beijing\nINFO forged line', 'Beijing\r', 'Bei\tjing', 'Beijing\u0085', 'Beijing\u2029', 'Beijing\u001b[31m'])('rejects control characters in location %j (log forging)', (location) => {
    expect(problems({ location })).toEqual({ location: expect.stringContaining('control characters') });
  });

  it('trims the location and bounds its length', () => {
    const result = validateRegistration({ ...NODE1, location: '  CN/Beijing ' });
    expect(result.ok && result.value.location).toBe('CN/Beijing');
    expect(problems({ location: 'x'.repeat(257) })).toEqual({ location: 'must be at most 256 characters' });
  });

  it.each([1e308, 1_000_001, Number.MAX_VALUE])('rejects capacity %d, which would overflow the weighted choice', (capacity) => {
    expect(problems({ capacity })).toEqual({ capacity: 'must be a positive number up to 1000000' });
  });

  it('accepts capacities up to 1000000, fractions included', () => {
    for (const capacity of [0.5, 1, 1_000_000]) expect(problems({ capacity })).toEqual({});
  });

  it('bounds heartbeat_interval to a day', () => {
    expect(problems({ heartbeat_interval: 1e308 })).toEqual({ heartbeat_interval: expect.stringContaining('positive integer') });
    expect(problems({ heartbeat_interval: 86_401 })).toEqual({ heartbeat_interval: 'must be a positive integer up to 86400' });
  });

  it('canonicalises the URL it accepts, and names what to write for one it does not', () => {
    const result = validateRegistration({ ...NODE1, url: 'HTTP://CDN1.example.com:80' });
    expect(result.ok && result.value.url).toBe('http://cdn1.example.com');
    expect(problems({ url: 'http:/127.0.0.1:31101' })).toEqual({ url: 'is not written the way URL parsers read it; write it as http://127.0.0.1:31101/' });
  });

  it('ignores a token hash smuggled into a registration', () => {
    const result = validateRegistration({ ...NODE1, token_sha256: 'a'.repeat(64) });
    expect(result.ok && 'token_sha256' in result.value).toBe(false);
  });
});

describe('one definition for registration, the nodes file and the routing table', () => {
  const urls = ['http://cdn1.example.com', 'HTTP://Cdn1.Example.com:80/', 'http:/127.0.0.1:31101', 'http:host', 'http:\\\\host', 'http://u:p@h/', 'http://h/?q', 'http://[::1]:80', 'https://h:8443/p/'];

  it.each(urls)('registration, the file and the routing table agree on %j', (url) => {
    const registered = validateRegistration({ ...NODE1, url });
    const stored = storedNodeSchema.safeParse({ url, location: 'Beijing', capacity: 100, heartbeat_interval: 10, last_heartbeat: '2024-01-01T00:00:00Z', is_active: true, fail_count: 0, current_load: 0 });
    let routed = true;
    try {
      checkRouteNode({ id: 'node1', url, location: 'Beijing', capacity: 100, status: 'active', load: 0 });
    } catch {
      routed = false;
    }
    expect(stored.success).toBe(registered.ok);
    expect(routed).toBe(registered.ok);
    // What registration stores is always publishable as it is.
    if (registered.ok) expect(checkRouteNode({ ...registered.value, status: 'active', load: 0 }).url).toBe(registered.value.url);
  });

  it('the routing table refuses reserved ids and oversized loads', () => {
    expect(() => checkRouteNode({ id: '__proto__', url: 'http://h', location: 'x', capacity: 1, status: 'active', load: 0 })).toThrow('is reserved');
    expect(() => checkRouteNode({ id: 'n', url: 'http://h', location: 'x', capacity: 1, status: 'active', load: 1e308 })).toThrow('up to 1000000000');
  });

  it('the id schema is the registration id rule', () => {
    expect(nodeIdSchema.safeParse('node1').success).toBe(true);
    expect(nodeIdSchema.safeParse('__proto__').success).toBe(false);
  });
});
