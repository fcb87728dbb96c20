import { promises as fs } from 'node:fs';
import path from 'node:path';

let sequence = 0;

/** The prefix of the temporary files of `file`: what a crash in the middle of a write leaves behind. */
export function tempPrefix(file: string): string {
  return `.${path.basename(file)}.tmp-`;
}

/**
 * Replaces `file` with `content` so that a crash, kill -9 or power cut leaves either the old or the new file,
 * never half of one: a temporary file in the same directory (so the rename is atomic), fsync, rename over the
 * target, fsync of the directory (so the rename itself survives a power cut). The same steps as the control
 * plane's nodes file; a copy, since the edge and the control plane share only contracts.
 */
export async function writeFileAtomic(file: string, content: string, mode = 0o600): Promise<void> {
  const dir = path.dirname(path.resolve(file));
  const temp = path.join(dir, `${tempPrefix(file)}${process.pid}-${++sequence}`);
  const handle = await fs.open(temp, 'w', mode);
  try {
    try {
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, file);
  } catch (err) {
    await fs.rm(temp, { force: true }).catch(() => undefined);
    throw err;
  }
  await syncDirectory(dir);
}

async function syncDirectory(dir: string): Promise<void> {
  // Not every platform lets a directory be opened for fsync; the rename is done either way.
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    /* best effort */
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
