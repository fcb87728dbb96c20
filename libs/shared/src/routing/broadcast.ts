/** A message sent to every subscriber (every edge, and the control plane): at most once, fire and forget. */
export interface Broadcast<T> {
  /** Never throws: a message that cannot leave is logged and dropped. */
  publish(message: T): void;
  /** Returns the function that unsubscribes. */
  subscribe(handler: (message: T) => void): () => void;
  close(): Promise<void>;
}

/** The in-process broadcast of the all-in-one server: delivered on a microtask, to the publisher's own subscribers too (as on NATS). */
export class InProcessBroadcast<T> implements Broadcast<T> {
  private readonly handlers = new Set<(message: T) => void>();

  publish(message: T): void {
    for (const handler of this.handlers) queueMicrotask(() => handler(message));
  }

  subscribe(handler: (message: T) => void): () => void {
    // Wrapped so the same handler can subscribe twice and unsubscribe each independently.
    const wrapped = (message: T) => handler(message);
    this.handlers.add(wrapped);
    return () => this.handlers.delete(wrapped);
  }

  async close(): Promise<void> {
    this.handlers.clear();
  }
}
