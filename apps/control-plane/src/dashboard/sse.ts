/** Server-sent events framing (https://html.spec.whatwg.org/multipage/server-sent-events.html). */

/** One event: its name and its data as one line of JSON (JSON.stringify never writes a raw line break). */
export function sseEvent(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** A comment: ignored by clients, but it moves bytes so that nothing on the way closes an idle stream. */
export const SSE_KEEPALIVE = ': keep-alive\n\n';

/** Headers of the stream: never cached or buffered on the way (X-Accel-Buffering: nginx). */
export const SSE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-store',
  'x-accel-buffering': 'no',
  'x-content-type-options': 'nosniff',
};
