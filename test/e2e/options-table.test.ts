/**
 * The README's settings table is the list of options: every program accepts exactly the flags its rows
 * give it (the all-in-one server the union of the other two), with the variables they name.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OPTION_SPECS, programOptions, ProgramName } from '@cdn/shared';
import { APPS, ROOT, tempDir } from '../support/processes';

interface Row {
  flag: string;
  env: string | undefined;
  programs: ProgramName[];
}

const PROGRAM_WORDS: Record<string, ProgramName[]> = {
  all: ['all-in-one', 'control-plane', 'edge'],
  server: ['all-in-one'],
  'control plane': ['control-plane'],
  edge: ['edge'],
};

function readmeRows(): Row[] {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const table = readme.slice(readme.indexOf('| flag | env | default | meaning | programs |'));
  const rows: Row[] = [];
  for (const line of table.split('\n').slice(2)) {
    if (!line.startsWith('|')) break;
    const cells = line.slice(1, -1).split('|').map((c) => c.trim());
    const flags = [...cells[0].matchAll(/`(--[a-z-]+)`/g)].map((m) => m[1]);
    if (flags.includes('--help')) continue;
    const programs = cells[4].split(',').flatMap((word) => PROGRAM_WORDS[word.trim()] ?? [`unknown program "${word}"` as ProgramName]);
    rows.push({ flag: flags[0], env: /`(CDN_[A-Z_]+)/.exec(cells[1])?.[1], programs });
  }
  return rows;
}

const APP_OF: Record<ProgramName, keyof typeof APPS> = { 'all-in-one': 'allInOne', 'control-plane': 'controlPlane', edge: 'edge' };

function helpFlags(program: ProgramName): string[] {
  const { stdout, status } = spawnSync(process.execPath, [APPS[APP_OF[program]], '--help'], { cwd: tempDir(), encoding: 'utf8' });
  expect(status).toBe(0);
  // Option lines start two spaces in; wrapped descriptions are indented further.
  return [...stdout.matchAll(/^  (?:-\w, )?(--[a-z-]+)/gm)].map((m) => m[1]).filter((f) => f !== '--help' && f !== '--version').sort();
}

describe('the README settings table', () => {
  const rows = readmeRows();

  it('has one row per option, with its variable and programs', () => {
    const specs = Object.values(OPTION_SPECS).map((spec) => ({
      flag: spec.flags.split(' ')[0],
      env: spec.env,
      programs: (['all-in-one', 'control-plane', 'edge'] as const).filter((p) => programOptions(p).includes(spec.key)),
    }));
    expect(rows.map((r) => r.flag).sort()).toEqual(specs.map((s) => s.flag).sort());
    for (const spec of specs) {
      const row = rows.find((r) => r.flag === spec.flag)!;
      expect({ flag: row.flag, env: row.env, programs: [...row.programs].sort() }).toEqual(spec);
    }
  });

  it.each(['all-in-one', 'control-plane', 'edge'] as const)('%s accepts exactly the flags of its rows', (program) => {
    const expected = rows.filter((r) => r.programs.includes(program)).map((r) => r.flag).sort();
    expect(helpFlags(program)).toEqual(expected);
  });

  it('the all-in-one server takes every option of the other two but those of the split deployment', () => {
    const split = new Set([...programOptions('control-plane'), ...programOptions('edge')]);
    const splitOnly = ['natsUrl', 'natsCreds', 'natsUser', 'natsPassword', 'natsPasswordFile', 'natsToken', 'natsTokenFile', 'natsTlsCa', 'natsTlsCert', 'natsTlsKey', 'natsReplicas', 'leaderLease', 'replicaId', 'stateDir'];
    for (const key of splitOnly) expect(split.delete(key as never), key).toBe(true);
    expect(new Set(programOptions('all-in-one'))).toEqual(split);
  });
});
