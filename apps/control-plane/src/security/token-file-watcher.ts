import fs from 'node:fs';
import { Logger, StartupError } from '@cdn/shared';
import { parseTokenFile } from './token-file';

/** How often a token file is re-read: a rotated Secret is in effect within this long. */
export const TOKEN_FILE_RELOAD_MS = 2_000;

export interface TokenFileWatcherOptions {
  file: string;
  /** The flag that named the file, for log lines: `--admin-token-file`. */
  flag: string;
  logger: Logger;
  /** Given the tokens at start and after every change of the file's contents. */
  onTokens(tokens: readonly string[]): void;
  /** Told of every re-read that changed something (`ok`) or failed (`error`). */
  onReload?(result: 'ok' | 'error'): void;
  intervalMs?: number;
}

export interface TokenFileWatcher {
  stop(): void;
}

/**
 * Reads a token file now (a start-up failure when it cannot be read), then again every few seconds.
 * A plain re-read rather than fs.watch: Kubernetes updates a mounted Secret by swapping a symlink, which
 * inotify on the file never sees, and reading a few bytes every two seconds costs nothing. A file that
 * becomes unreadable keeps the tokens last read (one WARNING until it is back): a half-finished update
 * must not lock every operator out.
 */
export function watchTokenFile(options: TokenFileWatcherOptions): TokenFileWatcher {
  const { file, flag, logger } = options;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new StartupError(`Cannot read ${flag} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}; make it readable or choose another ${flag}`, { cause: err });
  }
  apply(text, 'Read');

  let failing = false;
  let reading = false;
  const timer = setInterval(() => {
    if (reading) return;
    reading = true;
    fs.promises
      .readFile(file, 'utf8')
      .then(
        (next) => {
          if (failing) logger.info(`${flag} ${file} is readable again`);
          failing = false;
          if (next === text) return;
          text = next;
          apply(next, 'Reloaded');
          options.onReload?.('ok');
        },
        (err: NodeJS.ErrnoException) => {
          if (!failing) logger.warn(`Cannot re-read ${flag} ${file} (${err.code ?? err.message}); keeping the tokens read before`);
          failing = true;
          options.onReload?.('error');
        },
      )
      .finally(() => (reading = false));
  }, options.intervalMs ?? TOKEN_FILE_RELOAD_MS);
  timer.unref();

  function apply(contents: string, verb: string): void {
    const { tokens, badLines } = parseTokenFile(contents);
    for (const line of badLines) logger.warn(`${flag} ${file} line ${line} is not a token (16-512 printable characters without spaces); ignored`);
    if (tokens.length === 0) logger.warn(`${flag} ${file} holds no token: nobody can use it to sign in`);
    else logger.info(`${verb} ${tokens.length} token(s) from ${flag} ${file}`);
    options.onTokens(tokens);
  }

  return { stop: () => clearInterval(timer) };
}
