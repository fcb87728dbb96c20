import { createHash, timingSafeEqual } from 'node:crypto';

/** SHA-256 of a token. Both sides of every comparison are hashed: equal lengths, and nothing of a stored token's length leaks. */
export function sha256(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/**
 * Hashes of the tokens that grant one role. `has` compares against every entry in constant time and
 * never stops at the first match, so the time taken says nothing about which token (if any) matched.
 */
export class TokenSet {
  private readonly hashes: readonly Buffer[];

  constructor(tokens: readonly string[] = []) {
    this.hashes = [...new Set(tokens)].map(sha256);
  }

  get size(): number {
    return this.hashes.length;
  }

  has(hash: Buffer): boolean {
    let found = false;
    for (const candidate of this.hashes) found = timingSafeEqual(candidate, hash) || found;
    return found;
  }
}

/** Whether `hash` is the stored hex SHA-256 `storedHex`, compared in constant time. */
export function sameHash(hash: Buffer, storedHex: string): boolean {
  const stored = Buffer.from(storedHex, 'hex');
  return stored.length === hash.length && timingSafeEqual(stored, hash);
}
