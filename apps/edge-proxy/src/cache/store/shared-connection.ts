import type { Keyv } from 'keyv';

/**
 * The Redis commands the shared tier uses, the same whether one server or a cluster answers them: the tier's code
 * path is one. Keys passed to one call share a slot (shared-keys.ts puts a URL's keys in one; slotOf groups others).
 */
export interface SharedCommands {
  /** keyv over this connection: frames go in and out as the Buffers they are. */
  readonly frames: Keyv<Buffer>;
  pTTL(key: string): Promise<number>;
  getText(key: string): Promise<string | null>;
  setText(key: string, value: string, ttlMs: number): Promise<void>;
  getFrame(key: string): Promise<Buffer | null>;
  /** Rewrites an existing key keeping its TTL; false when it is gone. */
  replaceFrame(key: string, frame: Buffer): Promise<boolean>;
  /** Adds `member` to the set `set`, which then lives at least `ttlMs` more (never less than before): one MULTI on the set's slot. */
  addToIndex(set: string, member: string, ttlMs: number): Promise<void>;
  sMembers(key: string): Promise<string[]>;
  /** Deletes keys of one slot; resolves how many existed. */
  unlink(keys: string[]): Promise<number>;
  /** Runs a script on the master of its first key's slot. */
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  /** Every key of the given type matching `pattern`, on every master, a batch at a time (SCAN never blocks Redis like KEYS would). */
  scan(pattern: string, type: string): AsyncGenerator<string[]>;
  /** The slot of a key: keys of one slot may go in one command. Always 0 on one server. */
  slotOf(key: string): number;
}

/** A connection to the shared tier's Redis that reconnects by itself and reports what happens through ConnectionEvents. */
export interface SharedConnection extends SharedCommands {
  /** Every part of Redis is connected (the server; on a cluster, the master of every slot). */
  readonly ready: boolean;
  /** The part of Redis holding `key` is connected (on a cluster, the master of its slot). */
  serves(key: string): boolean;
  /** Keys held and memory used, summed over the server (every connected master of a cluster): DBSIZE and INFO memory. */
  size(): Promise<RedisSize>;
  /** Resolves once Redis answers and is what was asked for (a lone server, or a cluster): on a cluster, every connected master answers PING. */
  check(): Promise<void>;
  close(): Promise<void>;
}

/** How much a Redis holds. */
export interface RedisSize {
  keys: number;
  bytes: number;
}

/** Keys and used memory of one Redis server, from its DBSIZE and INFO memory. */
export async function serverSize(client: { dbSize(): Promise<number>; info(section: string): Promise<string> }): Promise<RedisSize> {
  const [keys, info] = await Promise.all([client.dbSize(), client.info('memory')]);
  return { keys, bytes: Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? 0) };
}

/** What a connection tells the shared tier; every handler is called synchronously from the client's events. */
export interface ConnectionEvents {
  /** Every part is connected, at the start or after an outage (the tier then checks it before using it again). */
  onConnected(): void;
  /** Some part was lost (`whole`: nothing answers); `reason` says which and why, without passwords. */
  onLost(reason: string, whole: boolean): void;
  /** Any error the client reports: the tier tells refusals (password, certificate, the wrong kind of Redis) from outages. */
  onError(err: unknown): void;
  /** The cluster's slot map changed (a failover, a resharding, a node joined or left); `change` says how. */
  onTopologyChange(change: string): void;
}

/** Quick first retries so a restart is noticed at once, then at most one attempt every 2 s. */
export function reconnectDelay(retries: number): number {
  return Math.min(50 * 2 ** retries, 2_000) + Math.floor(Math.random() * 50);
}

/** An error's message for a log line. */
export function messageOf(err: unknown): string {
  return (err as Error | undefined)?.message || String(err);
}
