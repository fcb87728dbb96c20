import { SECRET_TOKEN_PATTERN } from '@cdn/shared';

export interface TokenFileContents {
  tokens: string[];
  /** 1-based numbers of the lines that are not tokens (16-512 printable characters without spaces). */
  badLines: number[];
}

/**
 * A token file: one token per line, as a mounted Kubernetes Secret or `printf '%s\n' "$A" "$B"` gives it.
 * Surrounding blanks and CR are dropped and empty lines skipped; a line that cannot be a token is left
 * out and reported by number only, since it may be a token with a typo.
 */
export function parseTokenFile(text: string): TokenFileContents {
  const tokens: string[] = [];
  const badLines: number[] = [];
  text.split('\n').forEach((line, index) => {
    const token = line.trim();
    if (token === '') return;
    if (SECRET_TOKEN_PATTERN.test(token)) tokens.push(token);
    else badLines.push(index + 1);
  });
  return { tokens, badLines };
}
