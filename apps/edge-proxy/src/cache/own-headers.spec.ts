import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { ownSetCookie, withoutSetCookie } from './own-headers';

const answer = (rawHeaders: string[]) =>
  ({ rawHeaders, headers: rawHeaders.some((h) => h.toLowerCase() === 'set-cookie') ? { 'set-cookie': ['x'] } : {} }) as unknown as IncomingMessage;

describe('own headers (RFC 9111 §7.3, RFC 6265 §8)', () => {
  it('take every Set-Cookie line of a node\'s answer, as sent', () => {
    expect(ownSetCookie(answer(['Content-Type', 'text/plain', 'Set-Cookie', 'a=1', 'set-cookie', 'b=2; Secure']))).toEqual(['Set-Cookie', 'a=1', 'set-cookie', 'b=2; Secure']);
  });

  it('are none for an answer without Set-Cookie', () => {
    expect(ownSetCookie(answer(['Content-Type', 'text/plain']))).toEqual([]);
  });

  it('leave every other header to the shared answer', () => {
    expect(withoutSetCookie(['Content-Type', 'text/plain', 'SET-COOKIE', 'a=1', 'X-Cache', 'MISS', 'Set-Cookie', 'b=2'])).toEqual(['Content-Type', 'text/plain', 'X-Cache', 'MISS']);
  });
});
