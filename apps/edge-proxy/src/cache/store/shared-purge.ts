import { decodeEntry, encodeEntry } from './entry-codec';
import type { PurgeMatch } from './purge-match';
import type { SharedCommands } from './shared-connection';
import { escapeGlob, type SharedKeys } from './shared-keys';

/** Commands in flight at once, and keys per UNLINK. */
const WRITE_BATCH = 100;
const UNLINK_BATCH = 500;

/**
 * Deletes a primary key's variant set and every entry it lists in one atomic step: a variant another edge adds
 * meanwhile lands either before (and goes) or after (in a fresh set), never in a set deleted unread. The entries
 * share the set's slot (shared-keys.ts), so this runs on a cluster too.
 */
const DELETE_VARIANTS = `
local members = redis.call('SMEMBERS', KEYS[1])
local deleted = 0
for i = 1, #members, ${UNLINK_BATCH} do
  deleted = deleted + redis.call('UNLINK', unpack(members, i, math.min(i + ${UNLINK_BATCH - 1}, #members)))
end
redis.call('UNLINK', KEYS[1])
return deleted`;

/** Reads and deletes a set in one atomic step (a tag's set: its entries sit in other slots, deleted afterwards). */
const TAKE_SET = `
local members = redis.call('SMEMBERS', KEYS[1])
redis.call('UNLINK', KEYS[1])
return members`;

/** Deletes every variant of the primary keys whose variant sets are given; resolves how many entries existed. */
export async function deleteVariants(redis: SharedCommands, variantSets: readonly string[]): Promise<number> {
  let deleted = 0;
  for (let i = 0; i < variantSets.length; i += WRITE_BATCH) {
    const counts = await Promise.all(variantSets.slice(i, i + WRITE_BATCH).map((set) => redis.eval(DELETE_VARIANTS, { keys: [set], arguments: [] })));
    deleted += counts.reduce<number>((sum, count) => sum + Number(count), 0);
  }
  return deleted;
}

/** Hard purge deletes the matching entries; soft purge rewrites them with invalidatedAt = now. Resolves the count. */
export async function purgeShared(redis: SharedCommands, keys: SharedKeys, match: PurgeMatch, soft: boolean, now: number): Promise<number> {
  const variantSets = match.urls.map((url) => keys.variants(url));
  const tagSets = match.tags.map((tag) => keys.tag(tag));
  if (!soft) {
    let deleted = await deleteVariants(redis, variantSets);
    for (const set of tagSets) deleted += await unlinkBySlot(redis, (await redis.eval(TAKE_SET, { keys: [set], arguments: [] })) as string[]);
    for (const prefix of match.prefixes) {
      for await (const batch of scanEntries(redis, keys, prefix)) deleted += await unlinkBySlot(redis, batch);
    }
    return deleted;
  }
  const targets = new Set<string>();
  for (const set of [...variantSets, ...tagSets]) for (const member of await redis.sMembers(set)) targets.add(member);
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

/** Deletes keys of any slots: one command may only touch one slot, so they go grouped by slot, in batches. */
export async function unlinkBySlot(redis: SharedCommands, keys: readonly string[]): Promise<number> {
  const bySlot = new Map<number, string[]>();
  for (const key of keys) {
    const slot = redis.slotOf(key);
    const group = bySlot.get(slot);
    if (group) group.push(key);
    else bySlot.set(slot, [key]);
  }
  const batches: string[][] = [];
  for (const group of bySlot.values()) for (let i = 0; i < group.length; i += UNLINK_BATCH) batches.push(group.slice(i, i + UNLINK_BATCH));
  let deleted = 0;
  for (let i = 0; i < batches.length; i += WRITE_BATCH) {
    const counts = await Promise.all(batches.slice(i, i + WRITE_BATCH).map((batch) => redis.unlink(batch)));
    deleted += counts.reduce((sum, count) => sum + count, 0);
  }
  return deleted;
}

/** Read, mark, write back with the same TTL; false when the entry is gone or unreadable. */
async function invalidate(redis: SharedCommands, key: string, now: number): Promise<boolean> {
  const frame = await redis.getFrame(key);
  const entry = frame ? decodeEntry(frame) : undefined;
  if (!entry) return false;
  // Already invalidated earlier: it has been stale since then, keep the earlier moment.
  if (entry.invalidatedAt !== undefined && entry.invalidatedAt <= now) return true;
  return redis.replaceFrame(key, encodeEntry({ ...entry, invalidatedAt: now }));
}

/** Entry keys whose primary key starts with `prefix`, on every master, a batch at a time. */
function scanEntries(redis: SharedCommands, keys: SharedKeys, prefix: string): AsyncGenerator<string[]> {
  return redis.scan(`${escapeGlob(keys.entryPrefix + prefix)}*`, 'string');
}
