/** Parsers for command-line and environment values; each throws a message that names what it accepts. */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { redactUrl } from '../logging/redact-url';

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

/** --workers: a positive integer, or `auto` for one per core the process may use (os.availableParallelism()). */
export function workerCount(raw: string, name: string): number {
  if (raw.trim().toLowerCase() === 'auto') return os.availableParallelism();
  const value = Number(raw);
  if (!/^\s*\d+\s*$/.test(raw) || !Number.isSafeInteger(value) || value < 1 || value > MAX_WORKERS) {
    throw new InvalidValueError(`${name} must be a positive integer or auto, got "${raw}"`);
  }
  return value;
}

/** More workers than this is a typo, not a machine. */
const MAX_WORKERS = 1024;

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

/** Field names a targeted cache-control field cannot take: they already mean something to every cache. */
const RESERVED_TARGETS = ['cache-control', 'cdn-cache-control'];

/** A header field name (an RFC 9110 token) for --cache-control-target, in lower case; not Cache-Control nor CDN-Cache-Control. */
export function targetedFieldName(raw: string, name: string): string {
  const field = raw.trim().toLowerCase();
  if (!/^[!#$%&'*+\-.^_`|~0-9a-z]+$/.test(field) || field.length > 128) {
    throw new InvalidValueError(`${name} must be a header field name (letters, digits and !#$%&'*+-.^_\`|~, at most 128), got "${raw}"`);
  }
  if (RESERVED_TARGETS.includes(field)) {
    throw new InvalidValueError(`${name} must name a field of this CDN's own (e.g. Edge-Cache-Control), not ${raw}: Cache-Control and CDN-Cache-Control are always read`);
  }
  return field;
}

/** The value of --log-file that turns the file off: logs go to stdout only (containers, read-only file systems). */
export const NO_LOG_FILE = '-';

export function logFilePath(raw: string): string {
  return raw.trim() === '' ? NO_LOG_FILE : raw;
}

export function natsUrl(raw: string, name: string): string {
  for (const part of raw.split(',')) {
    let url: URL;
    try {
      url = new URL(part.trim());
    } catch {
      throw new InvalidValueError(`${name} must be a nats:// URL (comma-separated for a cluster), got "${redactUrl(raw)}"`);
    }
    if (!['nats:', 'tls:', 'ws:', 'wss:'].includes(url.protocol)) {
      throw new InvalidValueError(`${name} must be a nats:// URL (comma-separated for a cluster), got "${redactUrl(raw)}"`);
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

const BYTE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3, gib: 1024 ** 3 };

/** A size in bytes, with an optional unit: 1048576, 512KiB, 256MiB, 1G (units are powers of 1024). */
export function byteSize(min: number, max: number) {
  return (raw: string, name: string): number => {
    const match = /^\s*(\d+)\s*([a-z]*)\s*$/i.exec(raw);
    const unit = match ? BYTE_UNITS[match[2].toLowerCase()] : undefined;
    const value = match && unit !== undefined ? Number(match[1]) * unit : NaN;
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      throw new InvalidValueError(`${name} must be a size in bytes from ${min} to ${max}, with an optional unit (KiB, MiB, GiB), got "${raw}"`);
    }
    return value;
  };
}


/** A URL with one of the given schemes, e.g. urlWithScheme(['http:', 'https:'], 'an http:// or https:// URL'). */
function urlWithScheme(protocols: readonly string[], what: string) {
  return (raw: string, name: string): string => {
    let url: URL | undefined;
    try {
      url = new URL(raw);
    } catch {
      url = undefined;
    }
    // The value may carry a password (redis://:secret@host): the message shows it redacted.
    if (!url || !protocols.includes(url.protocol)) throw new InvalidValueError(`${name} must be ${what}, got "${redactUrl(raw)}"`);
    return raw;
  };
}

export const httpUrl = urlWithScheme(['http:', 'https:'], 'an http:// or https:// URL');
const oneRedisUrl = urlWithScheme(['redis:', 'rediss:'], 'a redis:// or rediss:// URL');

/** One redis:// or rediss:// URL, or several comma-separated (seed nodes of a cluster; redis-target.ts checks they go together). */
export function redisUrl(raw: string, name: string): string {
  for (const part of raw.split(',')) {
    try {
      oneRedisUrl(part.trim(), name);
    } catch {
      throw new InvalidValueError(`${name} must be a redis:// or rediss:// URL (comma-separated for a cluster's seed nodes), got "${redactUrl(raw)}"`);
    }
  }
  return raw;
}

export function urlPath(raw: string, name: string): string {
  if (!raw.startsWith('/') || /\s/.test(raw)) throw new InvalidValueError(`${name} must be a path starting with /, got "${raw}"`);
  return raw;
}

/** A bearer token: long enough not to be guessed, and nothing that a header would mangle. */
export const SECRET_TOKEN_PATTERN = /^[\x21-\x7e]{16,512}$/;

export function secretToken(raw: string, name: string): string {
  if (!SECRET_TOKEN_PATTERN.test(raw)) throw new InvalidValueError(`${name} must be 16-512 printable characters without spaces`);
  return raw;
}

/** A file that exists and can be read now (a mounted Secret, a certificate). */
export function readableFile(raw: string, name: string): string {
  try {
    fs.accessSync(raw, fs.constants.R_OK);
    if (!fs.statSync(raw).isFile()) throw new Error('not a file');
  } catch {
    throw new InvalidValueError(`${name} must be a readable file, got "${raw}"`);
  }
  return raw;
}

/** A browser origin: scheme, host and optional port, nothing else (`https://admin.example.com`). */
export function webOrigin(raw: string, name: string): string {
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (!url || !['http:', 'https:'].includes(url.protocol) || url.origin !== raw.replace(/\/$/, '')) {
    throw new InvalidValueError(`${name} must be an origin such as https://admin.example.com (scheme, host, optional port), got "${raw}"`);
  }
  return url.origin;
}

/** An IPv4 or IPv6 address, or a CIDR block of them (`10.0.0.0/8`, `fd00::/8`, `192.0.2.7`). */
export function cidr(raw: string, name: string): string {
  const [address, bits, extra] = raw.trim().split('/');
  const family = net.isIP(address);
  const max = family === 4 ? 32 : 128;
  const prefixOk = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= max);
  if (family === 0 || !prefixOk || extra !== undefined) throw new InvalidValueError(`${name} must be an IP address or CIDR block such as 10.0.0.0/8, got "${raw}"`);
  return raw.trim();
}

/** A CIDR block (as `cidr`), or a host name pattern where `*.` matches any subdomain (`*.cdn.example.com`). */
export function cidrOrHostPattern(raw: string, name: string): string {
  const value = raw.trim().toLowerCase();
  if (/^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(value) && !net.isIP(value.split('/')[0])) return value;
  try {
    return cidr(value, name);
  } catch {
    throw new InvalidValueError(`${name} must be a CIDR block (10.0.0.0/8), an address, or a host name pattern (cdn1.example.com, *.example.com), got "${raw}"`);
  }
}
