import { primaryOf } from './variant-key';

/**
 * Where the shared tier keeps things in Redis, all under one namespace so several CDNs can share a server.
 *
 * Everything about one primary key (its variants' frames, the set listing them, its vary memo) carries the primary key
 * as a hash tag, `{<primary>}`, so on a Redis Cluster it all lives in one slot: one script can delete a URL's
 * variants atomically, and one lookup goes to one master. Primary keys are request targets (`/cdn/...`), so the tag
 * is never empty. Tag sets gather entries of many URLs and so of many slots: each sits in a slot of its own.
 */
export interface SharedKeys {
  /** The frame of one cached variant: `<ns>:entry:{<primary>}<the rest of the variant key>`. */
  entry(key: string): string;
  /** What every entry key starts with, up to the primary key (a prefix purge scans for this plus the prefix). */
  readonly entryPrefix: string;
  /** Set of the entry keys stored for a primary key (invalidation deletes them all); in the primary key's slot. */
  variants(primary: string): string;
  /** Set of the entry keys carrying a purge tag; in a slot of its own. */
  tag(tag: string): string;
  /** The vary header names last seen for a primary key; in the primary key's slot. */
  vary(primary: string): string;
  /** Hash of the languages of a primary key's stored variants (language → Accept-Language in key form); in the primary key's slot. */
  languages(primary: string): string;
}

export function sharedKeys(namespace: string): SharedKeys {
  // A brace in the namespace would become the hash tag instead of the primary key.
  if (/[{}]/.test(namespace)) throw new Error(`shared cache namespace must not contain { or }, got "${namespace}"`);
  const entryPrefix = `${namespace}:entry:{`;
  return {
    entry: (key) => {
      const primary = primaryOf(key);
      return `${entryPrefix}${primary}}${key.slice(primary.length)}`;
    },
    entryPrefix,
    variants: (primary) => `${namespace}:variants:{${primary}}`,
    tag: (tag) => `${namespace}:tag:${tag}`,
    vary: (primary) => `${namespace}:vary:{${primary}}`,
    languages: (primary) => `${namespace}:languages:{${primary}}`,
  };
}

/** Escapes Redis glob characters (`* ? [ ] \`), so a purge prefix like `/img/[1]*` is matched literally by SCAN MATCH. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (char) => `\\${char}`);
}
