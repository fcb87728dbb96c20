/** The Dockerfile read as a builder reads it: stages, and what the last one (the image) runs. */
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from '../processes';

export interface Instruction {
  keyword: string;
  /** The rest of the line, continuation lines joined. */
  args: string;
}

export interface Stage {
  from: string;
  name?: string;
  instructions: Instruction[];
}

export interface Image {
  stages: Stage[];
  /** The last stage, which is the image. */
  run: Stage;
  entrypoint: string[];
  cmd: string[];
  workdir: string;
  user: { uid: number; gid: number };
  exposed: number[];
  env: Record<string, string>;
  healthcheck: { options: Record<string, string>; command: string[] };
  /** COPY instructions of the image's stage: where from (a stage or the build context), what, to where. */
  copies: { from?: string; sources: string[]; destination: string }[];
}

export function readDockerfile(file = path.join(ROOT, 'Dockerfile')): Image {
  const lines = fs.readFileSync(file, 'utf8').replace(/\\\n/g, ' ').split('\n');
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [, keyword, rest] = /^(\w+)\s+(.*)$/.exec(line) ?? [];
    if (!keyword) throw new Error(`Dockerfile: cannot read "${line}"`);
    const upper = keyword.toUpperCase();
    if (upper === 'ARG' && stages.length === 0) {
      const [name, value = ''] = rest.split('=');
      args[name.trim()] = value.trim();
      continue;
    }
    if (upper === 'FROM') {
      const [image, as, name] = rest.replace(/\$\{(\w+)\}/g, (_, n: string) => args[n] ?? '').split(/\s+/);
      stages.push({ from: image, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
      continue;
    }
    stages.at(-1)!.instructions.push({ keyword: upper, args: rest.trim() });
  }
  const run = stages.at(-1)!;
  const last = (keyword: string) => run.instructions.filter((i) => i.keyword === keyword).at(-1)?.args;
  const json = (keyword: string, text = last(keyword)): string[] => {
    if (!text?.startsWith('[')) throw new Error(`Dockerfile: ${keyword} must be in exec form (a JSON array), got ${text}`);
    return JSON.parse(text);
  };
  const [uid, gid] = (last('USER') ?? '0').split(':').map(Number);
  const healthcheck = last('HEALTHCHECK') ?? '';
  const [, options = '', command = ''] = /^((?:--\S+\s+)*)CMD\s+(.*)$/.exec(healthcheck) ?? [];
  return {
    stages,
    run,
    entrypoint: json('ENTRYPOINT'),
    cmd: json('CMD'),
    workdir: last('WORKDIR') ?? '/',
    user: { uid, gid: gid ?? uid },
    exposed: run.instructions.filter((i) => i.keyword === 'EXPOSE').flatMap((i) => i.args.split(/\s+/).map((p) => Number(p.split('/')[0]))),
    env: Object.fromEntries(run.instructions.filter((i) => i.keyword === 'ENV').map((i) => i.args.split('=') as [string, string])),
    healthcheck: { options: Object.fromEntries([...options.matchAll(/--([\w-]+)=(\S+)/g)].map((m) => [m[1], m[2]])), command: command ? json('HEALTHCHECK CMD', command) : [] },
    copies: run.instructions
      .filter((i) => i.keyword === 'COPY')
      .map((i) => {
        const words = i.args.split(/\s+/);
        const from = words.find((w) => w.startsWith('--from='))?.slice('--from='.length);
        const paths = words.filter((w) => !w.startsWith('--'));
        return { from, sources: paths.slice(0, -1), destination: paths.at(-1)! };
      }),
  };
}
