import type { Socket } from 'node:net';

/** What the limit did with a new connection. */
export type Admission = 'accepted' | 'evicted_silent' | 'refused';

/**
 * Holds a listener to `max` client connections. A connection past the limit takes the place of the
 * oldest one that has not sent a single byte yet (as nginx reuses connections still waiting for their
 * request): an attacker holding silent sockets then cannot lock out legitimate clients, who connect and
 * send at once. Only when every connection has sent something is the new one closed.
 */
export class ConnectionLimit {
  /** Insertion order is connection order, so the first silent one found is the oldest. */
  private readonly open = new Set<Socket>();

  constructor(readonly max: number) {}

  get size(): number {
    return this.open.size;
  }

  /** Called for each new connection; closes it, or an older silent one, when the listener is full. */
  admit(socket: Socket): Admission {
    let admission: Admission = 'accepted';
    if (this.open.size >= this.max) {
      const room = this.makeRoom();
      if (room === undefined) {
        socket.destroy();
        return 'refused';
      }
      admission = room;
    }
    this.open.add(socket);
    socket.once('close', () => this.open.delete(socket));
    return admission;
  }

  /**
   * Walks from the oldest, only while the listener is full, and stops at the first socket that can go: one
   * already destroyed (its 'close' is still to come), or a silent one, which it closes.
   */
  private makeRoom(): Exclude<Admission, 'refused'> | undefined {
    for (const socket of this.open) {
      if (!socket.destroyed && socket.bytesRead > 0) continue;
      this.open.delete(socket);
      if (socket.destroyed) return 'accepted';
      socket.destroy();
      return 'evicted_silent';
    }
    return undefined;
  }
}
