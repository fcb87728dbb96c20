import { promises as fs } from 'node:fs';
import path from 'node:path';

/** `<file>.corrupt-2024-05-06T07-08-09-010Z`: sorts by time, and is a valid file name everywhere. */
export function corruptCopyName(file: string, now: number): string {
  return `${file}.corrupt-${new Date(now).toISOString().replace(/[:.]/g, '-')}`;
}

/**
 * Copies `file` (whose content is `content`) to `<file>.corrupt-<time>` before anything rewrites it:
 * it may be the only copy of a hand-restored backup. The original stays where it is, so that an
 * operator can fix it in place. A server that restarts in a loop on the same bad file reuses the
 * newest copy when it holds the same bytes, instead of filling the disk with copies.
 */
export async function keepAside(file: string, content: Buffer, now: number): Promise<string> {
  const dir = path.dirname(path.resolve(file));
  const prefix = `${path.basename(file)}.corrupt-`;
  const copies = (await fs.readdir(dir)).filter((name) => name.startsWith(prefix)).sort();
  const newest = copies.at(-1);
  if (newest !== undefined) {
    // Named as the file was given (relative or not), as a new copy would be.
    const kept = `${file}${newest.slice(path.basename(file).length)}`;
    const same = await fs.readFile(kept).then((old) => old.equals(content), () => false);
    if (same) return kept;
  }
  const keptAs = corruptCopyName(file, now);
  // 'wx': never overwrite an earlier copy, even one made in the same millisecond.
  await fs.writeFile(keptAs, content, { flag: 'wx', mode: 0o644 });
  return keptAs;
}
