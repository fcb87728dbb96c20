/**
 * Memory of our edge, the all-in-one server and the split edge, each started for this with --cache-max-bytes
 * 64MiB (and the default --cache-max-object, 8 MiB), its VmRSS sampled every 50 ms:
 * - streaming: one GET of a 1 GiB object, a miss too large to store, which must stream through in bounded
 *   memory: the peak RSS during the transfer may exceed the RSS before it by less than 64 MiB (pass or fail);
 * - cache full: 1 MiB objects asked one after the other until twice the limit has gone through (the first half
 *   fills the cache, the second makes it evict), then the RSS against the configured size, with the bytes the
 *   cache says it holds (cdn_edge_cache_bytes). The README allows the process about 1.5 times the limit.
 */
import { request } from './http.mjs';
import { runToEnd } from './processes.mjs';
import { MiB, rss, sampleRss } from './rss.mjs';
import { startAllInOne } from './targets/all-in-one.mjs';
import { startSplitEdge } from './targets/split-edge.mjs';

const CACHE_MIB = 64;
const GROWTH_LIMIT_MIB = 64;
const FLAGS = ['--cache-max-bytes', `${CACHE_MIB}MiB`];

/** Streams the 1 GiB object through `target` with curl on the load CPU (as wrk runs), sampling the server's RSS. */
async function streaming(target, loadCpu) {
  const before = rss(target.pid);
  const peak = sampleRss(target.pid);
  const result = await runToEnd('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code} %{size_download} %{speed_download} %header{x-cache}', `${target.base}/cdn/1g`], { cpu: loadCpu, timeoutMs: 300_000 });
  const growthMiB = (peak() - before) / MiB;
  const [status, bytes, speed, cache] = result.stdout.trim().split(' ');
  if (status !== '200' || Number(bytes) !== 2 ** 30) throw new Error(`${target.label}: GET /cdn/1g answered ${status} with ${bytes} bytes, not 200 with 1 GiB (${result.stderr.trim()})`);
  return { beforeMiB: before / MiB, growthMiB, pass: growthMiB < GROWTH_LIMIT_MIB, cache, mibPerSecond: Number(speed) / MiB };
}

async function cacheFull(target) {
  const before = rss(target.pid);
  for (let i = 0; i < 2 * CACHE_MIB; i++) await request(`${target.base}/cdn/fill/${i}`);
  const after = rss(target.pid);
  const metrics = (await request(`${target.base}/metrics`)).body.toString();
  const cachedBytes = Number(/^cdn_edge_cache_bytes\{tier="memory"\} (\S+)$/m.exec(metrics)?.[1]);
  return { beforeMiB: before / MiB, afterMiB: after / MiB, cachedMiB: cachedBytes / MiB, growthToLimit: (after - before) / (CACHE_MIB * MiB) };
}

export async function measureMemory({ dir, cpu, loadCpu, origin, root }) {
  const targets = [
    await startAllInOne({ dir, cpu, origin, root, name: 'memory-all-in-one', flags: FLAGS }),
    await startSplitEdge({ dir, cpu, loadCpu, origin, root, name: 'memory-split-edge', edgeFlags: FLAGS }),
  ];
  const results = [];
  for (const target of targets) {
    results.push({ target: target.name, label: target.label, stream: await streaming(target, loadCpu), full: await cacheFull(target) });
    target.stop?.();
  }
  return { cacheMaxMiB: CACHE_MIB, growthLimitMiB: GROWTH_LIMIT_MIB, results };
}

const mib = (n) => n.toFixed(0).padStart(7);

export function formatMemory({ cacheMaxMiB, growthLimitMiB, results }) {
  const lines = ['', `memory: RSS (VmRSS) while streaming a 1 GiB miss (growth must stay < ${growthLimitMiB} MiB), and with the cache full (--cache-max-bytes ${cacheMaxMiB}MiB, ${2 * cacheMaxMiB} × 1 MiB asked)`];
  lines.push(`  ${'target'.padEnd(20)} ${'before'.padStart(7)} ${'growth'.padStart(7)} ${'MiB/s'.padStart(7)} ${'result'.padStart(6)}   ${'empty'.padStart(7)} ${'full'.padStart(7)} ${'cached'.padStart(7)} ${'growth/limit'.padStart(12)}`);
  for (const { label, stream, full } of results) {
    const verdict = stream.pass ? 'pass' : 'FAIL';
    lines.push(`  ${label.padEnd(20)} ${mib(stream.beforeMiB)} ${mib(stream.growthMiB)} ${mib(stream.mibPerSecond)} ${verdict.padStart(6)}   ${mib(full.beforeMiB)} ${mib(full.afterMiB)} ${mib(full.cachedMiB)} ${full.growthToLimit.toFixed(2).padStart(12)}`);
  }
  lines.push('  (MiB; "empty" is the RSS before filling the cache, "cached" what cdn_edge_cache_bytes says it holds)');
  return lines.join('\n');
}
