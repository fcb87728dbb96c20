/** Raw TCP clients for tests of what a listener does with clients that do not behave. */
import net from 'node:net';

export interface RawAnswer {
  /** Everything the server sent before it closed (or before the wait ended). */
  text: string;
  status: number | undefined;
  headers: Record<string, string>;
  body: string;
  /** Milliseconds from connecting to the server's close; undefined when it was still open at the end of the wait. */
  closedAfterMs: number | undefined;
}

/** Parses a raw HTTP/1.1 answer (one, with a Content-Length body). */
export function parseAnswer(text: string): Pick<RawAnswer, 'status' | 'headers' | 'body'> {
  const end = text.indexOf('\r\n\r\n');
  if (end === -1) return { status: undefined, headers: {}, body: '' };
  const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body: text.slice(end + 4) };
}

/** Connects, writes `send` (bytes, or a function that drives the socket), and waits up to `waitMs` for the server to close. */
export function rawExchange(port: number, send: string | Buffer | ((socket: net.Socket) => void), waitMs: number): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    let done = false;
    const finish = (closedAfterMs: number | undefined) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ text, ...parseAnswer(text), closedAfterMs });
    };
    const timer = setTimeout(() => finish(undefined), waitMs);
    socket.on('connect', () => (typeof send === 'function' ? send(socket) : socket.write(send)));
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => finish(Date.now() - started));
  });
}

/** A socket that connects and then says nothing; resolves once connected. */
export function silentSocket(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
    socket.on('error', (err) => reject(err));
  });
}

/** Sends requests on one kept-alive connection, one at a time, and reads each answer (Content-Length bodies only). */
export class KeepAliveClient {
  private buffer = '';
  private waiting: ((text: string) => void) | undefined;
  closed = false;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer += chunk.toString('latin1');
      this.deliver();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closed = true;
      this.waiting?.('');
    });
  }

  static connect(port: number): Promise<KeepAliveClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => resolve(new KeepAliveClient(socket)));
      socket.once('error', reject);
    });
  }

  /** GET `path`; resolves with the status, or undefined when the connection closed first. */
  get(path: string): Promise<number | undefined> {
    return new Promise((resolve) => {
      this.waiting = (text) => resolve(parseAnswer(text).status);
      if (this.closed) return this.waiting('');
      this.socket.write(`GET ${path} HTTP/1.1\r\nHost: test\r\n\r\n`);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private deliver(): void {
    const end = this.buffer.indexOf('\r\n\r\n');
    if (end === -1 || !this.waiting) return;
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(this.buffer.slice(0, end))?.[1] ?? 0);
    if (this.buffer.length < end + 4 + length) return;
    const answer = this.buffer.slice(0, end + 4 + length);
    this.buffer = this.buffer.slice(end + 4 + length);
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting(answer);
  }
}
