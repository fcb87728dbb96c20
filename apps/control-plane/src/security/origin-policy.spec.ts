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
