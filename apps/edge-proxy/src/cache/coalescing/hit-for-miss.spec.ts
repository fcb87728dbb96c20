import { describe, expect, it } from 'vitest';
import { HitForMiss } from './hit-for-miss';

describe('HitForMiss', () => {
  it('remembers an uncacheable key for its time, then forgets it', () => {
    let now = 1_000;
    const marks = new HitForMiss({ ttlMs: 120_000, now: () => now });
    marks.remember('/cdn/a');
    expect(marks.has('/cdn/a')).toBe(true);
    now += 119_999;
    expect(marks.has('/cdn/a')).toBe(true);
    now += 2;
    expect(marks.has('/cdn/a')).toBe(false);
  });

  it('forgets a key whose answer became cacheable', () => {
    const marks = new HitForMiss({ ttlMs: 60_000 });
    marks.remember('/cdn/a');
    marks.forget('/cdn/a');
    expect(marks.has('/cdn/a')).toBe(false);
  });

  it('is bounded', () => {
    const marks = new HitForMiss({ ttlMs: 60_000, max: 2 });
    for (const key of ['a', 'b', 'c']) marks.remember(key);
    expect(['a', 'b', 'c'].filter((k) => marks.has(k))).toEqual(['b', 'c']);
  });
});
