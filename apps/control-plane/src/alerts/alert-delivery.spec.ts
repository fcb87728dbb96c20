import { describe, expect, it } from 'vitest';
import { deliverAlert, DeliveryOptions, retryDelay } from './alert-delivery';

/** A fake clock: sleeps only record how long they would have waited. */
function fake(answers: (number | Error)[]) {
  const waits: number[] = [];
  const posts: string[] = [];
  const options: DeliveryOptions = {
    attempts: 5,
    baseDelayMs: 1_000,
    timeoutMs: 5_000,
    sleep: async (ms) => void waits.push(ms),
    post: async (url) => {
      posts.push(url);
      const answer = answers.shift() ?? 200;
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
  return { options, waits, posts };
}

describe('retryDelay', () => {
  it('doubles from the base: 1 s, 2 s, 4 s, 8 s', () => {
    expect([1, 2, 3, 4].map((a) => retryDelay(a, 1_000))).toEqual([1_000, 2_000, 4_000, 8_000]);
  });
});

describe('deliverAlert', () => {
  it('delivers on the first 2xx', async () => {
    const { options, waits } = fake([204]);
    expect(await deliverAlert('http://hook', '{}', options, new AbortController().signal)).toEqual({ ok: true, attempts: 1 });
    expect(waits).toEqual([]);
  });

  it('retries a 500 and a connection error with back-off', async () => {
    const { options, waits, posts } = fake([500, Object.assign(new Error('fetch failed'), { cause: { code: 'ECONNREFUSED' } }), 200]);
    expect(await deliverAlert('http://hook', '{}', options, new AbortController().signal)).toEqual({ ok: true, attempts: 3 });
    expect(waits).toEqual([1_000, 2_000]);
    expect(posts).toHaveLength(3);
  });

  it('gives up after 5 attempts, naming the last error', async () => {
    const { options, waits } = fake([500, 500, 500, 500, 503]);
    expect(await deliverAlert('http://hook', '{}', options, new AbortController().signal)).toEqual({ ok: false, attempts: 5, error: 'HTTP 503' });
    expect(waits).toEqual([1_000, 2_000, 4_000, 8_000]);
  });

  it('stops retrying at shutdown', async () => {
    const stop = new AbortController();
    const { options } = fake([500, 500]);
    options.sleep = async () => stop.abort();
    expect(await deliverAlert('http://hook', '{}', options, stop.signal)).toEqual({ ok: false, attempts: 1, error: 'cancelled at shutdown' });
  });
});
