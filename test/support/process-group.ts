import { ChildProcess, spawn } from 'node:child_process';
import { ROOT } from './processes';

const groups = new Set<Group>();

/** A command in its own process group, so that it can be stopped with everything it started (background jobs of a shell too). */
export class Group {
  output = '';
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(command: string, args: string[], env: NodeJS.ProcessEnv = {}) {
    this.child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (d: Buffer) => (this.output += d.toString()));
    this.child.stderr!.on('data', (d: Buffer) => (this.output += d.toString()));
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
    groups.add(this);
  }

  kill(): void {
    try {
      process.kill(-this.child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
    groups.delete(this);
  }
}

/** Kills every group a test started; register with afterEach in files that use Group. */
export function killGroups(): void {
  for (const group of [...groups]) group.kill();
}

/** npm echoes the script it runs (`> name@version script`, `> command`); everything else must be the program's own log lines. */
export const NPM_ECHO = /^> /;
export const LOG_LINE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (DEBUG|INFO|WARNING|ERROR)\s+[a-z-]+: /;
