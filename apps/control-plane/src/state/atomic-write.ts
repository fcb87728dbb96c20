import { promises as fs } from 'node:fs';
import path from 'node:path';

let sequence = 0;

/**
 * Replaces `file` with `content` so that a crash leaves either the old or the new file, never half
 * of one: write a temp file in the same directory (same file system, so rename is atomic), fsync
 * it, rename it over the target, then fsync the directory so the rename itself is durable.
 */
export async function writeFileAtomic(file: string, content: string): Promise<void> {
  const dir = path.dirname(path.resolve(file));
  const temp = path.join(dir, `.${path.basename(file)}.tmp-${process.pid}-${++sequence}`);
  // --nodes-file may name a directory that does not exist yet (e.g. state/nodes.json).
  await fs.mkdir(dir, { recursive: true });
  const handle = await fs.open(temp, 'w', 0o644);
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.rename(temp, file);
  } catch (err) {
    await fs.rm(temp, { force: true });
    throw err;
  }
  await syncDirectory(dir);
}

async function syncDirectory(dir: string): Promise<void> {
  // Not every platform lets a directory be opened for fsync; the rename is done either way.
  try {
    const handle = await fs.open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    /* best effort */
  }
}
