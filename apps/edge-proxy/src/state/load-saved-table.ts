import fs from 'node:fs';
import path from 'node:path';
import { checkWritableDirectory } from '@cdn/shared';
import { tempPrefix } from './atomic-write';
import { decodeSavedTable, LeftOutEntry, SAVED_TABLE_FILE, SavedTable } from './saved-table';

/** What --state-dir held at start. */
export type SavedTableLoad =
  | { kind: 'none' }
  | { kind: 'loaded'; saved: SavedTable; leftOut: LeftOutEntry[] }
  /** Unusable: moved to `keptAs` (undefined when even that failed), so the next save starts afresh. */
  | { kind: 'unusable'; reason: string; keptAs: string | undefined };

/**
 * Creates --state-dir (owner only: whoever writes it decides where this edge routes until NATS answers), checks
 * that files can be made in it (a StartupError naming --state-dir otherwise), and removes the temporary files of
 * writes a crash cut short. Returns the saved table's path.
 */
export function prepareStateDir(dir: string): string {
  const file = path.join(path.resolve(dir), SAVED_TABLE_FILE);
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  } catch {
    // checkWritableDirectory names the problem and the flag.
  }
  checkWritableDirectory(file, '--state-dir', 'the saved routing table');
  const prefix = tempPrefix(file);
  for (const name of fs.readdirSync(path.dirname(file))) {
    if (name.startsWith(prefix)) fs.rmSync(path.join(path.dirname(file), name), { force: true });
  }
  return file;
}

/** `<file>.corrupt-2024-05-06T07-08-09-010Z`: sorts by time, and is a valid file name everywhere. */
export function corruptName(file: string, now: number): string {
  return `${file}.corrupt-${new Date(now).toISOString().replace(/[:.]/g, '-')}`;
}

/** Reads the saved table; one that cannot be read or decoded is moved aside (never deleted: it may explain an incident). */
export function loadSavedTable(file: string, now: number): SavedTableLoad {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'none' };
    return setAside(file, `it cannot be read (${code ?? (err as Error).message})`, now);
  }
  const decoded = decodeSavedTable(text);
  if (decoded.ok) return { kind: 'loaded', saved: decoded.saved, leftOut: decoded.leftOut };
  return setAside(file, decoded.reason, now);
}

function setAside(file: string, reason: string, now: number): SavedTableLoad {
  const keptAs = corruptName(file, now);
  try {
    fs.renameSync(file, keptAs);
    return { kind: 'unusable', reason, keptAs };
  } catch {
    return { kind: 'unusable', reason, keptAs: undefined };
  }
}
