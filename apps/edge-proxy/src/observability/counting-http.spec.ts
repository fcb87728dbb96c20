import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { COUNTING_HTTP, type CountingRequest, type CountingResponse } from './counting-http';

let server: http.Server | undefined;
afterEach(() => server?.close());

/** Serves one request with `answer` on a real socket; resolves the body bytes the request and response counted once it closed. */
async function exchange(answer: (req: CountingRequest, res: CountingResponse) => void, body?: Buffer): Promise<{ received: number; sent: number; got: number }> {
  let counted!: (value: { received: number; sent: number }) => void;
  const done = new Promise<{ received: number; sent: number }>((resolve) => (counted = resolve));
  server = http.createServer(COUNTING_HTTP, (req, res) => {
    res.on('close', () => counted({ received: (req as CountingRequest).bodyBytes, sent: (res as CountingResponse).bodyBytes }));
    answer(req as CountingRequest, res as CountingResponse);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const got = await new Promise<number>((resolve, reject) => {
    const req = http.request({ port, host: '127.0.0.1', method: body ? 'POST' : 'GET', agent: false }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => resolve(bytes));
    });
    req.on('error', reject);
    req.end(body);
  });
  return { ...(await done), got };
}

describe('counting request and response', () => {
  it('counts what write() and end() sent, strings by their encoded length', async () => {
    const counted = await exchange((req, res) => {
      req.resume();
      res.write('héllo');
      res.write(Buffer.alloc(100));
      res.write('00ff', 'hex');
      res.end('!', () => undefined);
    });
    expect(counted.sent).toBe(6 + 100 + 2 + 1);
    expect(counted.got).toBe(counted.sent);
  });

  it('counts a piped body and a request body read by nobody', async () => {
    const counted = await exchange((_req, res) => Readable.from([Buffer.alloc(70_000), Buffer.alloc(5)]).pipe(res), Buffer.alloc(3_000, 1));
    expect(counted.sent).toBe(70_005);
    expect(counted.received).toBe(3_000);
  });

  it('counts nothing for an answer without a body', async () => {
    const counted = await exchange((req, res) => {
      req.resume();
      res.writeHead(204);
      res.end(() => undefined);
    });
    expect(counted).toEqual({ received: 0, sent: 0, got: 0 });
  });
});
