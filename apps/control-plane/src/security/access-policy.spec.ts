import { describe, expect, it } from 'vitest';
import { Credential, decideAccess, heartbeatTarget, isOpenPath, pathOf } from './access-policy';
import { bearerToken } from './bearer-token';

const admin: Credential = { kind: 'admin' };
const viewer: Credential = { kind: 'viewer' };
const node1: Credential = { kind: 'node', nodeId: 'node1' };

describe('decideAccess', () => {
  it('an admin token may do everything', () => {
    for (const method of ['GET', 'POST', 'PATCH', 'DELETE']) expect(decideAccess({ method, heartbeatOf: undefined, credential: admin })).toEqual({ allowed: true, as: 'admin' });
    expect(decideAccess({ method: 'POST', heartbeatOf: 'node2', credential: admin })).toEqual({ allowed: true, as: 'admin' });
  });

  it('a viewer token may read', () => {
    expect(decideAccess({ method: 'GET', heartbeatOf: undefined, credential: viewer })).toEqual({ allowed: true, as: 'viewer' });
    expect(decideAccess({ method: 'HEAD', heartbeatOf: undefined, credential: viewer })).toEqual({ allowed: true, as: 'viewer' });
  });

  it.each(['POST', 'PATCH', 'DELETE', 'PUT', 'OPTIONS'])('a viewer token cannot %s (403)', (method) => {
    expect(decideAccess({ method, heartbeatOf: undefined, credential: viewer })).toMatchObject({ allowed: false, status: 403, reason: 'read_only' });
  });

  it("a node token heartbeats its own node and nothing else", () => {
    expect(decideAccess({ method: 'POST', heartbeatOf: 'node1', credential: node1 })).toEqual({ allowed: true, as: 'node' });
    expect(decideAccess({ method: 'POST', heartbeatOf: 'node2', credential: node1 })).toMatchObject({ allowed: false, status: 403, reason: 'wrong_node' });
    expect(decideAccess({ method: 'GET', heartbeatOf: undefined, credential: node1 })).toMatchObject({ allowed: false, status: 403, reason: 'node_token_scope' });
    expect(decideAccess({ method: 'DELETE', heartbeatOf: undefined, credential: node1 })).toMatchObject({ allowed: false, status: 403, reason: 'node_token_scope' });
  });

  it('no token, another scheme or an unknown token is 401', () => {
    expect(decideAccess({ method: 'GET', heartbeatOf: undefined, credential: { kind: 'none' } })).toMatchObject({ allowed: false, status: 401, reason: 'missing_token' });
    expect(decideAccess({ method: 'GET', heartbeatOf: undefined, credential: { kind: 'malformed' } })).toMatchObject({ allowed: false, status: 401, reason: 'missing_token' });
    expect(decideAccess({ method: 'POST', heartbeatOf: 'node1', credential: { kind: 'unknown' } })).toMatchObject({ allowed: false, status: 401, reason: 'invalid_token' });
  });
});

describe('heartbeatTarget', () => {
  it('names the node of POST /heartbeat/<id>, decoded as the router decodes it', () => {
    expect(heartbeatTarget('POST', '/heartbeat/node1')).toBe('node1');
    expect(heartbeatTarget('POST', '/heartbeat/node1/')).toBe('node1');
    expect(heartbeatTarget('POST', '/heartbeat/node%31')).toBe('node1');
  });

  it('is undefined for anything spelled otherwise, so a node token gets no further', () => {
    for (const [method, path] of [['GET', '/heartbeat/node1'], ['POST', '/Heartbeat/node1'], ['POST', '/heartbeat/a/b'], ['POST', '/heartbeat/'], ['POST', '//heartbeat/node1'], ['POST', '/heartbeat/%E0%A4%A']]) {
      expect(heartbeatTarget(method, path), `${method} ${path}`).toBeUndefined();
    }
  });

  it('opens the probes, the metrics and the dashboard page and its files, exactly so spelled', () => {
    for (const path of ['/healthz', '/readyz', '/metrics', '/dashboard', '/dashboard/assets/main.js', '/dashboard/assets/dashboard.css', '/dashboard/assets/favicon.svg']) {
      expect(isOpenPath(path), path).toBe(true);
    }
    // The data needs a token; other spellings are not the page.
    for (const path of ['/dashboard/events', '/dashboard/', '/Dashboard', '/dashboard/assets/../events', '/dashboard/assets/x.json', '/dashboard/assets/sub/x.js', '/dashboard/assets/']) {
      expect(isOpenPath(path), path).toBe(false);
    }
  });

  it('pathOf drops the query', () => {
    expect(pathOf('/metrics?x=1')).toBe('/metrics');
    expect(pathOf(undefined)).toBe('/');
  });
});

describe('bearerToken', () => {
  it('reads Authorization: Bearer <token>, in any case of the scheme', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer  abc ')).toBe('abc');
  });

  it('tells a missing header from one of another form', () => {
    expect(bearerToken(undefined)).toBeUndefined();
    for (const header of ['Basic YWRtaW46YWRtaW4=', 'Bearer', 'Bearer a b', 'abc']) expect(bearerToken(header), header).toBeNull();
  });
});
