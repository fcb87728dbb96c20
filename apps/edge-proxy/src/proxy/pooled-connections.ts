import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import type { Agents } from '../routing/routing-state';

/** Set while the connection waits in the pool: nothing is due from the node on it. */
const IDLE = Symbol('cdn.idle');
/** The node the connection last carried a request to, for the log of a fault found while it idles. */
const NODE = Symbol('cdn.node');
type PooledSocket = Duplex & { [IDLE]?: boolean; [NODE]?: string };

/** Called when a node sent bytes on a pooled connection nobody was using; the connection is already closed. */
export type OnIdleBytes = (nodeId: string) => void;

/**
 * The keep-alive agents for the nodes. A connection the node writes to while it idles in the pool (the rest
 * of an answer longer than its Content-Length, say) is closed at once: reused, those bytes would be read as the
 * start of the next request's answer. Node's client reads nothing from an idle connection (the bytes are
 * dropped unseen), so the agents watch for them themselves.
 */
export function createUpstreamAgents(onIdleBytes: OnIdleBytes): Agents {
  // Idle pooled sockets are dropped after 4 s, before a node's own keep-alive timeout (Node's default is 5 s)
  // closes them under a request being sent. The timeout only destroys free sockets, never one in use.
  const options = { keepAlive: true, scheduling: 'lifo' as const, timeout: 4_000 };
  return { http: watchIdle(new http.Agent(options), onIdleBytes), https: watchIdle(new https.Agent(options), onIdleBytes) };
}

/** Names the node a connection carries a request to (one property write per request). */
export function carriesRequestTo(socket: Duplex, nodeId: string): void {
  (socket as PooledSocket)[NODE] = nodeId;
}

/**
 * One 'data' listener per connection, added the first time it goes idle: it costs a property check per chunk
 * read, where a listener added and removed at each reuse would cost two listener changes per request.
 */
function watchIdle<A extends http.Agent>(agent: A, onIdleBytes: OnIdleBytes): A {
  const keepSocketAlive = agent.keepSocketAlive;
  const reuseSocket = agent.reuseSocket;
  function onData(this: PooledSocket): void {
    if (!this[IDLE]) return;
    this[IDLE] = false;
    this.destroy();
    // Every pooled connection has carried a request through the forwarder, which named its node.
    const nodeId = this[NODE];
    if (nodeId !== undefined) onIdleBytes(nodeId);
  }
  // Node's own keepSocketAlive returns false for a connection whose Keep-Alive timeout is too short to reuse it.
  agent.keepSocketAlive = function (this: A, socket: PooledSocket) {
    const kept: unknown = keepSocketAlive.call(this, socket);
    if (kept === false) return false;
    if (socket[IDLE] === undefined) socket.on('data', onData);
    socket[IDLE] = true;
    return true;
  };
  agent.reuseSocket = function (this: A, socket: PooledSocket, request: http.ClientRequest): void {
    socket[IDLE] = false;
    reuseSocket.call(this, socket, request);
  };
  return agent;
}
