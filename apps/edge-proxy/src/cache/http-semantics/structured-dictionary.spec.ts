import { describe, expect, it } from 'vitest';
import { parseTargetedField } from './structured-dictionary';

const entries = (value: string | string[] | undefined) => {
  const directives = parseTargetedField(value);
  return directives === undefined ? undefined : [...directives];
};

describe('parseTargetedField (RFC 9213 §2.2: a Structured Field Dictionary)', () => {
  it.each<[string, string | string[] | undefined, [string, string | true][] | undefined]>([
    ['a boolean directive', 'no-store', [['no-store', true]]],
    ['an integer', 'max-age=60', [['max-age', '60']]],
    ['several members with whitespace around commas', 'max-age=60 ,  stale-while-revalidate=30,private', [['max-age', '60'], ['stale-while-revalidate', '30'], ['private', true]]],
    ['a quoted field list', 'private="x-user, x-token"', [['private', 'x-user, x-token']]],
    ['escapes in a string', 'no-cache="a\\"b\\\\c"', [['no-cache', 'a"b\\c']]],
    ['a token value', 'x-ext=fast', [['x-ext', 'fast']]],
    ['an unregistered directive (RFC 9213 §3.1 "none")', 'none', [['none', true]]],
    ['?1 as true', 'no-store=?1', [['no-store', true]]],
    ['?0 as no directive at all', 'no-store=?0, max-age=5', [['max-age', '5']]],
    ['a repeated key taking its last value', 'max-age=5, max-age=7', [['max-age', '7']]],
    ['parameters, ignored', 'max-age=60;a=1;b, no-store;x', [['max-age', '60'], ['no-store', true]]],
    ['repeated lines joined', ['max-age=60', 'must-revalidate'], [['max-age', '60'], ['must-revalidate', true]]],
    ['a huge integer, capped at 2^31 (RFC 9111 §1.2.2)', 'max-age=99999999999999999999', [['max-age', '2147483648']]],
    ['an integer past 2^31', 'max-age=2147483649', [['max-age', '2147483648']]],
    ['a negative integer, kept (an invalid delta-seconds)', 'max-age=-5', [['max-age', '-5']]],
    ['a decimal, which no directive takes', 'max-age=1.5', [['max-age', true]]],
    ['an inner list, which no directive takes', 'private=(a b);p=1', [['private', true]]],
    ['a byte sequence, which no directive takes', 'max-age=:AAEC:', [['max-age', true]]],
    ['surrounding spaces', '  max-age=1  ', [['max-age', '1']]],
    ['absent', undefined, undefined],
    ['empty', '', undefined],
    ['only spaces', '   ', undefined],
    ['an upper-case key', 'Max-Age=60', undefined],
    ['a trailing comma', 'max-age=60,', undefined],
    ['an empty member', 'max-age=60,,no-store', undefined],
    ['an unterminated string', 'private="x', undefined],
    ['a bad escape', 'private="\\x"', undefined],
    ['a space before =', 'max-age =60', undefined],
    ['a value that starts with garbage', 'max-age=@', undefined],
    ['a boolean other than 0 or 1', 'no-store=?2', undefined],
    ['a decimal with four fraction digits', 'x=1.2345', undefined],
    ['a minus without digits', 'max-age=-', undefined],
    ['a semicolon list', 'max-age=60; no-store; private', [['max-age', '60']]],
    ['Cache-Control syntax with a token list', 'no-cache=set-cookie', [['no-cache', 'set-cookie']]],
    ['a member followed by garbage', 'max-age=60 no-store', undefined],
    ['non-ASCII text', 'max-age=60, é', undefined],
  ])('%s', (_name, value, expected) => {
    expect(entries(value)).toEqual(expected);
  });

  it('reads a hostile field of a thousand members in one pass', () => {
    const value = Array.from({ length: 1000 }, (_, i) => `x${i}=${'9'.repeat(40)}`).join(', ');
    expect(parseTargetedField(value)?.get('x999')).toBe('2147483648');
  });
});
