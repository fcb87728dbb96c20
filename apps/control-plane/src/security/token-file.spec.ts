import { describe, expect, it } from 'vitest';
import { parseTokenFile } from './token-file';

describe('parseTokenFile', () => {
  it('reads one token per line, as a mounted Secret holds them', () => {
    expect(parseTokenFile('first-token-0123456789\nsecond-token-0123456789\n')).toEqual({ tokens: ['first-token-0123456789', 'second-token-0123456789'], badLines: [] });
  });

  it('takes a single token without a final newline, and CRLF line ends', () => {
    expect(parseTokenFile('only-token-0123456789').tokens).toEqual(['only-token-0123456789']);
    expect(parseTokenFile('a-token-0123456789ab\r\nb-token-0123456789ab\r\n').tokens).toEqual(['a-token-0123456789ab', 'b-token-0123456789ab']);
  });

  it('skips blank lines and reports lines that cannot be tokens by number only', () => {
    expect(parseTokenFile('\n  \nshort\ngood-token-0123456789\nhas space in it 0123456789\n')).toEqual({ tokens: ['good-token-0123456789'], badLines: [3, 5] });
  });
});
