import { spawnSync } from 'node:child_process';

/** What `promtool check metrics` says of an exposition: its exit code and every line it printed (problems). */
export function checkMetrics(exposition: string): { status: number | null; problems: string } {
  const result = spawnSync('promtool', ['check', 'metrics'], { input: exposition, encoding: 'utf8' });
  if (result.error) throw result.error;
  return { status: result.status, problems: `${result.stdout}${result.stderr}`.trim() };
}
