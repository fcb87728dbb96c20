import { describe, expect, it } from 'vitest';
import { CoalescingWriter } from './coalescing-writer';

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe('CoalescingWriter', () => {
  it('runs one write at a time and folds a burst into one queued write that sees the latest state', async () => {
    let state = 0;
    const written: number[] = [];
    const first = gate();
    let calls = 0;
    const writer = new CoalescingWriter(async () => {
      calls += 1;
      const value = state;
      if (calls === 1) await first.opened;
      written.push(value);
    });

    state = 1;
    const a = writer.request();
    state = 2;
    const b = writer.request();
    state = 3;
    const c = writer.request();
    expect(b).toBe(c);
    first.open();
    await Promise.all([a, b, c]);
    expect(written).toEqual([1, 3]);
  });

  it('rejects the requests whose write failed, and writes again on the next request', async () => {
    let fail = true;
    const writer = new CoalescingWriter(async () => {
      if (fail) throw new Error('disk full');
    });
    await expect(writer.request()).rejects.toThrow('disk full');
    fail = false;
    await expect(writer.request()).resolves.toBeUndefined();
  });

  it('flush waits for the queued write', async () => {
    const done: number[] = [];
    const writer = new CoalescingWriter(async () => {
      await new Promise((r) => setTimeout(r, 5));
      done.push(done.length);
    });
    void writer.request();
    void writer.request();
    await writer.flush();
    expect(done).toEqual([0, 1]);
  });
});
