import { describe, expect, it } from 'vitest';
import { deltaSeconds, MAX_DELTA_SECONDS, parseCacheControl, parseDeltaSeconds } from './cache-control';

const entries = (value: string | string[] | undefined) => [...parseCacheControl(value)];

describe('parseCacheControl', () => {
  it.each<[string, string | string[] | undefined, [string, string | true][]]>([
    ['nothing', undefined, []],
    ['an empty line', '', []],
    ['one flag', 'no-store', [['no-store', true]]],
    ['a value', 'max-age=60', [['max-age', '60']]],
    ['several, with whitespace', ' public ,\tmax-age=60 ,s-maxage=10', [['public', true], ['max-age', '60'], ['s-maxage', '10']]],
    ['upper case names', 'Max-Age=5, NO-CACHE', [['max-age', '5'], ['no-cache', true]]],
    ['values keep their case', 'private="Set-Cookie"', [['private', 'Set-Cookie']]],
    ['a quoted value', 'max-age="3600"', [['max-age', '3600']]],
    ['a quoted value with a comma', 'no-cache="set-cookie, x-a", max-age=1', [['no-cache', 'set-cookie, x-a'], ['max-age', '1']]],
    ['an escaped quote', 'ext="a\\"b", public', [['ext', 'a"b'], ['public', true]]],
    ['an unterminated quote', 'ext="abc, public', [['ext', 'abc, public']]],
    ['empty members', ',,public,, ,', [['public', true]]],
    ['the first of repeated directives', 'max-age=10, max-age=20', [['max-age', '10']]],
    ['repeated header lines', ['public', 'max-age=5', 'no-cache'], [['public', true], ['max-age', '5'], ['no-cache', true]]],
    ['an empty value', 'max-age=', [['max-age', '']]],
    ['spaces around =', 'max-age = 7', [['max-age', '7']]],
    ['garbage after a directive', 'max-age=5 junk, public', [['max-age', '5'], ['public', true]]],
  ])('parses %s', (_name, value, expected) => {
    expect(entries(value)).toEqual(expected);
  });

  it('reads directives, not substrings', () => {
    expect(parseCacheControl('x-no-store-hint, max-age=1').has('no-store')).toBe(false);
  });
});

describe('deltaSeconds', () => {
  it.each<[string, string, number | undefined]>([
    ['a plain number', 'max-age=60', 60],
    ['zero', 'max-age=0', 0],
    ['leading zeros', 'max-age=007', 7],
    ['a quoted number', 'max-age="30"', 30],
    ['no value', 'max-age', undefined],
    ['an empty value', 'max-age=', undefined],
    ['a negative number', 'max-age=-1', undefined],
    ['a fraction', 'max-age=1.5', undefined],
    ['letters', 'max-age=abc', undefined],
    ['absent', 'public', undefined],
    ['2^31', 'max-age=2147483648', MAX_DELTA_SECONDS],
    ['a huge value, clamped to 2^31', 'max-age=99999999999999999999999', MAX_DELTA_SECONDS],
  ])('reads %s', (_name, header, expected) => {
    expect(deltaSeconds(parseCacheControl(header), 'max-age')).toBe(expected);
  });

  it('parses digits only', () => {
    expect(parseDeltaSeconds('12')).toBe(12);
    expect(parseDeltaSeconds(' 12')).toBeUndefined();
  });
});
