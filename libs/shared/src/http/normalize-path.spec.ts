import { describe, expect, it } from 'vitest';
import { normalizeTarget } from './normalize-path';

describe('normalizeTarget', () => {
  it.each([
    // Five spellings of one resource.
    ['/cdn/obj/a', '/cdn/obj/a'],
    ['/cdn/obj//a', '/cdn/obj/a'],
    ['/cdn/obj/%61', '/cdn/obj/a'],
    ['/cdn/obj/./a', '/cdn/obj/a'],
    ['/cdn/obj/x/../a', '/cdn/obj/a'],
    // Percent-encoding: unreserved decoded, the rest kept in upper case; an encoded slash is no separator.
    ['/cdn/%7Euser/%41%2d%5F%2E', '/cdn/~user/A-_.'],
    ['/cdn/a%2fb', '/cdn/a%2Fb'],
    ['/cdn/a%2Fb/../c', '/cdn/c'],
    ['/cdn/%25', '/cdn/%25'],
    ['/cdn/%252e%252e/x', '/cdn/%252e%252e/x'],
    ['/cdn/a%20b', '/cdn/a%20b'],
    // Characters that may not be raw in a path are encoded.
    ['/cdn/a b', '/cdn/a%20b'],
    ['/cdn/a\\b"<>^`{|}#', '/cdn/a%5Cb%22%3C%3E%5E%60%7B%7C%7D%23'],
    ['/cdn/café', '/cdn/caf%C3%A9'],
    // Dot segments never climb above the root, however they are spelt.
    ['/cdn/../x', '/cdn/x'],
    ['/cdn/../../../etc/passwd', '/cdn/etc/passwd'],
    ['/cdn/%2e%2e/%2E%2e/nodes', '/cdn/nodes'],
    ['/cdn/.%2e/x', '/cdn/x'],
    ['/cdn/..', '/cdn/'],
    ['/cdn/a/b/..', '/cdn/a/'],
    ['/cdn/a/.', '/cdn/a/'],
    ['/cdn/...', '/cdn/...'],
    ['/cdn/.well-known/x', '/cdn/.well-known/x'],
    // Trailing slash and the root.
    ['/cdn/a/', '/cdn/a/'],
    ['/cdn//', '/cdn/'],
    ['/cdn', '/cdn/'],
    ['/cdn/', '/cdn/'],
    // The query is the application's: kept as it is.
    ['/cdn/./a?x=%2e%2e&y=a//b&z=%zz', '/cdn/a?x=%2e%2e&y=a//b&z=%zz'],
    ['/cdn?v=1', '/cdn/?v=1'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeTarget(input, '/cdn')).toBe(expected);
  });

  it.each(['/cdn/%', '/cdn/%2', '/cdn/%zz', '/cdn/a%g1', '/cdn/\ud800'])('refuses the malformed %s', (input) => {
    expect(normalizeTarget(input, '/cdn')).toBeUndefined();
  });

  it('returns a target already in normal form as the same string', () => {
    const target = '/cdn/images/logo.png?v=3';
    expect(normalizeTarget(target, '/cdn')).toBe(target);
  });

  it('is idempotent', () => {
    for (const input of ['/cdn/a//b/./../%61%2f', '/cdn/%7e/..//x y', '/cdn/.%2E/%2e/']) {
      const once = normalizeTarget(input, '/cdn')!;
      expect(normalizeTarget(once, '/cdn')).toBe(once);
    }
  });

  it('normalises without a root too', () => {
    expect(normalizeTarget('/a/../../b//c')).toBe('/b/c');
  });
});
