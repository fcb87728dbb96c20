import { describe, expect, it } from 'vitest';
import { checkOrigin, isPreflight, preflightHeaders } from './origin-policy';

const ALLOWED = new Set(['https://admin.example.com', 'http://localhost:3000']);

describe('checkOrigin', () => {
  it('lets requests without Origin through: curl and scripts', () => {
    expect(checkOrigin(undefined, ALLOWED)).toEqual({ kind: 'none' });
  });

  it('allows a listed origin exactly', () => {
    expect(checkOrigin('https://admin.example.com', ALLOWED)).toEqual({ kind: 'allowed', origin: 'https://admin.example.com' });
  });

  it.each(['https://evil.example', 'null', 'http://admin.example.com', 'https://admin.example.com:8443', 'https://admin.example.com.evil.example', 'http://localhost:3001'])('refuses %s', (origin) => {
    expect(checkOrigin(origin, ALLOWED)).toEqual({ kind: 'refused', origin });
  });

  it('refuses every origin when none is listed', () => {
    expect(checkOrigin('https://admin.example.com', new Set())).toMatchObject({ kind: 'refused' });
  });

  it.each([
    ['http://127.0.0.1:5000', '127.0.0.1:5000'],
    ['http://localhost:5000', 'localhost:5000'],
    ['http://[::1]:5000', '[::1]:5000'],
    ['http://10.0.0.5', '10.0.0.5'],
    ['https://10.0.0.5', '10.0.0.5'],
  ])('trusts a page served at an address by this very listener (the dashboard): %s to %s', (origin, host) => {
    expect(checkOrigin(origin, new Set(), host)).toEqual({ kind: 'same' });
  });

  it.each([
    ['http://rebind.example:5000', 'rebind.example:5000', 'a name: DNS rebinding makes the attacker its owner'],
    ['http://127.0.0.1:5001', '127.0.0.1:5000', 'another port is another site'],
    ['http://127.0.0.1:5000', '10.0.0.5:5000', 'another address'],
    ['http://127.0.0.1:5000', undefined, 'no Host'],
    ['http://127.0.0.1:5000/', '127.0.0.1:5000', 'not a serialized origin'],
    ['http://0x7f.1:5000', '0x7f.1:5000', 'an address only a URL parser reads as one'],
    ['ftp://127.0.0.1:5000', '127.0.0.1:5000', 'not http'],
    ['null', '127.0.0.1:5000', 'a sandbox'],
  ] as [string, string | undefined, string][])('refuses %s to %s: %s', (origin, host) => {
    expect(checkOrigin(origin, new Set(), host)).toEqual({ kind: 'refused', origin });
  });
});

describe('preflight', () => {
  it('is OPTIONS with Access-Control-Request-Method', () => {
    expect(isPreflight('OPTIONS', { 'access-control-request-method': 'POST' })).toBe(true);
    expect(isPreflight('OPTIONS', {})).toBe(false);
    expect(isPreflight('POST', { 'access-control-request-method': 'POST' })).toBe(false);
  });

  it('answers the origin, the methods and the Authorization and Content-Type headers', () => {
    expect(preflightHeaders('https://admin.example.com')).toMatchObject({
      'access-control-allow-origin': 'https://admin.example.com',
      'access-control-allow-methods': 'GET, HEAD, POST, PATCH, DELETE',
      'access-control-allow-headers': 'Authorization, Content-Type',
      vary: expect.stringContaining('Origin'),
    });
    expect(preflightHeaders('https://admin.example.com')).not.toHaveProperty('access-control-allow-credentials');
  });
});
