import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';

/** A start-up failure the operator can fix; its message is one line that names what to change. */
export class StartupError extends Error {}

const LISTEN_ADVICE: Record<string, string> = {
  EADDRINUSE: 'the address is already in use (by another program, or another copy of this one); stop it or choose another {port}',
  EACCES: 'permission denied (ports below 1024 need privileges); choose another {port}',
  EADDRNOTAVAIL: 'no network interface has that address; choose another {host}',
  ENOTFOUND: 'the host name does not resolve; choose another {host}',
};

/** Listens on host:port, or throws a StartupError that names the flag to change. */
export async function listen(server: http.Server, host: string, port: number, flags = { host: '--host', port: '--port' }): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      const advice = LISTEN_ADVICE[err.code ?? ''] ?? `${err.code ?? err.message}; check ${flags.host} and ${flags.port}`;
      reject(new StartupError(`Cannot listen on ${host}:${port}: ${advice.replace('{port}', flags.port).replace('{host}', flags.host)}`, { cause: err }));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

const FS_PROBLEMS: Record<string, string> = {
  ENOENT: 'no such directory',
  ENOTDIR: 'a part of the path is a file',
  EEXIST: 'a part of the path is a file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EISDIR: 'it is a directory',
};

function fsProblem(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  return code ? `${FS_PROBLEMS[code] ?? code}` : (err as Error).message;
}

/** Throws a StartupError unless files can be created in the directory of `file` (which is created if missing). */
export function checkWritableDirectory(file: string, flag: string, what: string, alternative = ''): void {
  const dir = path.dirname(path.resolve(file));
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (err) {
    throw new StartupError(`Cannot write ${what} in ${dir}: ${fsProblem(err)}; choose another ${flag}${alternative}`, { cause: err });
  }
}

/** Throws a StartupError unless `file` can be appended to. */
export function checkAppendable(file: string, flag: string, what: string, alternative = ''): void {
  checkWritableDirectory(file, flag, what, alternative);
  try {
    fs.closeSync(fs.openSync(file, 'a'));
  } catch (err) {
    throw new StartupError(`Cannot write ${what} ${path.resolve(file)}: ${fsProblem(err)}; choose another ${flag}${alternative}`, { cause: err });
  }
}
