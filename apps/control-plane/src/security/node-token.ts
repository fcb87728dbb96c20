import { randomBytes } from 'node:crypto';
import { sha256 } from './token-hash';

/** A node's own token, given once to whoever registered it; only `sha256` (hex) is kept. */
export interface IssuedNodeToken {
  token: string;
  sha256: string;
}

/** 256 random bits, URL-safe, so that it can go in a header or an environment variable as it is. */
export function issueNodeToken(random: (size: number) => Buffer = randomBytes): IssuedNodeToken {
  const token = random(32).toString('base64url');
  return { token, sha256: sha256(token).toString('hex') };
}
