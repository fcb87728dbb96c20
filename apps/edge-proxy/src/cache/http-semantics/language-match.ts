import { parseWeightedList } from './weighted-list';

/** One language tag (RFC 5646's shape, loosely): what a single-language Content-Language must look like to be remembered. */
const LANGUAGE_TAG = /^[a-z]{1,8}(?:-[a-z0-9]{1,8})*$/;
const MAX_TAG_LENGTH = 64;

/** The one language tag of a Content-Language value, lower-cased; undefined for a list, garbage or none. */
export function singleContentLanguage(value: string | undefined): string | undefined {
  if (value === undefined || value.length > MAX_TAG_LENGTH) return undefined;
  const tag = value.trim().toLowerCase();
  return LANGUAGE_TAG.test(tag) ? tag : undefined;
}

/**
 * Whether an answer in `language` (a lower-case tag, from its Content-Language) may answer a request with this
 * Accept-Language (a selecting value: canonical, lower-case, sorted by q; see selectingValue) in place of the
 * answer the node would give to that exact value. Only when the client's first choice (its first range of the
 * highest q, not "*") matches the language by basic filtering (RFC 4647 §3.3.1: the range is the tag or a prefix
 * of it ending before a "-"), and the language gets that same highest q (its weight is that of the longest range
 * matching it, RFC 4647 §3.3.1 / RFC 9110 §12.5.4): so a language the client ranked below another, or refused
 * with q=0, is never chosen. Example: `en-us,en;q=0.9` does not take an answer in `en` (the client prefers en-US,
 * which the node may have), while `en,fr;q=0.5` takes one in `en` or `en-gb`.
 */
export function languageServes(acceptLanguage: string, language: string): boolean {
  const ranges = parseWeightedList(acceptLanguage, false);
  if (ranges === undefined || ranges.length === 0) return false;
  const first = ranges[0];
  if (first.q === 0 || first.value === '*' || !matches(first.value, language)) return false;
  let weight = 0;
  let longest = -1;
  for (const { value, q } of ranges) {
    const specificity = value === '*' ? 0 : value.length;
    if (specificity > longest && matches(value, language)) {
      longest = specificity;
      weight = q;
    }
  }
  return weight === first.q;
}

/** RFC 4647 §3.3.1 basic filtering of a lower-case tag by a lower-case range. */
function matches(range: string, tag: string): boolean {
  return range === '*' || tag === range || (tag.startsWith(range) && tag.charCodeAt(range.length) === 0x2d);
}
