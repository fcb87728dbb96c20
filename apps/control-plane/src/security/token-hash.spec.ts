import { describe, expect, it } from 'vitest';
import { sameHash, sha256, TokenSet } from './token-hash';

const ADMIN = 'admin-token-0123456789';

describe('TokenSet', () => {
  it('matches a configured token', () => {
    expect(new TokenSet([ADMIN, 'other-token-0123456789']).has(sha256(ADMIN))).toBe(true);
  });

  it('refuses a prefix, an extension or another case of a configured token', () => {
    const set = new TokenSet([ADMIN]);
    for (const guess of [ADMIN.slice(0, -1), `${ADMIN}x`, ADMIN.toUpperCase(), '', ' ' + ADMIN]) expect(set.has(sha256(guess)), guess).toBe(false);
  });

  it('keeps each token once and matches nothing when empty', () => {
    expect(new TokenSet([ADMIN, ADMIN]).size).toBe(1);
    expect(new TokenSet().has(sha256(ADMIN))).toBe(false);
  });
});

describe('sameHash', () => {
  it('compares a hash with a stored hex hash', () => {
    const stored = sha256('node-token').toString('hex');
    expect(sameHash(sha256('node-token'), stored)).toBe(true);
    expect(sameHash(sha256('node-token2'), stored)).toBe(false);
    expect(sameHash(sha256('node-token'), 'abcd')).toBe(false);
  });
});
