import { describe, expect, it } from 'vitest';
import { KeyedQueue } from './keyed-queue';

/** A piece of work that records its start and end, and finishes when told. */
function step(log: string[], name: string) {
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  return {
    work: async () => {
      log.push(`${name}+`);
      await finished;
      log.push(`${name}-`);
      return name;
    },
    finish: () => finish(),
  };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('KeyedQueue', () => {
  it('runs work on different keys together and work on one key in turn', async () => {
    const queue = new KeyedQueue();
    const log: string[] = [];
    const a1 = step(log, 'a1');
    const a2 = step(log, 'a2');
    const b1 = step(log, 'b1');
    const done = [queue.forKey('a', a1.work), queue.forKey('a', a2.work), queue.forKey('b', b1.work)];
    await tick();
    expect(log).toEqual(['a1+', 'b1+']);
    a1.finish();
    await tick();
    expect(log).toEqual(['a1+', 'b1+', 'a1-', 'a2+']);
    a2.finish();
    b1.finish();
    expect(await Promise.all(done)).toEqual(['a1', 'a2', 'b1']);
  });

  it('runs work on all keys alone, after what came before and before what comes after', async () => {
    const queue = new KeyedQueue();
    const log: string[] = [];
    const a = step(log, 'a');
    const all = step(log, 'all');
    const b = step(log, 'b');
    const done = [queue.forKey('a', a.work), queue.forAll(all.work), queue.forKey('b', b.work)];
    await tick();
    expect(log).toEqual(['a+']);
    a.finish();
    await tick();
    expect(log).toEqual(['a+', 'a-', 'all+']);
    all.finish();
    await tick();
    b.finish();
    await Promise.all(done);
    expect(log).toEqual(['a+', 'a-', 'all+', 'all-', 'b+', 'b-']);
  });

  it('goes on after a failure', async () => {
    const queue = new KeyedQueue();
    await expect(queue.forKey('a', async () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    await expect(queue.forKey('a', async () => 'next')).resolves.toBe('next');
    await expect(queue.forAll(async () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    await expect(queue.forKey('b', async () => 'after')).resolves.toBe('after');
  });
});
