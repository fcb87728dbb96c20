import net from 'node:net';
import tls from 'node:tls';

/** How long the probe waits for the server to answer or refuse. */
const PROBE_TIMEOUT_MS = 3_000;

/**
 * Why a TLS connection to a NATS server fails after the handshake, or undefined when it does not.
 *
 * With TLS 1.3 the server checks the client's certificate after the client has finished its side of the
 * handshake; nats.js then only sees a connection that never answers and reports a timeout. This probe
 * repeats the opening by hand (read INFO, upgrade to TLS, send CONNECT and PING) and returns the alert the
 * server sends instead of PONG ("bad certificate"), so the start-up line can name the flag to fix.
 */
export function probeNatsTls(host: string, port: number, options: tls.ConnectionOptions): Promise<Error | undefined> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: Error | undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      secure?.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish(undefined), PROBE_TIMEOUT_MS);
    let secure: tls.TLSSocket | undefined;
    let info = '';
    const socket = net.connect(port, host);
    socket.on('error', () => finish(undefined));
    socket.on('data', function onInfo(chunk: Buffer) {
      info += chunk.toString('latin1');
      if (!info.includes('\r\n')) return;
      socket.off('data', onInfo);
      // An IP address is no server name (RFC 6066): node warns when given one.
      secure = tls.connect({ ...options, socket, ...(net.isIP(host) === 0 && { servername: host }) });
      secure.on('error', (err) => finish(err));
      secure.on('secureConnect', () => secure!.write('CONNECT {"verbose":false,"pedantic":false}\r\nPING\r\n'));
      secure.on('data', () => finish(undefined));
      secure.on('close', () => finish(undefined));
    });
  });
}

/** host and port of the first server of a --nats-url list (nats://host:port, tls://host:port or host:port). */
export function firstServerAddress(servers: readonly string[]): { host: string; port: number } | undefined {
  const first = servers[0];
  if (!first) return undefined;
  try {
    const url = new URL(first.includes('://') ? first : `nats://${first}`);
    return { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(url.port || 4222) };
  } catch {
    return undefined;
  }
}
