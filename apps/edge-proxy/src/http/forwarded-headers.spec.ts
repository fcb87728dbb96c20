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
