/** A test's reader of a server-sent event stream (GET /dashboard/events), over a real connection. */

export interface StreamEvent {
  name: string;
  data: any;
}

export interface EventStream {
  status: number;
  headers: Headers;
  /** Every event so far, in order. */
  events: StreamEvent[];
  /** Comment lines (": keep-alive") so far. */
  comments: number;
  /** Resolves with the first event (from now on, or already received when `since` is 0) that `match` accepts. */
  next(match: (event: StreamEvent) => boolean, timeoutMs?: number, since?: number): Promise<StreamEvent>;
  close(): void;
}

export async function openEventStream(url: string, headers: Record<string, string> = {}): Promise<EventStream> {
  const controller = new AbortController();
  const res = await fetch(url, { headers, signal: controller.signal });
  const events: StreamEvent[] = [];
  const waiters = new Set<() => void>();
  const stream: EventStream = {
    status: res.status,
    headers: res.headers,
    events,
    comments: 0,
    next(match, timeoutMs = 10_000, since = events.length) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = events.slice(since).find(match);
          if (!found) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching event within ${timeoutMs} ms; got ${events.map((e) => e.name).join(', ') || 'none'}`));
        }, timeoutMs);
        if (!check()) waiters.add(check);
      });
    },
    close: () => controller.abort(),
  };
  if (!res.ok || !res.body) return stream;
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (block.startsWith(':')) {
            stream.comments++;
            continue;
          }
          const name = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
          const data = /^data: (.*)$/m.exec(block)?.[1];
          events.push({ name, data: data === undefined ? undefined : JSON.parse(data) });
          for (const waiter of [...waiters]) waiter();
        }
      }
    } catch {
      // Aborted by close(), or the server ended the stream.
    }
  })();
  return stream;
}
