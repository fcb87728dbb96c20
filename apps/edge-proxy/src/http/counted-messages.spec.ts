import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { bytesReceived, bytesSent, COUNTED_MESSAGES } from './counted-messages';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

let server: http.Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

/** Serves one request with `handler` and resolves what the response counted once it closed. */
async function exchange(handler: Handler, request: { method?: string; body?: Buffer | string; chunked?: boolean }): Promise<{ sent: number; received: number; clientGot: number }> {
  let counted: (value: { sent: number; received: number }) => void;
  const done = new Promise<{ sent: number; received: number }>((resolve) => (counted = resolve));
  server = http.createServer({ ...COUNTED_MESSAGES }, (req, res) => {
    res.on('close', () => counted({ sent: bytesSent(res), received: bytesReceived(req) }));
    handler(req, res);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const clientGot = await new Promise<number>((resolve, reject) => {
    const req = http.request({ port, host: '127.0.0.1', method: request.method ?? 'GET', headers: request.chunked ? { 'transfer-encoding': 'chunked' } : {} }, (res) => {
      let got = 0;
      res.on('data', (c: Buffer) => (got += c.length));
      res.on('end', () => resolve(got));
    });
    req.on('error', reject);
    if (request.chunked && request.body !== undefined) {
      req.write(request.body.slice(0, 3));
      req.end(request.body.slice(3));
    } else req.end(request.body);
  });
  return { ...(await done), clientGot };
}

const readAll = (req: http.IncomingMessage) => new Promise<void>((resolve) => req.resume().on('end', resolve));

describe('counted messages', () => {
  it('count the body bytes of write() and end(), not the headers', async () => {
    const result = await exchange(
      (req, res) =>
        void readAll(req).then(() => {
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.write('héllo ');
          res.end(Buffer.alloc(1000));
        }),
      {},
    );
    expect(result).toEqual({ sent: 1007, received: 0, clientGot: 1007 });
  });

  it('count a request body read from the client, chunked or not', async () => {
    const answer: Handler = (req, res) => void readAll(req).then(() => res.end());
    expect((await exchange(answer, { method: 'POST', body: Buffer.alloc(12_345) })).received).toBe(12_345);
    expect((await exchange(answer, { method: 'PUT', body: 'some body', chunked: true })).received).toBe(9);
  });

  it('count a body piped through', async () => {
    const result = await exchange((req, res) => {
      res.writeHead(200);
      req.pipe(res);
    }, { method: 'POST', body: Buffer.alloc(70_000) });
    expect(result).toEqual({ sent: 70_000, received: 70_000, clientGot: 70_000 });
  });

  it('count nothing for a HEAD answer, whose body Node never sends', async () => {
    const result = await exchange((_req, res) => {
      res.writeHead(200, { 'content-length': '5' });
      res.end('hello');
    }, { method: 'HEAD' });
    expect(result.sent).toBe(0);
  });
});
