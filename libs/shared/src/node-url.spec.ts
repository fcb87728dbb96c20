import { describe, expect, it } from 'vitest';
import { checkNodeUrl } from './node-url';

describe('checkNodeUrl', () => {
  it.each([
    ['http://cdn1.example.com', 'http://cdn1.example.com'],
    ['http://cdn1.example.com/', 'http://cdn1.example.com/'],
    ['https://cdn1.example.com:8443/base/path', 'https://cdn1.example.com:8443/base/path'],
    ['http://127.0.0.1:31101', 'http://127.0.0.1:31101'],
    ['http://[::1]:8080/', 'http://[::1]:8080/'],
    ['HTTP://CDN1.Example.COM', 'http://cdn1.example.com'],
    ['http://cdn1.example.com:80/x', 'http://cdn1.example.com/x'],
    ['https://cdn1.example.com:443', 'https://cdn1.example.com'],
  ])('accepts %s as %s', (raw, canonical) => {
    expect(checkNodeUrl(raw)).toEqual({ ok: true, url: canonical });
  });

  // Hole 1: the WHATWG parser repairs these, other parsers may not; registration used to accept them.
  it.each([
    ['http:/127.0.0.1:31101', 'http://127.0.0.1:31101/'],
    ['http:host', 'http://host/'],
    ['http:\\\\host', 'http://host/'],
    ['http:///host', 'http://host/'],
    ['http://0x7f.1/', 'http://127.0.0.1/'],
    ['http://host/a/../b', 'http://host/b'],
    ['http://host/a b', 'http://host/a%20b'],
    [' http://host', 'http://host/'],
    ['http://host:0080/', 'http://host/'],
    ['http://@host/', 'http://host/'],
  ])('refuses %j, saying to write %s', (raw, suggestion) => {
    expect(checkNodeUrl(raw)).toEqual({ ok: false, problem: `is not written the way URL parsers read it; write it as ${suggestion}` });
  });

  it('refuses a URL with credentials', () => {
    expect(checkNodeUrl('http://user:pass@cdn1.example.com')).toMatchObject({ ok: false, problem: expect.stringContaining('must not contain credentials') });
    expect(checkNodeUrl('http://user@cdn1.example.com')).toMatchObject({ ok: false, problem: expect.stringContaining('must not contain credentials') });
  });

  it('refuses a URL with a query or a fragment, even an empty one', () => {
    for (const raw of ['http://cdn1.example.com/?token=abc', 'http://cdn1.example.com/?']) expect(checkNodeUrl(raw)).toMatchObject({ ok: false, problem: expect.stringContaining('must not have a query') });
    for (const raw of ['http://cdn1.example.com/#x', 'http://cdn1.example.com#']) expect(checkNodeUrl(raw)).toMatchObject({ ok: false, problem: expect.stringContaining('must not have a fragment') });
  });

  it.each(['http://cdn1.example.com/\n', 'http://cdn1\t.example.com', 'http://cdn1.example.com/\u0085', 'http://cdn1.example.com/\u2028x', 'http://cdn1.example.com/\u007f'])(
    'refuses control characters in %j, which the parser would silently drop or encode',
    (raw) => {
      expect(checkNodeUrl(raw)).toMatchObject({ ok: false, problem: expect.stringContaining('control characters') });
    },
  );

  it.each(['ftp://x', 'cdn1.example.com', '/relative', 'http://', 'javascript:alert(1)', 'http://a b/'])('refuses %j as not an http(s) URL', (raw) => {
    expect(checkNodeUrl(raw)).toEqual({ ok: false, problem: 'must be an absolute http:// or https:// URL' });
  });

  it('refuses URLs longer than 2048 characters', () => {
    expect(checkNodeUrl(`http://x/${'a'.repeat(2048)}`)).toMatchObject({ ok: false, problem: 'must be at most 2048 characters' });
  });
});
