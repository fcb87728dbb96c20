/** Test support: a directory that refuses new files, as a file system remounted read-only does. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

function canCreate(dir: string): boolean {
  const probe = path.join(dir, `.probe-${process.pid}`);
  try {
    fs.writeFileSync(probe, '');
    fs.rmSync(probe);
    return true;
  } catch {
    return false;
  }
}

/**
 * Makes `dir` refuse new files and renames into it; returns the function that undoes it. Permission bits
 * do not stop root, so as root the directory is made immutable (chattr +i) instead.
 */
export function makeReadOnly(dir: string): () => void {
  fs.chmodSync(dir, 0o555);
  if (!canCreate(dir)) return () => fs.chmodSync(dir, 0o755);
  execFileSync('chattr', ['+i', dir]);
  if (canCreate(dir)) throw new Error(`cannot make ${dir} read-only here (neither chmod nor chattr +i stops writes)`);
  return () => {
    execFileSync('chattr', ['-i', dir]);
    fs.chmodSync(dir, 0o755);
  };
}
