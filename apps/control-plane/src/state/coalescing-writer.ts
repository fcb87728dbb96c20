/**
 * Runs `write` at most once at a time, with at most one more queued behind it. Any number of
 * requests made while a write is in flight share the one queued write, which reads the latest
 * state when it starts, so a burst of heartbeats costs two writes, not one per heartbeat.
 */
export class CoalescingWriter {
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;

  constructor(private readonly write: () => Promise<void>) {}

  /** Resolves once a write that started after this call has finished (rejects if that write failed). */
  request(): Promise<void> {
    if (this.queued) return this.queued;
    if (!this.running) return (this.running = this.start());
    const settle = () => undefined;
    this.queued = this.running.then(settle, settle).then(() => {
      this.queued = undefined;
      return (this.running = this.start());
    });
    return this.queued;
  }

  /** Waits until nothing is in flight or queued; never rejects. */
  async flush(): Promise<void> {
    while (this.queued ?? this.running) {
      await (this.queued ?? this.running)!.catch(() => undefined);
    }
  }

  private start(): Promise<void> {
    const write = this.write().finally(() => {
      if (this.running === write) this.running = undefined;
    });
    return write;
  }
}
