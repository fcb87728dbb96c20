import { describe, expect, it } from 'vitest';
import { printable } from './printable';

describe('printable', () => {
  it('replaces every character that could end or hide a log line', () => {
    expect(printable('a\nb\rc\u0085d\u2028e\u2029f\u001bg\u007fh')).toBe('a?b?c?d?e?f?g?h');
  });

  it('keeps other text and cuts long text', () => {
    expect(printable('https://évil.example')).toBe('https://évil.example');
    expect(printable('x'.repeat(300), 10)).toBe(`${'x'.repeat(10)}...`);
  });
});
