/** One member of a q-weighted list: its value without the q parameter (canonical form), and its weight. */
export interface WeightedMember {
  value: string;
  q: number;
}

/** RFC 9110 §12.4.2: qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ). */
const QVALUE = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;
/** Longer lists are left as written: checking members for repeats is quadratic, and no browser sends so many. */
const MAX_MEMBERS = 64;

/**
 * The members of Accept, Accept-Charset, Accept-Encoding or Accept-Language (RFC 9110 §12.5) in canonical form,
 * sorted by q descending (a stable sort: members of equal q keep their order, which some origins read as a
 * preference), or undefined when the value is not one this function can read without guessing: an invalid q, a
 * parameter after q (Accept's extensions), a quoted string, the same member twice, or over MAX_MEMBERS. Values are lower-cased
 * (these fields are case-insensitive), except Accept's parameter values, which may not be. Empty members are
 * dropped (RFC 9110 §5.6.1). `value` must already have its whitespace normalised (no spaces around `,` and `;`).
 */
export function parseWeightedList(value: string, mediaTypes: boolean): WeightedMember[] | undefined {
  if (value.includes('"')) return undefined;
  const members: WeightedMember[] = [];
  for (const raw of value.split(',')) {
    if (raw.length === 0) continue;
    const parts = raw.split(';');
    let canonical = parts[0].toLowerCase();
    let q = 1;
    let weighted = false;
    for (let i = 1; i < parts.length; i++) {
      const equals = parts[i].indexOf('=');
      const name = (equals === -1 ? parts[i] : parts[i].slice(0, equals)).toLowerCase();
      if (weighted) return undefined;
      if (name === 'q') {
        const weight = equals === -1 ? '' : parts[i].slice(equals + 1);
        if (!QVALUE.test(weight)) return undefined;
        q = Number(weight);
        weighted = true;
        continue;
      }
      // Only media ranges take parameters other than q; elsewhere one is a value we do not understand.
      if (!mediaTypes) return undefined;
      canonical += `;${name}${equals === -1 ? '' : parts[i].slice(equals)}`;
    }
    if (members.length === MAX_MEMBERS || members.some((member) => member.value === canonical)) return undefined;
    members.push({ value: canonical, q });
  }
  return members.sort((a, b) => b.q - a.q);
}

/** A weighted list written back in canonical form: `a,b;q=0.5,c;q=0` (q=1 implied). */
export function formatWeightedList(members: readonly WeightedMember[]): string {
  return members.map(({ value, q }) => (q === 1 ? value : `${value};q=${q}`)).join(',');
}
