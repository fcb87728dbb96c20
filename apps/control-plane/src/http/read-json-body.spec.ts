import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CdnError } from '@cdn/shared';
import { EMPTY_BODY, readJsonBody } from './read-json-body';

let server: http.Server;
let url: string;

beforeAll(async () => {
  // A real server: each request answers with what readJsonBody made of its body.
  server = http.createServer((req, res) => {
    readJsonBody(req, 16).then(
      (body) => res.end(JSON.stringify({ body: body === EMPTY_BODY ? 'EMPTY' : body })),
      (err: CdnError) => res.writeHead(err.status).end(JSON.stringify(err.toBody())),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('readJsonBody', () => {
  it('parses the body as JSON, leaving the media type to the admin gate', async () => {
    const res = await fetch(url, { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'text/plain' } });
    expect(await res.json()).toEqual({ body: { a: 1 } });
  });

  it('tells an empty body apart', async () => {
    const res = await fetch(url, { method: 'POST' });
    expect(await res.json()).toEqual({ body: 'EMPTY' });
  });

  it('answers invalid_json for a malformed body', async () => {
    const res = await fetch(url, { method: 'POST', body: '{"a":' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_json' });
  });

  it('answers payload_too_large past the limit, declared or streamed', async () => {
    const declared = await fetch(url, { method: 'POST', body: JSON.stringify({ long: 'x'.repeat(100) }) });
    expect(declared.status).toBe(413);
    const streamed = await fetch(url, {
      method: 'POST',
      body: new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"long": "'));
          controller.enqueue(new TextEncoder().encode('x'.repeat(100)));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(await streamed.json()).toMatchObject({ error: 'payload_too_large' });
  });
});
