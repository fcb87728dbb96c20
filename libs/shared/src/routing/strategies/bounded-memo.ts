/**
 * Remembers what was built per client location, so only the first request from a place pays for ranking
 * the nodes. Client locations are few in practice; arbitrary "lat,lon" values could be many, so the memo is
 * emptied when full rather than growing (cheaper than LRU bookkeeping on every hit).
 */
export function boundedMemo<T>(limit: number, build: (key: string) => T): (key: string) => T {
  const entries = new Map<string, T>();
  return (key) => {
    let value = entries.get(key);
    if (value === undefined) {
      if (entries.size >= limit) entries.clear();
      value = build(key);
      entries.set(key, value);
    }
    return value;
  };
}

/** Distinct client locations remembered per balancer and status tier. */
export const CLIENT_LOCATION_MEMO_LIMIT = 1024;
