import { decodeEntry, encodeEntry } from './entry-codec';
import type { PurgeMatch } from './purge-match';
import { escapeGlob, type SharedKeys } from './shared-keys';

/** The few Redis calls purging needs; strings for keys and members, Buffers for frames. */
export interface PurgeRedis {
  sMembers(key: string): Promise<string[]>;
  scan(cursor: string, options: { MATCH: string; COUNT: number; TYPE: string }): Promise<{ cursor: string; keys: string[] }>;
  unlink(keys: string[]): Promise<number>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  getFrame(key: string): Promise<Buffer | null>;
  /** Rewrites an existing key keeping its TTL; false when it is gone. */
  replaceFrame(key: string, frame: Buffer): Promise<boolean>;
}

const SCAN_BATCH = 1000;
const WRITE_BATCH = 100;

/**
 * Deletes every entry named in the given index sets, and the sets, in one atomic step: a variant another edge
 * adds meanwhile lands either before (and goes) or after (in a fresh set), never in a set deleted unread.
 */
const DELETE_INDEXED = `
local deleted = 0
for _, set in ipairs(KEYS) do
  local members = redis.call('SMEMBERS', set)
  for i = 1, #members, 500 do
    local batch = {}
    for j = i, math.min(i + 499, #members) do batch[#batch + 1] = ARGV[1] .. members[j] end
    deleted = deleted + redis.call('UNLINK', unpack(batch))
  end
  redis.call('UNLINK', set)
end
return deleted`;

/** Deletes the entries listed in the index sets; resolves how many existed. */
export async function deleteIndexed(redis: PurgeRedis, keys: SharedKeys, sets: string[]): Promise<number> {
  if (sets.length === 0) return 0;
  return Number(await redis.eval(DELETE_INDEXED, { keys: sets, arguments: [keys.entryPrefix] }));
}

/** Hard purge deletes the matching entries; soft purge rewrites them with invalidatedAt = now. Resolves the count. */
export async function purgeShared(redis: PurgeRedis, keys: SharedKeys, match: PurgeMatch, soft: boolean, now: number): Promise<number> {
  const indexSets = [...match.urls.map((url) => keys.variants(url)), ...match.tags.map((tag) => keys.tag(tag))];
  if (!soft) {
    let deleted = await deleteIndexed(redis, keys, indexSets);
    for (const prefix of match.prefixes) {
      for await (const batch of scanEntries(redis, keys, prefix)) deleted += await redis.unlink(batch);
    }
    return deleted;
  }
  const targets = new Set<string>();
  for (const set of indexSets) for (const member of await redis.sMembers(set)) targets.add(keys.entry(member));
  for (const prefix of match.prefixes) {
    for await (const batch of scanEntries(redis, keys, prefix)) for (const key of batch) targets.add(key);
  }
  let affected = 0;
  const all = [...targets];
  for (let i = 0; i < all.length; i += WRITE_BATCH) {
    const results = await Promise.all(all.slice(i, i + WRITE_BATCH).map((key) => invalidate(redis, key, now)));
    affected += results.filter(Boolean).length;
  }
  return affected;
}

/** Read, mark, write back with the same TTL; false when the entry is gone or unreadable. */
async function invalidate(redis: PurgeRedis, key: string, now: number): Promise<boolean> {
  const frame = await redis.getFrame(key);
  const entry = frame ? decodeEntry(frame) : undefined;
  if (!entry) return false;
  // Already invalidated earlier: it has been stale since then, keep the earlier moment.
  if (entry.invalidatedAt !== undefined && entry.invalidatedAt <= now) return true;
  return redis.replaceFrame(key, encodeEntry({ ...entry, invalidatedAt: now }));
}

/** Entry keys whose primary key starts with `prefix`, a batch at a time (SCAN never blocks Redis like KEYS would). */
async function* scanEntries(redis: PurgeRedis, keys: SharedKeys, prefix: string): AsyncGenerator<string[]> {
  const pattern = `${escapeGlob(keys.entryPrefix + prefix)}*`;
  let cursor = '0';
  do {
    const reply = await redis.scan(cursor, { MATCH: pattern, COUNT: SCAN_BATCH, TYPE: 'string' });
    cursor = String(reply.cursor);
    if (reply.keys.length > 0) yield reply.keys;
  } while (cursor !== '0');
}
