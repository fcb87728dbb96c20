/** A promise that did not settle in time; the work itself goes on and its late result is dropped. */
export class DeadlineExceededError extends Error {
  constructor(readonly ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = 'DeadlineExceededError';
  }
}

/** Settles like `work`, or rejects with DeadlineExceededError after `ms`. */
export function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceededError(ms)), ms);
  });
  // race() subscribes to `work`, so a late rejection is handled, not reported as unhandled.
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
