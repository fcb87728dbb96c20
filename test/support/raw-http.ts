import net from 'node:net';

/**
 * Sends bytes as they are (no client library to tidy them up) and answers the status code of the reply,
 * or undefined when the server closed without one. Resolves as soon as the answer's head has arrived.
 */
export function rawRequest(port: number, bytes: Buffer | string, timeoutMs = 5_000): Promise<{ status: number | undefined; head: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    const done = (value: { status: number | undefined; head: string }) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(value);
    };
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms to ${JSON.stringify(String(bytes).slice(0, 300))}`));
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      // Interim answers (100 Continue) come before the one that counts.
      const final = received.replace(/^(HTTP\/1\.[01] 1\d\d[^\r]*\r\n(?:[^\r]+\r\n)*\r\n)+/, '');
      const end = final.indexOf('\r\n\r\n');
      if (end !== -1) done({ status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(final)?.[1]), head: final.slice(0, end) });
    });
    socket.on('error', () => undefined);
    socket.on('close', () => done({ status: undefined, head: received }));
    // Not end(): Node takes a client's half-close as leaving, and aborts what it was doing for it.
    socket.write(bytes);
  });
}
