import { describe, expect, it } from 'vitest';
import { selectingValue } from './vary';

describe('selectingValue (RFC 9111 §4.1 normalisation of selecting headers)', () => {
  it.each<[string, string, string, string]>([
    ['accept-language', 'member order of distinct q (RFC 9110 §12.5.4)', 'fr;q=0.5, en', 'en,fr;q=0.5'],
    ['accept-language', 'case (language tags are case-insensitive)', 'EN-us, Fr;Q=0.5', 'en-us,fr;q=0.5'],
    ['accept-language', 'whitespace around commas and semicolons', ' en-US ,\t fr ; q=0.5 ', 'en-us,fr;q=0.5'],
    ['accept-language', 'q=1 written or implied', 'en;q=1.000, fr;q=0.500', 'en,fr;q=0.5'],
    ['accept-language', 'empty members (RFC 9110 §5.6.1)', 'en,,fr;q=0.5,', 'en,fr;q=0.5'],
    ['accept-encoding', 'an Accept-Encoding list', 'BR;q=0.9, gzip', 'gzip,br;q=0.9'],
    ['accept-charset', 'an Accept-Charset list', 'ISO-8859-1;q=0.1, UTF-8', 'utf-8,iso-8859-1;q=0.1'],
    ['accept', 'media ranges: type and parameter names lower-cased, parameter values kept', 'TEXT/HTML; Level=A;q=0.5, */*', '*/*,text/html;level=A;q=0.5'],
    ['x-tenant', 'runs of spaces in any other header', '  a   b ,  c ', 'a b,c'],
  ])('%s: %s', (name, _rule, value, canonical) => {
    expect(selectingValue(name, value)).toBe(canonical);
  });

  it.each<[string, string, string, string]>([
    ['accept-language', 'members of equal q in another order (some origins read order as preference)', 'en, fr', 'fr, en'],
    ['accept-language', 'a language refused with q=0 and one not named', 'en, fr;q=0', 'en'],
    ['accept-language', 'q=0 and q=0.001', 'en, fr;q=0', 'en, fr;q=0.001'],
    ['accept-language', 'an invalid q and a valid one', 'en, fr;q=2', 'en, fr'],
    ['accept-language', 'an invalid q and the same written another way', 'fr;q=abc, en', 'en, fr;q=abc'],
    ['accept-language', 'a repeated member in either order', 'en;q=0.5, en', 'en, en;q=0.5'],
    ['accept', 'parameter values of another case', 'text/html;level=A', 'text/html;level=a'],
    ['accept', 'an extension after q in another place', 'text/html;q=0.5;x=1', 'text/html;x=1;q=0.5'],
    ['x-tenant', 'another case of a case-sensitive value', 'Acme', 'acme'],
    ['x-tenant', 'whitespace inside a quoted string', '"a  b"', '"a b"'],
    ['x-tenant', 'one word and two', 'ab', 'a b'],
  ])('%s: keeps apart %s', (name, _rule, a, b) => {
    expect(selectingValue(name, a)).not.toBe(selectingValue(name, b));
  });

  it('leaves a list of more than 64 members as written (reading it would cost more than it saves)', () => {
    const many = Array.from({ length: 65 }, (_, i) => `l${i};q=0.${i % 9}`);
    expect(selectingValue('accept-language', many.join(','))).toBe(many.join(','));
    expect(selectingValue('accept-language', many.join(','))).not.toBe(selectingValue('accept-language', [...many].reverse().join(',')));
  });

  it('gives the same form to a value seen before (the memo of recent values)', () => {
    expect(selectingValue('accept-language', 'DE;q=0.1, fr')).toBe('fr,de;q=0.1');
    expect(selectingValue('accept-language', 'DE;q=0.1, fr')).toBe('fr,de;q=0.1');
  });

  it('keeps a quoted string as written, commas and escapes included', () => {
    expect(selectingValue('x-tenant', ' k="a , \\" b" ,  c')).toBe('k="a , \\" b",c');
  });

  it('reads hostile values without throwing and keeps them apart', () => {
    const hostile = ['q=;;;,,', ';q=0.5', 'en;q', '"unterminated, en', ',,,,', 'x'.repeat(10_000)];
    const keys = hostile.map((value) => selectingValue('accept-language', value));
    expect(new Set(keys).size).toBe(hostile.length);
  });
});
