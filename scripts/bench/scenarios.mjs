/**
 * The measured scenarios, one wrk run each per target and round. `path` is the origin's path (our servers are
 * asked for /cdn<path>); `hit` scenarios are warmed and checked to be served from the cache before measuring.
 *
 * Measured apart, in extras.mjs: the routing cost with 10, 1,000 and 10,000 nodes, memory, propagation to 20
 * edges, and --workers scaling from 1 to 2 cores.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));

export const SCENARIOS = [
  { id: 'hit-1k', title: 'cache hit 1 KiB', path: '/1k', connections: 64, hit: true },
  { id: 'hit-100k', title: 'cache hit 100 KiB', path: '/100k', connections: 64, hit: true },
  { id: 'hit-1m', title: 'cache hit 1 MiB', path: '/1m', connections: 64, hit: true },
  { id: 'hit-1k-c1', title: 'cache hit 1 KiB, one connection', path: '/1k', connections: 1, hit: true },
  { id: 'pass-1k', title: 'pass-through no-store 1 KiB', path: '/nostore/1k', connections: 64, hit: false },
  { id: 'post-10k', title: 'POST 10 KiB forwarded', path: '/post', connections: 64, hit: false, script: path.join(HERE, 'post-10k.lua'), method: 'POST' },
];
