import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from '@cdn/shared';
import type { EdgeMetrics } from '../observability/edge-metrics';
import { flatHeader, languageServes, retentionMs, selectingValue, singleContentLanguage } from './http-semantics';
import type { CacheEntry } from './store/cache-entry';
import type { TieredCache } from './store/tiered-cache';
import { valueIn, variantKey } from './store/variant-key';

const ACCEPT_LANGUAGE = 'accept-language';
/** A stored Accept-Language longer than this is not remembered: the memo stays small whatever clients send. */
const MAX_REMEMBERED_LENGTH = 256;

/**
 * Variants chosen by language (RFC 9110 §12.5.4): an answer that varies by Accept-Language and says which
 * language it is in (one Content-Language) may also answer a later request whose Accept-Language differs but
 * whose first choice is that language (languageServes). Each primary key remembers, per language, the
 * Accept-Language of a stored variant in it (at most MAX_LANGUAGES); the memo is kept in both tiers, so a
 * variant stored by one edge is chosen on another. Only answers varying by Accept-Language are looked at: the
 * lookup of any other answer does no extra work.
 */
export interface LanguageVariants {
  /** Whether answers varying by `vary` can be chosen by language. */
  applies(vary: readonly string[]): boolean;
  /** A variant in L1 in a language the request takes, when its own variant is not there. */
  fromMemory(primary: string, vary: readonly string[], headers: IncomingHttpHeaders): CacheEntry | undefined;
  /** The same in L2, with L2's memo. */
  fromShared(primary: string, vary: readonly string[], headers: IncomingHttpHeaders): Promise<CacheEntry | undefined>;
  /** Remembers the language of a variant just stored under `key`. */
  remember(key: string, primary: string, entry: CacheEntry): void;
}

export function createLanguageVariants(cache: TieredCache, metrics: EdgeMetrics, logger: Logger): LanguageVariants {
  const chosenByLanguage = metrics.variantSelections.bind({ by: 'content_language' });

  /** The key of a stored variant the request may take by language, with the request's own Accept-Language in key form. */
  function candidate(primary: string, vary: readonly string[], headers: IncomingHttpHeaders, languages: ReadonlyMap<string, string> | undefined) {
    const raw = headers[ACCEPT_LANGUAGE];
    if (languages === undefined || raw === undefined) return undefined;
    const acceptLanguage = selectingValue(ACCEPT_LANGUAGE, raw);
    for (const [language, stored] of languages) {
      if (stored !== acceptLanguage && languageServes(acceptLanguage, language)) {
        return { acceptLanguage, key: variantKey(primary, vary, headers, { name: ACCEPT_LANGUAGE, value: stored }) };
      }
    }
    return undefined;
  }

  /** The entry found under a candidate key, when it still is in a language the request takes (the node may have changed it since). */
  function accept(primary: string, acceptLanguage: string, entry: CacheEntry | undefined): CacheEntry | undefined {
    if (entry === undefined) return undefined;
    const language = singleContentLanguage(flatHeader(entry.headers, 'content-language'));
    if (language === undefined || !languageServes(acceptLanguage, language)) return undefined;
    chosenByLanguage.inc();
    logger.debug(`Variant of ${primary} in ${language} chosen for Accept-Language ${acceptLanguage}`);
    return entry;
  }

  return {
    applies: (vary) => vary.includes(ACCEPT_LANGUAGE),
    fromMemory: (primary, vary, headers) => {
      const found = candidate(primary, vary, headers, cache.languagesOf(primary));
      return found && accept(primary, found.acceptLanguage, cache.getMemory(found.key));
    },
    fromShared: async (primary, vary, headers) => {
      const found = candidate(primary, vary, headers, await cache.sharedLanguagesOf(primary));
      return found && accept(primary, found.acceptLanguage, await cache.getShared(found.key));
    },
    remember: (key, primary, entry) => {
      if (!entry.vary.includes(ACCEPT_LANGUAGE)) return;
      const language = singleContentLanguage(flatHeader(entry.headers, 'content-language'));
      const acceptLanguage = valueIn(key, entry.vary, ACCEPT_LANGUAGE);
      if (language === undefined || acceptLanguage === undefined || acceptLanguage.length > MAX_REMEMBERED_LENGTH) return;
      cache.addLanguage(primary, language, acceptLanguage, retentionMs(entry));
    },
  };
}
