import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import { invalidatedTargets } from './invalidation';

const HOSTS = { clientHost: 'cdn.example:8080', nodeHost: 'node1.internal:9000' };
const TARGET = '/cdn/items/1?x=1';

describe('invalidatedTargets', () => {
  it.each<[string, string, number, string[]]>([
    ['POST 200', 'POST', 200, [TARGET]],
    ['PUT 201', 'PUT', 201, [TARGET]],
    ['DELETE 204', 'DELETE', 204, [TARGET]],
    ['PATCH 302', 'PATCH', 302, [TARGET]],
    ['an unknown method', 'PURGEALL', 200, [TARGET]],
    ['GET', 'GET', 200, []],
    ['HEAD', 'HEAD', 200, []],
    ['OPTIONS', 'OPTIONS', 200, []],
    ['TRACE', 'TRACE', 200, []],
    ['POST 404', 'POST', 404, []],
    ['POST 500', 'POST', 500, []],
    ['POST 100', 'POST', 100, []],
  ])('%s invalidates %j', (_name, method, status, expected) => {
    expect(invalidatedTargets(method, status, TARGET, {}, HOSTS)).toEqual(expected);
  });

  it.each<[string, IncomingHttpHeaders, string[]]>([
    ['a path-absolute Location', { location: '/items/2?y=2' }, [TARGET, '/cdn/items/2?y=2']],
    ['a path-absolute Content-Location', { 'content-location': '/items/3' }, [TARGET, '/cdn/items/3']],
    ['both', { location: '/a', 'content-location': '/b' }, [TARGET, '/cdn/a', '/cdn/b']],
    ['a Location on the node host', { location: 'http://node1.internal:9000/items/4?z=1' }, [TARGET, '/cdn/items/4?z=1']],
    ['a Location on the node host, any case', { location: 'HTTP://NODE1.internal:9000/items/4' }, [TARGET, '/cdn/items/4']],
    ['a Location on the client host under /cdn/', { location: 'https://cdn.example:8080/cdn/items/5' }, [TARGET, '/cdn/items/5']],
    ['a Location on the client host outside /cdn/', { location: 'https://cdn.example:8080/admin' }, [TARGET]],
    ['a Location on another host', { location: 'http://elsewhere.example/items/6' }, [TARGET]],
    ['a Location on the node host name with another port', { location: 'http://node1.internal/items/6' }, [TARGET]],
    ['a relative Location', { location: 'items/7' }, [TARGET]],
    ['a protocol-relative Location on the node host', { location: '//node1.internal:9000/items/8' }, [TARGET, '/cdn/items/8']],
    ['a fragment', { location: '/items/9#top' }, [TARGET, '/cdn/items/9']],
    ['a Location equal to the target', { location: '/items/1?x=1' }, [TARGET]],
    ['an unparsable URL', { location: 'http://[bad' }, [TARGET]],
    ['a Location in another spelling, in normal form', { location: '/items//2/./x/../%33' }, [TARGET, '/cdn/items/2/3']],
    ['a Location on the node host in another spelling', { location: 'http://node1.internal:9000/%69tems/../../5' }, [TARGET, '/cdn/5']],
    ['a Location with a malformed escape', { location: '/items/%zz' }, [TARGET]],
  ])('adds %s', (_name, headers, expected) => {
    expect(invalidatedTargets('POST', 201, TARGET, headers, HOSTS)).toEqual(expected);
  });

  it('ignores the client host when the request had none', () => {
    expect(invalidatedTargets('POST', 200, TARGET, { location: 'https://cdn.example:8080/cdn/x' }, { clientHost: undefined, nodeHost: 'n:1' })).toEqual([TARGET]);
  });
});
