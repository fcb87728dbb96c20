/** Parsers for command-line and environment values; each throws a message that names what it accepts. */

export class InvalidValueError extends Error {}

export function integerIn(min: number, max: number) {
  return (raw: string, name: string): number => {
    const value = Number(raw);
    if (!/^\s*-?\d+\s*$/.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
      throw new InvalidValueError(`${name} must be an integer ${min}-${max}, got "${raw}"`);
    }
    return value;
  };
}

export function oneOf<T extends string>(choices: readonly T[]) {
  return (raw: string, name: string): T => {
    const match = choices.find((c) => c.toLowerCase() === raw.trim().toLowerCase());
    if (!match) throw new InvalidValueError(`${name} must be one of ${choices.join(', ')}, got "${raw}"`);
    return match;
  };
}

export function booleanValue(raw: string, name: string): boolean {
  const v = raw.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  throw new InvalidValueError(`${name} must be true or false, got "${raw}"`);
}

export function nonEmpty(raw: string, name: string): string {
  if (raw.trim() === '') throw new InvalidValueError(`${name} must not be empty`);
  return raw;
}

export function natsUrl(raw: string, name: string): string {
  for (const part of raw.split(',')) {
    let url: URL;
    try {
      url = new URL(part.trim());
    } catch {
      throw new InvalidValueError(`${name} must be a nats:// URL (comma-separated for a cluster), got "${raw}"`);
    }
    if (!['nats:', 'tls:', 'ws:', 'wss:'].includes(url.protocol)) {
      throw new InvalidValueError(`${name} must be a nats:// URL (comma-separated for a cluster), got "${raw}"`);
    }
  }
  return raw;
}

export function edgeId(raw: string, name: string): string {
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(raw)) {
    throw new InvalidValueError(`${name} must be 1-64 characters of A-Z a-z 0-9 . _ -, got "${raw}"`);
  }
  return raw;
}
