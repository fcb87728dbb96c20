import { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { Socket } from 'node:net';

/**
 * A GET the edge sends on its own (background refresh, cache warming), for dispatchWithoutClient: no
 * client's socket is behind it. It carries the end-to-end headers given and no body; `peer` is the
 * address of the client it is made for, which the forwarding headers name as a client's request would.
 */
export function ownRequest(headers: IncomingHttpHeaders, peer: string | undefined): IncomingMessage {
  const socket = new Socket();
  if (peer !== undefined) Object.defineProperty(socket, 'remoteAddress', { value: peer });
  const req = new IncomingMessage(socket);
  req.method = 'GET';
  req.httpVersion = '1.1';
  req.httpVersionMajor = 1;
  req.httpVersionMinor = 1;
  req.headers = { ...headers };
  delete req.headers['content-length'];
  delete req.headers['transfer-encoding'];
  // Complete and empty: ending it must not destroy the socket, as an aborted client request's end would.
  req.complete = true;
  req.push(null);
  return req;
}
