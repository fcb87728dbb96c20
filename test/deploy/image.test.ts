/**
 * The Dockerfile: a multi-stage build whose image holds only production dependencies and built output, laid out as
 * a built checkout is, so that running the checkout as the image would (ENTRYPOINT, CMD, WORKDIR, HEALTHCHECK) proves
 * what the image runs. No Docker engine is needed.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OPTION_SPECS } from '@cdn/shared';
import { get, post } from '../support/http';
import { IMAGE_APP_DIR } from '../support/k8s/cdn-image';
import { readDockerfile } from '../support/k8s/dockerfile';
import { killTree } from '../support/k8s/process-tree';
import { eventually, freePort } from '../support/ports';
import { ROOT, Running, tempDir } from '../support/processes';

const image = readDockerfile();
/** A path of the image, where the checkout has it. */
const local = (p: string) => (p === IMAGE_APP_DIR || p.startsWith(`${IMAGE_APP_DIR}/`) ? path.join(ROOT, p.slice(IMAGE_APP_DIR.length)) : p);

/** The image's command line with extra arguments replacing CMD, as `docker run <image> <args>` does. */
function dockerRun(args: string[] = image.cmd, env: Record<string, string> = {}): { argv: string[]; env: Record<string, string> } {
  return { argv: [...image.entrypoint, ...args].map(local), env: { PATH: process.env.PATH!, ...image.env, ...env } };
}

const started: Running[] = [];
afterAll(() => {
  // tini and the program under it.
  for (const p of started) killTree(p.child.pid!);
});

describe('the Dockerfile', () => {
  it('builds in one stage with every dependency and ships production dependencies only, on a Node.js LTS slim image', () => {
    expect(image.stages.length).toBeGreaterThanOrEqual(2);
    const [, major] = /^node:(\d+)-slim$/.exec(image.run.from) ?? [];
    expect(Number(major) % 2, `${image.run.from}: LTS lines are the even ones`).toBe(0);
    expect(Number(major)).toBeGreaterThanOrEqual(24);
    const build = image.stages.find((s) => s.name === 'build')!;
    expect(build.instructions.some((i) => i.keyword === 'RUN' && /^npm ci\b(?!.*--omit=dev)/.test(i.args))).toBe(true);
    const modules = image.copies.find((c) => c.destination === './node_modules')!;
    const from = image.stages.find((s) => s.name === modules.from)!;
    expect(from.instructions.some((i) => i.keyword === 'RUN' && /npm ci .*--omit=dev/.test(i.args))).toBe(true);
  });

  it('lays the image out as a built checkout: everything it copies into /app is at the same place in the repository', () => {
    expect(image.run.instructions.find((i) => i.keyword === 'WORKDIR')?.args).toBe(IMAGE_APP_DIR);
    for (const copy of image.copies) {
      const destination = path.posix.join(IMAGE_APP_DIR, copy.destination);
      for (const source of copy.sources) {
        const inRepo = copy.from ? source.replace(`${IMAGE_APP_DIR}/`, '') : source;
        expect(fs.existsSync(path.join(ROOT, inRepo)), `${source} (${copy.from ?? 'context'})`).toBe(true);
        const target = copy.destination.endsWith('/') ? path.posix.join(destination, path.posix.basename(source)) : destination;
        expect(target, `COPY ${source} ${copy.destination}`).toBe(path.posix.join(IMAGE_APP_DIR, inRepo));
      }
    }
  });

  it('runs as a numeric non-root user, in /data, under tini, the all-in-one server on port 5000 by default', () => {
    expect(image.user.uid).toBeGreaterThan(0);
    expect(image.workdir).toBe('/data');
    expect(image.entrypoint.slice(0, 2)).toEqual(['/usr/bin/tini', '--']);
    expect(image.cmd).toEqual(['all-in-one']);
    expect(image.exposed).toEqual([OPTION_SPECS.port.default]);
    expect(image.healthcheck.command[0], 'exec form: no shell needed').toBe('node');
  });

  it('keeps dependencies, built output, tests and local state out of the build context, and nothing the build needs', () => {
    const patterns = fs
      .readFileSync(path.join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    const regex = (p: string) => new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*\//g, '\0').replace(/\*/g, '[^/]*').replace(/\0/g, '(.*/)?')}(/.*)?$`);
    const ignored = (file: string) => patterns.some((p) => regex(p).test(file));
    for (const file of ['node_modules/x/index.js', 'apps/edge-proxy/node_modules/x.js', 'apps/edge-proxy/dist/main.js', 'test/deploy/image.test.ts', 'apps/edge-proxy/src/main.spec.ts', 'cdn_nodes.json', 'data/cdn_nodes.json.tmp', 'cdn_system.log', '.git/HEAD']) {
      expect(ignored(file), file).toBe(true);
    }
    for (const file of ['package.json', 'package-lock.json', 'nx.json', 'tsconfig.base.json', 'libs/shared/src/index.ts', 'apps/edge-proxy/src/main.ts', 'apps/control-plane/package.json', 'bin/cdn.js', 'bin/healthcheck.js']) {
      expect(ignored(file), file).toBe(false);
    }
  });
});

describe('the image, run from the checkout as Docker would run it', () => {
  it('by default runs the all-in-one server with its state and log in /data, healthy by its HEALTHCHECK, and stops on SIGTERM', async () => {
    const data = tempDir('image-data-');
    const port = await freePort();
    const run = dockerRun(image.cmd, { CDN_PORT: String(port) });
    const server = new Running(spawn(run.argv[0], run.argv.slice(1), { cwd: data, env: run.env, stdio: ['ignore', 'pipe', 'pipe'] }), 'image');
    started.push(server);
    const healthcheck = () => spawnSync(image.healthcheck.command[0], image.healthcheck.command.slice(1).map(local), { env: run.env, encoding: 'utf8' });
    await eventually(async () => (await get(`http://127.0.0.1:${port}/healthz`)).status === 200, 20_000);
    expect(healthcheck().status).toBe(0);
    expect((await post(`http://127.0.0.1:${port}/register_node`, { id: 'node1', url: 'http://127.0.0.1:9', location: 'x', capacity: 1 })).status).toBe(200);
    await eventually(() => fs.existsSync(path.join(data, 'cdn_nodes.json')) && fs.existsSync(path.join(data, 'cdn_system.log')), 5_000);
    server.child.kill('SIGTERM');
    expect(await server.exited, server.output).toBe(0);
    const after = healthcheck();
    expect(after.status).toBe(1);
    expect(after.stderr).toContain(`GET http://127.0.0.1:${port}/healthz failed`);
  }, 40_000);

  it('runs any program named after the image, with its flags', () => {
    for (const [program, usage] of [['control-plane', 'cdn-control-plane'], ['edge', 'cdn-edge'], ['all-in-one', 'cdn-server']]) {
      const run = dockerRun([program, '--help']);
      const result = spawnSync(run.argv[0], run.argv.slice(1), { env: run.env, encoding: 'utf8' });
      expect(result.status, program).toBe(0);
      expect(result.stdout).toContain(`Usage: ${usage} [options]`);
    }
    const flagsOnly = dockerRun(['--version']);
    expect(spawnSync(flagsOnly.argv[0], flagsOnly.argv.slice(1), { env: flagsOnly.env, encoding: 'utf8' }).stdout.trim()).toBe('1.0.0');
  });

  it('names the programs when given one it does not know (exit 2)', () => {
    const run = dockerRun(['proxy']);
    const result = spawnSync(run.argv[0], run.argv.slice(1), { env: run.env, encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('cdn: unknown program "proxy"; expected one of all-in-one, control-plane, edge');
  });
});
