import { describe, expect, it } from 'vitest';
import { RepeatLimiter } from './repeat-limiter';

describe('RepeatLimiter', () => {
  it('lets a message through once per interval and says how many repeats it held back', () => {
    let now = 0;
    const limiter = new RepeatLimiter(30_000, () => now);
    expect(limiter.pass('refused')).toBe(0);
    now = 1_000;
    expect(limiter.pass('refused')).toBeUndefined();
    expect(limiter.pass('other')).toBe(0);
    now = 29_000;
    expect(limiter.pass('refused')).toBeUndefined();
    now = 31_000;
    expect(limiter.pass('refused')).toBe(2);
    limiter.reset();
    expect(limiter.pass('refused')).toBe(0);
  });
});
