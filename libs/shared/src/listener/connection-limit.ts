import type { Socket } from 'node:net';

/** What the limit did with a new connection. */
export type Admission = 'accepted' | 'evicted_silent' | 'refused';

/**
 * Holds a listener to `max` client connections. A connection past the limit takes the place of the
 * oldest one that has not sent a single byte yet (as nginx reuses connections still waiting for their
 * request): an attacker holding silent sockets then cannot lock legitimate clients out, who connect and
 * send at once. Only when every connection has sent something is the new one closed.
 */
export class ConnectionLimit {
  /** Insertion order is connection order, so the first silent one found is the oldest. */
  private readonly open = new Set<Socket>();

  constructor(readonly max: number) {}

  get size(): number {
    return this.open.size;
  }

  /** Called for each new connection; closes it or an older silent one when the listener is full. */
  admit(socket: Socket): Admission {
    let admission: Admission = 'accepted';
    if (this.open.size >= this.max) {
      const silent = this.oldestSilent();
      if (silent === undefined) {
        socket.destroy();
        return 'refused';
      }
      this.open.delete(silent);
      silent.destroy();
      admission = 'evicted_silent';
    }
    this.open.add(socket);
    socket.once('close', () => this.open.delete(socket));
    return admission;
  }

  /** Walks from the oldest: only runs while the listener is full, and stops at the first silent socket. */
  private oldestSilent(): Socket | undefined {
    for (const socket of this.open) if (socket.bytesRead === 0 && !socket.destroyed) return socket;
    return undefined;
  }
}
