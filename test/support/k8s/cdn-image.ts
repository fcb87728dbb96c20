/** The containers that run this project's image, and what the image runs in them. */
import fs from 'node:fs';
import path from 'node:path';
import type { ProgramName } from '@cdn/shared';
import { ROOT } from '../processes';
import type { Image } from './dockerfile';

export const IMAGE_NAME = 'cdn-management-system';
export const PACKAGE_VERSION: string = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
/** Where the image keeps the repository's files: the run stage copies a built checkout's layout there. */
export const IMAGE_APP_DIR = '/app';

export function runsCdnImage(container: any): boolean {
  return String(container.image).split(':')[0].split('/').at(-1) === IMAGE_NAME;
}

/** The command line a container runs, by the kubelet's rule: command replaces ENTRYPOINT (and drops CMD), args replace CMD. */
export function commandLine(container: any, image: Pick<Image, 'entrypoint' | 'cmd'>): string[] {
  return [...(container.command ?? image.entrypoint), ...(container.args ?? (container.command ? [] : image.cmd))];
}

/** The program bin/cdn.js runs for a command line: the word after it, all-in-one when there is none or a flag comes first. */
export function programOf(argv: string[]): ProgramName {
  const entry = argv.findIndex((arg) => arg.endsWith('/bin/cdn.js'));
  if (entry === -1) throw new Error(`${argv.join(' ')} does not run bin/cdn.js`);
  const word = argv[entry + 1];
  return word === undefined || word.startsWith('-') ? 'all-in-one' : (word as ProgramName);
}
