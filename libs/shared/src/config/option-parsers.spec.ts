import { describe, expect, it } from 'vitest';
import os from 'node:os';
import { cidr, cidrOrHostPattern, secretToken, targetedFieldName, webOrigin, workerCount } from './option-parsers';

describe('option parsers', () => {
  it('takes tokens of 16 printable characters or more, nothing with spaces', () => {
    expect(secretToken('0123456789abcdef', '--admin-token')).toBe('0123456789abcdef');
    for (const bad of ['short', '0123456789 abcdef', 'x'.repeat(513), 'é'.repeat(16)]) {
      expect(() => secretToken(bad, '--admin-token')).toThrow('--admin-token must be 16-512 printable characters without spaces');
    }
  });

  it('takes addresses and CIDR blocks of either family', () => {
    for (const good of ['10.0.0.0/8', '192.0.2.7', 'fd00::/8', '::1', '0.0.0.0/0']) expect(cidr(good, '--trusted-proxy')).toBe(good);
    for (const bad of ['10.0.0.0/33', '10.0.0/8', 'example.com', '10.0.0.0/8/1', '::1/129']) expect(() => cidr(bad, '--trusted-proxy')).toThrow('--trusted-proxy must be an IP address or CIDR block');
  });

  it('takes host name patterns besides CIDR blocks, in lower case', () => {
    for (const [raw, parsed] of [['*.Example.com', '*.example.com'], ['cdn1.example.com', 'cdn1.example.com'], ['localhost', 'localhost'], ['10.1.0.0/16', '10.1.0.0/16']]) {
      expect(cidrOrHostPattern(raw, '--node-url-allow')).toBe(parsed);
    }
    for (const bad of ['*', 'a.*.com', 'http://x', '-x.com', '10.0.0.0/40']) expect(() => cidrOrHostPattern(bad, '--node-url-allow')).toThrow('--node-url-allow must be a CIDR block');
  });

  it('takes browser origins only: scheme, host and port', () => {
    expect(webOrigin('https://admin.example.com', '--admin-cors-origin')).toBe('https://admin.example.com');
    expect(webOrigin('http://localhost:3000/', '--admin-cors-origin')).toBe('http://localhost:3000');
    for (const bad of ['*', 'https://a.example.com/path', 'ftp://x', 'admin.example.com']) expect(() => webOrigin(bad, '--admin-cors-origin')).toThrow('must be an origin');
  });

  it('takes a worker count, or auto for one per core', () => {
    expect(workerCount('4', '--workers')).toBe(4);
    expect(workerCount('AUTO', '--workers')).toBe(os.availableParallelism());
    for (const bad of ['0', '-1', '1.5', 'x', '', '1025']) expect(() => workerCount(bad, '--workers')).toThrow(`--workers must be a positive integer or auto, got "${bad}"`);
  });

  it('takes a header field name for --cache-control-target, in lower case, but not the fields every cache reads', () => {
    expect(targetedFieldName('Edge-Cache-Control', '--cache-control-target')).toBe('edge-cache-control');
    expect(targetedFieldName(' x_cdn.cc ', '--cache-control-target')).toBe('x_cdn.cc');
    for (const bad of ['', 'Edge Cache', 'edge:cc', 'café', 'a/b', 'x'.repeat(129)]) {
      expect(() => targetedFieldName(bad, '--cache-control-target')).toThrow(`--cache-control-target must be a header field name`);
    }
    for (const reserved of ['Cache-Control', 'CDN-CACHE-CONTROL']) {
      expect(() => targetedFieldName(reserved, '--cache-control-target')).toThrow(`--cache-control-target must name a field of this CDN's own (e.g. Edge-Cache-Control), not ${reserved}`);
    }
  });
});
