/** Where the shared tier keeps things in Redis, all under one namespace so several CDNs can share a server. */
export interface SharedKeys {
  /** The frame of one cached variant. */
  entry(key: string): string;
  /** The prefix every entry key starts with (prefix purge scans below it). */
  readonly entryPrefix: string;
  /** Set of the variant keys stored for a primary key (invalidation deletes them all). */
  variants(primary: string): string;
  /** Set of the variant keys carrying a purge tag. */
  tag(tag: string): string;
  /** The vary header names last seen for a primary key. */
  vary(primary: string): string;
}

export function sharedKeys(namespace: string): SharedKeys {
  const entryPrefix = `${namespace}:entry:`;
  return {
    entry: (key) => entryPrefix + key,
    entryPrefix,
    variants: (primary) => `${namespace}:variants:${primary}`,
    tag: (tag) => `${namespace}:tag:${tag}`,
    vary: (primary) => `${namespace}:vary:${primary}`,
  };
}

/** Escapes Redis glob characters (`* ? [ ] \`), so a purge prefix like `/img/[1]*` is matched literally by SCAN MATCH. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (char) => `\\${char}`);
}
