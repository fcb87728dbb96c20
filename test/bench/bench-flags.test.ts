/**
 * `npm run bench` reads its flags before it installs or starts anything: a bad one stops it at once with exit
 * status 2 and a line naming the flag and what it accepts. (The bench itself is a script, never a timed test.)
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const RUN = path.resolve(__dirname, '../../scripts/bench/run.mjs');
const bench = (...args: string[]) => spawnSync(process.execPath, [RUN, ...args], { encoding: 'utf8', timeout: 20_000 });
// Flags that start a run are read with the parser itself (imported by URL: the script has no type declarations).
const FLAGS = pathToFileURL(path.resolve(__dirname, '../../scripts/bench/flags.mjs')).href;
const parse = async (...args: string[]) => ((await import(FLAGS)) as { parseFlags: (argv: string[]) => { extras: string[]; 'extras-only': boolean } }).parseFlags(args);

describe('npm run bench flags', () => {
  it('lists every flag with its default and range on --help', () => {
    const result = bench('--help');
    expect(result.status).toBe(0);
    for (const flag of ['--rounds', '--duration', '--quick', '--storm-clients', '--only', '--extras', '--no-extras', '--extras-only', '--keep']) expect(result.stdout).toContain(flag);
    expect(result.stdout).toContain('(default 3, 1-100)');
  });

  it.each([
    [['--rounds', '0'], '--rounds must be an integer 1-100, got "0"'],
    [['--duration', 'abc'], '--duration must be an integer 1-600, got "abc"'],
    [['--storm-clients'], '--storm-clients must be an integer 1-10000, got ""'],
    [['--only'], '--only needs a value'],
    [['--only', 'nginx,squid'], '--only: unknown target squid; one of nginx, varnish, node-map, all-in-one, split-edge'],
    [['--fast'], 'unknown option --fast; --help lists them'],
    [['--extras'], '--extras needs a value'],
    [['--extras', 'routing,latency'], '--extras: unknown measurement latency; one of routing, memory, propagation, workers'],
    [['--extras-only', '--no-extras'], '--extras-only with --no-extras leaves nothing to run'],
    [['--extras-only', '--only', 'nginx'], '--only chooses targets of the comparison, which --extras-only skips'],
  ])('refuses %j with exit 2', (args, message) => {
    const result = bench(...args);
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toBe(`bench: ${message}`);
  });

  it('runs every extra measurement by default, in their order, and only those --extras names', async () => {
    expect((await parse()).extras).toEqual(['routing', 'memory', 'propagation', 'workers']);
    expect((await parse('--extras', 'propagation, routing')).extras).toEqual(['routing', 'propagation']);
    expect((await parse('--no-extras')).extras).toEqual([]);
    expect(await parse('--extras-only', '--extras', 'memory')).toMatchObject({ extras: ['memory'], 'extras-only': true });
  });
});
