import { describe, expect, it } from 'vitest';
import { escapeGlob, sharedKeys } from './shared-keys';

describe('shared keys', () => {
  it('keep entries, indexes and vary memos apart under one namespace', () => {
    const keys = sharedKeys('cdn');
    expect(keys.entry('a/b')).toBe('cdn:entry:a/b');
    expect(keys.entry('a/b').startsWith(keys.entryPrefix)).toBe(true);
    expect(new Set([keys.variants('a'), keys.tag('a'), keys.vary('a'), keys.entry('a')]).size).toBe(4);
  });

  it('escape every Redis glob character', () => {
    expect(escapeGlob('/img/[1]*?\\x')).toBe('/img/\\[1\\]\\*\\?\\\\x');
    expect(escapeGlob('/plain/path-1')).toBe('/plain/path-1');
  });
});
