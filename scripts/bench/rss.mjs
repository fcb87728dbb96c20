/** A server's resident memory, read from /proc/<pid>/status (VmRSS): what the kernel holds for it, heap or not. */
import fs from 'node:fs';

export const MiB = 2 ** 20;

/** VmRSS of `pid` in bytes. */
export function rss(pid) {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

/** Samples rss(pid) every `everyMs` until the returned function is called; that returns the largest sample. */
export function sampleRss(pid, everyMs = 50) {
  let max = rss(pid);
  const timer = setInterval(() => (max = Math.max(max, rss(pid))), everyMs);
  return () => {
    clearInterval(timer);
    return Math.max(max, rss(pid));
  };
}
