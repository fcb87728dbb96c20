import pino from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { cacheEntry } from '../../test/cache-entry-fixture';
import { createEdgeMetrics, type EdgeMetrics } from '../observability/edge-metrics';
import { createLanguageVariants } from './language-variants';
import { createMemoryTier, MAX_LANGUAGES } from './store/memory-tier';
import { createTieredCache } from './store/tiered-cache';
import { variantKey } from './store/variant-key';

const VARY = ['accept-encoding', 'accept-language'];

function setup() {
  const cache = createTieredCache({ memory: createMemoryTier({ maxBytes: 1 << 20, maxEntryBytes: 1 << 16 }), now: Date.now });
  const registry = new Registry();
  const metrics: EdgeMetrics = createEdgeMetrics(registry, cache.memory, { origin: () => undefined, lastUpdate: () => 0, now: () => 0 }, () => []);
  const languages = createLanguageVariants(cache, metrics, pino({ level: 'silent' }));
  /** Stores an answer in `language` for a request with these headers, as the entry store does. */
  const store = (headers: Record<string, string>, language: string | undefined, vary = VARY) => {
    const entry = cacheEntry({ vary, headers: language === undefined ? [] : ['content-language', language], body: Buffer.from(`in ${language}`) });
    const key = variantKey('p', vary, headers);
    cache.set(key, entry, 60_000);
    languages.remember(key, 'p', entry);
  };
  const find = (headers: Record<string, string>, vary = VARY) => languages.fromMemory('p', vary, headers)?.body.toString();
  return { cache, languages, store, find, registry };
}

describe('language variants (RFC 9110 §12.5.4)', () => {
  it('apply only to answers varying by Accept-Language', () => {
    const { languages } = setup();
    expect(languages.applies(VARY)).toBe(true);
    expect(languages.applies(['accept-encoding'])).toBe(false);
    expect(languages.applies([])).toBe(false);
  });

  it('find a stored variant in the first-choice language, counting it', async () => {
    const { store, find, registry } = setup();
    store({ 'accept-encoding': 'gzip', 'accept-language': 'fr' }, 'fr');
    expect(find({ 'accept-encoding': 'gzip', 'accept-language': 'fr, en;q=0.5' })).toBe('in fr');
    expect(await registry.getSingleMetricAsString('cdn_edge_cache_variant_selections_total')).toContain('by="content_language"} 1');
  });

  it('never cross another selecting header: the other values must be the request\'s own', () => {
    const { store, find } = setup();
    store({ 'accept-encoding': 'gzip', 'accept-language': 'fr' }, 'fr');
    expect(find({ 'accept-encoding': 'br', 'accept-language': 'fr, en;q=0.5' })).toBeUndefined();
  });

  it('find nothing for a request without Accept-Language, or one whose first choice is another language', () => {
    const { store, find } = setup();
    store({ 'accept-encoding': 'gzip', 'accept-language': 'fr' }, 'fr');
    expect(find({ 'accept-encoding': 'gzip' })).toBeUndefined();
    expect(find({ 'accept-encoding': 'gzip', 'accept-language': 'de, fr;q=0.9' })).toBeUndefined();
  });

  it('check the entry found: a variant whose language changed since it was remembered is not taken', () => {
    const { store, find } = setup();
    store({ 'accept-encoding': 'gzip', 'accept-language': 'fr' }, 'fr');
    store({ 'accept-encoding': 'gzip', 'accept-language': 'fr' }, 'de');
    expect(find({ 'accept-encoding': 'gzip', 'accept-language': 'fr, en;q=0.5' })).toBeUndefined();
  });

  it('remember a variant stored for a request without Accept-Language, in the language the node chose', () => {
    const { store, find } = setup();
    store({ 'accept-encoding': 'gzip' }, 'en');
    expect(find({ 'accept-encoding': 'gzip', 'accept-language': 'en' })).toBe('in en');
  });

  it('do not remember answers without one Content-Language, nor more than MAX_LANGUAGES languages per URL (the newest)', () => {
    const { store, cache } = setup();
    store({ 'accept-language': 'fr' }, undefined);
    store({ 'accept-language': 'fr' }, 'fr, de');
    expect(cache.languagesOf('p')).toBeUndefined();
    const tags = Array.from({ length: MAX_LANGUAGES + 5 }, (_, i) => `x${String.fromCharCode(97 + i)}`);
    for (const tag of tags) store({ 'accept-language': tag }, tag);
    expect(cache.languagesOf('p')!.size).toBe(MAX_LANGUAGES);
    // The newest are kept: the first ones went.
    expect(cache.languagesOf('p')!.has(tags.at(-1)!)).toBe(true);
    expect(cache.languagesOf('p')!.has(tags[0])).toBe(false);
  });
});
