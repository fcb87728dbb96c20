import keySlot from 'cluster-key-slot';
import { describe, expect, it } from 'vitest';
import { escapeGlob, sharedKeys } from './shared-keys';

describe('shared keys', () => {
  it('keep entries, indexes and vary memos apart under one namespace', () => {
    const keys = sharedKeys('cdn');
    expect(keys.entry('/cdn/a/b')).toBe('cdn:entry:{/cdn/a/b}');
    expect(keys.entry('/cdn/a/b').startsWith(keys.entryPrefix)).toBe(true);
    expect(new Set([keys.variants('/a'), keys.tag('/a'), keys.vary('/a'), keys.entry('/a')]).size).toBe(4);
  });

  it('put every variant of a URL, its variant set and its vary memo in one cluster slot', () => {
    const keys = sharedKeys('cdn');
    const primary = '/cdn/img/a.png?w=1&h={2}';
    const related = [keys.entry(primary), keys.entry(`${primary}\u0000gzip`), keys.entry(`${primary}\u0000br\u0000\u0001`), keys.variants(primary), keys.vary(primary)];
    expect(new Set(related.map((key) => keySlot(key))).size).toBe(1);
    expect(keys.entry(`${primary}\u0000gzip`)).toBe(`cdn:entry:{${primary}}\u0000gzip`);
    // Different URLs spread over the slots.
    const slots = new Set(Array.from({ length: 50 }, (_, i) => keySlot(keys.entry(`/cdn/file-${i}`))));
    expect(slots.size).toBeGreaterThan(40);
  });

  it('refuse a namespace that would take the place of the hash tag', () => {
    expect(() => sharedKeys('cdn{1}')).toThrow('shared cache namespace must not contain { or }, got "cdn{1}"');
  });

  it('escape every Redis glob character', () => {
    expect(escapeGlob('/img/[1]*?\\x')).toBe('/img/\\[1\\]\\*\\?\\\\x');
    expect(escapeGlob('/plain/path-1')).toBe('/plain/path-1');
  });
});
