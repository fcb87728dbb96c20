const settle = () => undefined;

/**
 * Orders async work: work on one key runs after earlier work on that key, and work on all keys runs alone.
 * The routing store's writes go through it, so whatever the bucket holds between two of them is exactly what
 * its ledger says, while writes to different nodes still go out in parallel.
 */
export class KeyedQueue {
  private all: Promise<void> = Promise.resolve();
  private readonly byKey = new Map<string, Promise<void>>();

  /** Runs `work` once every earlier piece of work on `key`, and every earlier `forAll`, has settled. */
  forKey<T>(key: string, work: () => Promise<T>): Promise<T> {
    const run = Promise.all([this.all, this.byKey.get(key)]).then(work);
    const done = run.then(settle, settle);
    this.byKey.set(key, done);
    void done.then(() => {
      if (this.byKey.get(key) === done) this.byKey.delete(key);
    });
    return run;
  }

  /** Runs `work` once all earlier work has settled; later work waits for it. */
  forAll<T>(work: () => Promise<T>): Promise<T> {
    const run = Promise.all([this.all, ...this.byKey.values()]).then(work);
    this.all = run.then(settle, settle);
    return run;
  }
}
