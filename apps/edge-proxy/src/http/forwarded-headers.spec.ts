import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createForwarding } from './forwarded-headers';

const forged: IncomingHttpHeaders = {
  host: 'edge.example',
  forwarded: 'for=6.6.6.6;host=evil.example;proto=https',
  'x-forwarded-for': '6.6.6.6',
  'x-forwarded-host': 'evil.example',
  'x-forwarded-proto': 'https',
  'x-forwarded-port': '443',
  'x-real-ip': '6.6.6.6',
  accept: '*/*',
};

function rewritten(trusted: string[], peer: string | undefined, headers = forged): IncomingHttpHeaders {
  const copy = { ...headers };
  createForwarding(trusted).rewrite(copy, peer, 8080);
  return copy;
}

describe('forwarding headers', () => {
  it('replaces every forwarding header of an untrusted client with what the edge knows', () => {
    expect(rewritten([], '203.0.113.9')).toEqual({
      host: 'edge.example',
      accept: '*/*',
      'x-forwarded-for': '203.0.113.9',
      'x-forwarded-proto': 'http',
      'x-forwarded-port': '8080',
    });
  });

  it('keeps what a trusted proxy says and appends the proxy to X-Forwarded-For', () => {
    expect(rewritten(['10.0.0.0/8'], '10.1.2.3')).toEqual({ ...forged, 'x-forwarded-for': '6.6.6.6, 10.1.2.3' });
    expect(rewritten(['10.0.0.0/8'], '10.1.2.3', { accept: '*/*' })).toEqual({ accept: '*/*', 'x-forwarded-for': '10.1.2.3', 'x-forwarded-proto': 'http' });
  });

  it('matches IPv4 clients of a dual-stack listener and IPv6 blocks', () => {
    expect(rewritten(['10.0.0.0/8'], '::ffff:10.1.2.3')['x-forwarded-for']).toBe('6.6.6.6, 10.1.2.3');
    expect(rewritten(['192.0.2.7'], '::ffff:192.0.2.7')['x-forwarded-host']).toBe('evil.example');
    expect(rewritten(['fd00::/8'], 'fd12::1')['x-forwarded-for']).toBe('6.6.6.6, fd12::1');
    expect(rewritten(['fd00::/8'], '10.1.2.3')['x-forwarded-host']).toBeUndefined();
  });

  it('a request the edge makes on its own has no client to name', () => {
    expect(rewritten(['10.0.0.0/8'], undefined)).toEqual({ host: 'edge.example', accept: '*/*', 'x-forwarded-proto': 'http', 'x-forwarded-port': '8080' });
  });
});

describe('the client address of the access line', () => {
  const clientOf = (trusted: string[], peer: string | undefined, forwardedFor?: string) =>
    createForwarding(trusted).clientOf(forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor }, peer);

  it('is the peer when it is not a trusted proxy, whatever X-Forwarded-For it sends', () => {
    expect(clientOf([], '203.0.113.9', '6.6.6.6')).toBe('203.0.113.9');
    expect(clientOf(['10.0.0.0/8'], '::ffff:203.0.113.9', '6.6.6.6')).toBe('203.0.113.9');
  });

  it('is the last untrusted address of a trusted proxy X-Forwarded-For', () => {
    expect(clientOf(['10.0.0.0/8'], '10.1.2.3', '6.6.6.6, 198.51.100.4')).toBe('198.51.100.4');
    expect(clientOf(['10.0.0.0/8'], '10.1.2.3', '6.6.6.6, 198.51.100.4, 10.9.9.9')).toBe('198.51.100.4');
  });

  it('is the same after rewrite() appended the proxy itself', () => {
    const headers: IncomingHttpHeaders = { 'x-forwarded-for': '198.51.100.4' };
    const forwarding = createForwarding(['10.0.0.0/8']);
    forwarding.rewrite(headers, '10.1.2.3', 8080);
    expect(headers['x-forwarded-for']).toBe('198.51.100.4, 10.1.2.3');
    expect(forwarding.clientOf(headers, '10.1.2.3')).toBe('198.51.100.4');
  });

  it('is the proxy when it says nothing, the leftmost address when every hop is trusted, and stops at what is no address', () => {
    expect(clientOf(['10.0.0.0/8'], '10.1.2.3')).toBe('10.1.2.3');
    expect(clientOf(['10.0.0.0/8'], '10.1.2.3', '10.0.0.1, 10.0.0.2')).toBe('10.0.0.1');
    expect(clientOf(['10.0.0.0/8'], '10.1.2.3', 'unknown, 10.0.0.2')).toBe('10.0.0.2');
    expect(clientOf(['10.0.0.0/8'], '10.1.2.3', 'unknown')).toBe('10.1.2.3');
  });

  it('is unknown for a request the edge makes on its own', () => {
    expect(clientOf(['10.0.0.0/8'], undefined, '6.6.6.6')).toBeUndefined();
  });
});
