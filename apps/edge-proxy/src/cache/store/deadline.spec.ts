import { describe, expect, it } from 'vitest';
import { DeadlineExceededError, withDeadline } from './deadline';

describe('withDeadline', () => {
  it('passes a prompt result through', async () => {
    await expect(withDeadline(Promise.resolve(7), 50)).resolves.toBe(7);
  });

  it('rejects with DeadlineExceededError when the work is late', async () => {
    const late = new Promise((resolve) => setTimeout(resolve, 200));
    const started = Date.now();
    await expect(withDeadline(late, 20)).rejects.toBeInstanceOf(DeadlineExceededError);
    expect(Date.now() - started).toBeLessThan(150);
  });

  it('swallows a late rejection of the abandoned work', async () => {
    const late = new Promise((_, reject) => setTimeout(() => reject(new Error('late')), 30));
    await expect(withDeadline(late, 5)).rejects.toBeInstanceOf(DeadlineExceededError);
    await new Promise((resolve) => setTimeout(resolve, 50)); // an unhandled rejection would fail the run
  });
});
