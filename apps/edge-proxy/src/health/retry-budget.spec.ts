import { describe, expect, it } from 'vitest';
import { RetryBudget } from './retry-budget';

describe('RetryBudget', () => {
  it('allows retries up to the ratio of recent requests', () => {
    let now = 0;
    const budget = new RetryBudget(() => now, { ratio: 0.2, minPerWindow: 0 });
    for (let i = 0; i < 100; i++) budget.request();
    let granted = 0;
    for (let i = 0; i < 50; i++) if (budget.tryRetry()) granted++;
    expect(granted).toBe(20);
  });

  it('keeps a floor so that light traffic can retry', () => {
    const budget = new RetryBudget(() => 0, { minPerWindow: 3 });
    budget.request();
    expect([budget.tryRetry(), budget.tryRetry(), budget.tryRetry(), budget.tryRetry()]).toEqual([true, true, true, false]);
  });

  it('refills as the window slides', () => {
    let now = 0;
    const budget = new RetryBudget(() => now, { minPerWindow: 1, windowMs: 10_000 });
    expect(budget.tryRetry()).toBe(true);
    expect(budget.tryRetry()).toBe(false);
    now += 10_001;
    expect(budget.tryRetry()).toBe(true);
  });
});
