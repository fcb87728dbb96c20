import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger, StartupError } from '@cdn/shared';
import { eventually } from '../../../../test/support/ports';
import { TokenFileWatcher, watchTokenFile } from './token-file-watcher';

const A = 'first-token-0123456789';
const B = 'second-token-0123456789';

let dir: string;
let file: string;
let lines: string[];
let watcher: TokenFileWatcher | undefined;
const logger = () =>
  createLogger({
    name: 'test',
    level: 'DEBUG',
    destination: new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n')) if (line) lines.push((JSON.parse(line) as { msg: string }).msg);
        done();
      },
    }),
  });

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tokens-'));
  file = path.join(dir, 'admin-tokens');
  lines = [];
});
afterEach(() => {
  watcher?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

function watch(onTokens: (tokens: readonly string[]) => void) {
  watcher = watchTokenFile({ file, flag: '--admin-token-file', logger: logger(), onTokens, intervalMs: 20 });
}

describe('watchTokenFile', () => {
  it('reads the tokens at start', () => {
    fs.writeFileSync(file, `${A}\n`);
    let tokens: readonly string[] = [];
    watch((t) => (tokens = t));
    expect(tokens).toEqual([A]);
  });

  it('takes a rotated Secret without a restart, as Kubernetes swaps it (a new file behind a symlink)', async () => {
    fs.writeFileSync(path.join(dir, 'v1'), `${A}\n`);
    fs.symlinkSync(path.join(dir, 'v1'), file);
    let tokens: readonly string[] = [];
    watch((t) => (tokens = t));
    fs.writeFileSync(path.join(dir, 'v2'), `${B}\n`);
    fs.symlinkSync(path.join(dir, 'v2'), `${file}.tmp`);
    fs.renameSync(`${file}.tmp`, file);
    await eventually(() => tokens[0] === B);
    expect(lines).toContain(`Reloaded 1 token(s) from --admin-token-file ${file}`);
  });

  it('keeps the tokens read before while the file cannot be read, with one WARNING', async () => {
    fs.writeFileSync(file, `${A}\n`);
    let tokens: readonly string[] = [];
    watch((t) => (tokens = t));
    fs.rmSync(file);
    await eventually(() => lines.some((l) => l.startsWith('Cannot re-read --admin-token-file')));
    await new Promise((r) => setTimeout(r, 100));
    expect(tokens).toEqual([A]);
    expect(lines.filter((l) => l.startsWith('Cannot re-read'))).toHaveLength(1);
    fs.writeFileSync(file, `${B}\n`);
    await eventually(() => tokens[0] === B);
  });

  it('never logs a token, not even a malformed line', async () => {
    fs.writeFileSync(file, `${A}\nshort secret\n`);
    watch(() => undefined);
    expect(lines).toContain(`--admin-token-file ${file} line 2 is not a token (16-512 printable characters without spaces); ignored`);
    expect(lines.join('\n')).not.toContain(A);
    expect(lines.join('\n')).not.toContain('short secret');
  });

  it('warns when the file holds no token', () => {
    fs.writeFileSync(file, '\n');
    watch(() => undefined);
    expect(lines).toContain(`--admin-token-file ${file} holds no token: nobody can use it to sign in`);
  });

  it('is a start-up failure naming the flag when the file cannot be read', () => {
    expect(() => watch(() => undefined)).toThrow(StartupError);
    expect(() => watch(() => undefined)).toThrow(`Cannot read --admin-token-file ${file}: ENOENT`);
  });
});
