import { describe, expect, it } from 'vitest';
import { languageServes, singleContentLanguage } from './language-match';
import { selectingValue } from './vary';

const serves = (acceptLanguage: string, language: string) => languageServes(selectingValue('accept-language', acceptLanguage), language);

describe('languageServes (RFC 9110 §12.5.4, RFC 4647 §3.3.1)', () => {
  it.each<[string, string, string, boolean]>([
    ['the first choice names it', 'en, fr;q=0.5', 'en', true],
    ['the first choice is a prefix of it (basic filtering)', 'en, fr;q=0.5', 'en-gb', true],
    ['the first choice is written after a lower q', 'fr;q=0.5, de;q=0.9', 'de', true],
    ['the client prefers a more specific range the node may have', 'en-US, en;q=0.9', 'en', false],
    ['a prefix that is not a subtag boundary', 'en', 'eng', false],
    ['it is not the first choice', 'fr, en', 'en', false],
    ['it is ranked lower', 'fr, en;q=0.9', 'en', false],
    ['a more specific range ranks it lower', 'en, en-gb;q=0.5', 'en-gb', false],
    ['it is refused with q=0', 'en, en-gb;q=0', 'en-gb', false],
    ['everything is refused', 'en;q=0', 'en', false],
    ['the first choice is *', '*, en;q=0.5', 'en', false],
    ['an unreadable Accept-Language', 'en;q=5', 'en', false],
    ['no language', '', 'en', false],
  ])('%s: %s → %s: %s', (_rule, acceptLanguage, language, expected) => {
    expect(serves(acceptLanguage, language)).toBe(expected);
  });
});

describe('singleContentLanguage', () => {
  it.each<[string | undefined, string | undefined]>([
    ['en', 'en'],
    [' EN-GB ', 'en-gb'],
    ['en, fr', undefined],
    ['', undefined],
    ['en_GB', undefined],
    ['x'.repeat(100), undefined],
    [undefined, undefined],
  ])('%s → %s', (value, expected) => {
    expect(singleContentLanguage(value)).toBe(expected);
  });
});
