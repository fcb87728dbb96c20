import fs from 'node:fs';

/** Used when /proc/self/limits cannot be read (not Linux): the usual default soft limit. */
export const ASSUMED_OPEN_FILE_LIMIT = 1024;

/** The soft open-file limit and where it came from, for the start-up line. */
export interface OpenFileLimit {
  soft: number;
  source: 'proc' | 'assumed';
}

/**
 * The soft RLIMIT_NOFILE of this process. Node raises the soft limit to the hard one at start-up, so
 * this is read from /proc/self/limits (what the process really has now), not from `ulimit` beforehand.
 */
export function openFileLimit(read: () => string = () => fs.readFileSync('/proc/self/limits', 'utf8')): OpenFileLimit {
  let text: string;
  try {
    text = read();
  } catch {
    return { soft: ASSUMED_OPEN_FILE_LIMIT, source: 'assumed' };
  }
  const soft = parseSoftLimit(text);
  return soft === undefined ? { soft: ASSUMED_OPEN_FILE_LIMIT, source: 'assumed' } : { soft, source: 'proc' };
}

/** The soft column of "Max open files" in /proc/<pid>/limits; `unlimited` reads as the largest safe integer. */
export function parseSoftLimit(limits: string): number | undefined {
  const match = /^Max open files\s+(\d+|unlimited)\s/m.exec(limits);
  if (!match) return undefined;
  return match[1] === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(match[1]);
}
