import { describe, expect, it } from 'vitest';
import { primaryOf, valueIn, variantKey } from './variant-key';

describe('variant keys', () => {
  it('are the primary key alone when the answer does not vary', () => {
    expect(variantKey('example.com/a', [], { 'accept-encoding': 'gzip' })).toBe('example.com/a');
  });

  it('append the named request header values in order', () => {
    const key = variantKey('example.com/a', ['accept-encoding', 'accept-language'], { 'accept-encoding': 'gzip', 'accept-language': 'de' });
    expect(key).toBe('example.com/a\u0000gzip\u0000de');
    expect(key).not.toBe(variantKey('example.com/a', ['accept-encoding', 'accept-language'], { 'accept-encoding': 'de', 'accept-language': 'gzip' }));
  });

  it('normalise whitespace, so equivalent requests share a variant', () => {
    const vary = ['accept-encoding'];
    expect(variantKey('p', vary, { 'accept-encoding': '  gzip,\t  br ' })).toBe(variantKey('p', vary, { 'accept-encoding': 'gzip, br' }));
  });

  it('keep an absent header distinct from an empty one', () => {
    const vary = ['accept-language'];
    expect(variantKey('p', vary, {})).not.toBe(variantKey('p', vary, { 'accept-language': '' }));
  });

  it('read vary names case-insensitively and join repeated headers', () => {
    expect(variantKey('p', ['X-Tenant'], { 'x-tenant': ['a', 'b'] })).toBe(variantKey('p', ['x-tenant'], { 'x-tenant': 'a, b' }));
  });

  it('share one key for Accept-Language that differs only in order of distinct q, case and whitespace (RFC 9111 §4.1)', () => {
    const vary = ['accept-language'];
    expect(variantKey('p', vary, { 'accept-language': 'fr;q=0.5, EN' })).toBe(variantKey('p', vary, { 'accept-language': 'en,fr;q=0.5' }));
  });

  it('give back a header value in key form, and take one in place of the request\'s own', () => {
    const vary = ['accept-encoding', 'accept-language'];
    const stored = variantKey('p', vary, { 'accept-encoding': 'gzip', 'accept-language': 'en' });
    const value = valueIn(stored, vary, 'accept-language')!;
    expect(value).toBe('en');
    expect(valueIn(stored, vary, 'accept')).toBeUndefined();
    expect(variantKey('p', vary, { 'accept-encoding': 'gzip', 'accept-language': 'en-gb, de' }, { name: 'accept-language', value })).toBe(stored);
    expect(valueIn(variantKey('p', vary, { 'accept-encoding': 'gzip' }), vary, 'accept-language')).toBe('\u0001');
  });

  it('lead back to their primary key', () => {
    expect(primaryOf(variantKey('example.com/a?b=1', ['accept-encoding'], { 'accept-encoding': 'gzip' }))).toBe('example.com/a?b=1');
    expect(primaryOf('example.com/a')).toBe('example.com/a');
  });
});
