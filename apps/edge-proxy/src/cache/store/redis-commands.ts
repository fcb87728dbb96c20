import { RESP_TYPES } from '@redis/client';
import { frameKeyv } from './buffer-redis-store';
import type { SharedCommands } from './shared-connection';

/** The node-redis calls the shared commands make: a client and a cluster both have them (a cluster routes each by its first key). */
interface NodeRedis {
  get(key: string): Promise<string | Buffer | null>;
  set(key: string, value: string | Buffer, options: object): Promise<string | null>;
  pTTL(key: string): Promise<number>;
  sMembers(key: string): Promise<string[]>;
  unlink(keys: string[]): Promise<number>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  multi(): IndexMulti;
  withTypeMapping(mapping: object): NodeRedis;
}

interface IndexMulti {
  sAdd(key: string, member: string): IndexMulti;
  pExpire(key: string, ms: number, mode: 'NX' | 'GT'): IndexMulti;
  exec(): Promise<unknown>;
}

/** A node-redis client, or a single node's client, that SCAN can walk. */
export interface ScanClient {
  scan(cursor: string, options: { MATCH: string; COUNT: number; TYPE: string }): Promise<{ cursor: string | number; keys: string[] }>;
}

const SCAN_BATCH = 1000;

/** Every key of one server matching `pattern`, a batch at a time. */
export async function* scanServer(client: ScanClient, pattern: string, type: string): AsyncGenerator<string[]> {
  let cursor = '0';
  do {
    const reply = await client.scan(cursor, { MATCH: pattern, COUNT: SCAN_BATCH, TYPE: type });
    cursor = String(reply.cursor);
    if (reply.keys.length > 0) yield reply.keys;
  } while (cursor !== '0');
}

/**
 * The shared commands over a node-redis client or cluster (`redis`), given how to scan every master and how to find
 * a key's slot: the only two things a cluster does differently.
 */
export function commandsOver(redis: unknown, parts: Pick<SharedCommands, 'scan' | 'slotOf'>): SharedCommands {
  const text = redis as NodeRedis;
  // Same connections, but bulk strings come back as Buffers: frames are bytes, not text.
  const bytes = text.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
  return {
    frames: frameKeyv(bytes),
    pTTL: (key) => text.pTTL(key),
    getText: async (key) => (await text.get(key)) as string | null,
    setText: async (key, value, ttlMs) => {
      await text.set(key, value, { expiration: { type: 'PX', value: Math.ceil(ttlMs) } });
    },
    getFrame: async (key) => (await bytes.get(key)) as Buffer | null,
    replaceFrame: async (key, frame) => (await bytes.set(key, frame, { expiration: 'KEEPTTL', condition: 'XX' })) !== null,
    addToIndex: async (set, member, ttlMs) => {
      const px = Math.ceil(ttlMs);
      // An index lives at least as long as its longest-lived entry: NX sets a first TTL, GT only extends it.
      await text.multi().sAdd(set, member).pExpire(set, px, 'NX').pExpire(set, px, 'GT').exec();
    },
    sMembers: (key) => text.sMembers(key),
    unlink: (keys) => text.unlink(keys),
    eval: (script, options) => text.eval(script, options),
    scan: parts.scan,
    slotOf: parts.slotOf,
  };
}
