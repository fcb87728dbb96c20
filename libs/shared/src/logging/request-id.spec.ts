import { describe, expect, it } from 'vitest';
import { createRequestIds, isUsableRequestId, MAX_REQUEST_ID_LENGTH } from './request-id';

describe('isUsableRequestId', () => {
  it.each([
    ['a UUID', '3f2b8c1e-9a4d-4c2e-8f1a-2b3c4d5e6f70', true],
    ['one character', 'x', true],
    ['visible ASCII punctuation', 'req:42/abc_DEF.~!', true],
    ['128 characters', 'a'.repeat(MAX_REQUEST_ID_LENGTH), true],
    ['129 characters', 'a'.repeat(MAX_REQUEST_ID_LENGTH + 1), false],
    ['an empty value', '', false],
    ['a space', 'a b', false],
    ['two ids joined by Node', 'abc, def', false],
    ['a control character', 'abc\u0001', false],
    ['a tab', 'abc\tdef', false],
    ['DEL', 'abc\u007f', false],
    ['non-ASCII', 'caf\u00e9', false],
    ['a quote and a backslash', 'a"b\\c', true],
  ])('%s: %s', (_, id, usable) => {
    expect(isUsableRequestId(id)).toBe(usable);
  });
});

describe('createRequestIds', () => {
  it('makes ids of its prefix and a counter, each usable and unique', () => {
    const ids = createRequestIds('p1');
    const made = Array.from({ length: 1000 }, () => ids.next());
    expect(made[0]).toBe('p1-1');
    expect(made[999]).toBe('p1-1000');
    expect(new Set(made).size).toBe(1000);
    expect(made.every(isUsableRequestId)).toBe(true);
  });

  it('gives each process its own random prefix, so workers and restarts never share an id', () => {
    const a = createRequestIds().next();
    const b = createRequestIds().next();
    expect(a).toMatch(/^[0-9a-f]{16}-1$/);
    expect(a).not.toBe(b);
  });

  it('keeps a usable client id and replaces an unusable or missing one', () => {
    const ids = createRequestIds('p');
    expect(ids.keepOrMake('client-42')).toBe('client-42');
    expect(ids.keepOrMake(undefined)).toBe('p-1');
    expect(ids.keepOrMake('bad id')).toBe('p-2');
    expect(ids.keepOrMake('x'.repeat(200))).toBe('p-3');
    expect(ids.keepOrMake(['a', 'b'])).toBe('p-4');
  });
});
