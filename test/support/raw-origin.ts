/** An origin on a raw TCP server: it writes its answers byte by byte as told, framing mistakes included. */
import net from 'node:net';
import type { AddressInfo } from 'node:net';

/** One request as the raw origin read it (its Content-Length body is skipped). */
export interface RawRequest {
  method: string;
  path: string;
  /** Header names in lower case; a repeated header keeps its last value. */
  headers: Record<string, string>;
  /** Which connection it came on (1, 2, ...), and its place on that connection (1 for the first request). */
  connection: number;
  onConnection: number;
}

/** Writes the answer to `request` on `socket`, as raw bytes, at whatever pace it likes. */
export type RawHandler = (request: RawRequest, socket: net.Socket) => void;

export interface RawOrigin {
  url: string;
  port: number;
  requests: RawRequest[];
  close(): Promise<void>;
}

/** A minimal well-framed answer, for the requests a test does not care about (the control plane's probes). */
export function plainAnswer(body: string, headers: Record<string, string> = {}): string {
  const fields = Object.entries({ 'Content-Length': String(Buffer.byteLength(body)), ...headers }).map(([name, value]) => `${name}: ${value}\r\n`);
  return `HTTP/1.1 200 OK\r\n${fields.join('')}\r\n${body}`;
}

/** Parses request heads as they arrive on each connection (skipping Content-Length bodies) and hands each to `handler`. */
export async function startRawOrigin(handler: RawHandler): Promise<RawOrigin> {
  const requests: RawRequest[] = [];
  const sockets = new Set<net.Socket>();
  let connections = 0;
  const server = net.createServer((socket) => {
    const connection = ++connections;
    let onConnection = 0;
    let buffered = '';
    /** Body bytes of the last request still to skip. */
    let skip = 0;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('latin1');
      const skipped = Math.min(skip, buffered.length);
      buffered = buffered.slice(skipped);
      skip -= skipped;
      for (let end = buffered.indexOf('\r\n\r\n'); skip === 0 && end !== -1; end = buffered.indexOf('\r\n\r\n')) {
        const [requestLine, ...lines] = buffered.slice(0, end).split('\r\n');
        buffered = buffered.slice(end + 4);
        const [method, path] = requestLine.split(' ');
        const headers: Record<string, string> = {};
        for (const line of lines) {
          const colon = line.indexOf(':');
          headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
        }
        const length = Number(headers['content-length'] ?? 0);
        skip = Math.max(0, length - buffered.length);
        buffered = buffered.slice(Math.min(length, buffered.length));
        const request = { method, path, headers, connection, onConnection: ++onConnection };
        requests.push(request);
        handler(request, socket);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
