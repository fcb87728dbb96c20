/**
 * X-Client-Location, parsed once per distinct value: a name ("Beijing"), a region path ("CN/Beijing")
 * or coordinates ("39.9,116.4"). Names and path segments compare case-insensitively.
 */
export type ClientLocation =
  | { readonly kind: 'none' }
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'path'; readonly name: string; readonly segments: readonly string[] }
  | { readonly kind: 'coordinates'; readonly name: string; readonly lat: number; readonly lon: number };

const COORDINATES = /^\s*([+-]?\d+(?:\.\d+)?)\s*,\s*([+-]?\d+(?:\.\d+)?)\s*$/;

export function parseClientLocation(raw: string | undefined): ClientLocation {
  const name = raw?.trim().toLowerCase() ?? '';
  if (name === '') return { kind: 'none' };
  const match = COORDINATES.exec(name);
  if (match !== null) {
    const lat = Number(match[1]);
    const lon = Number(match[2]);
    // Out-of-range numbers are no position at all rather than a wrong one.
    if (Math.abs(lat) <= 90 && Math.abs(lon) <= 180) return { kind: 'coordinates', name, lat, lon };
    return { kind: 'name', name };
  }
  const segments = regionSegments(name);
  return segments.length > 1 ? { kind: 'path', name: segments.join('/'), segments } : { kind: 'name', name: segments[0] ?? name };
}

/** "CN/Beijing" → ["cn", "beijing"]; empty segments ("CN//Beijing/") are dropped. */
export function regionSegments(location: string): string[] {
  return location
    .toLowerCase()
    .split('/')
    .map((segment) => segment.trim())
    .filter((segment) => segment !== '');
}
