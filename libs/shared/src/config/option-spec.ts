import type { OptionName } from './options';

/** The two programs of the split deployment; the all-in-one server takes the options of both (see programs.ts). */
export type SplitProgram = 'control-plane' | 'edge';

export const ALL: readonly SplitProgram[] = ['control-plane', 'edge'];
export const CP: readonly SplitProgram[] = ['control-plane'];
export const EDGE: readonly SplitProgram[] = ['edge'];

/** One option: its flag, variable, parser and default, and the programs that take it. */
export interface OptionSpec {
  key: OptionName;
  /** The flag as the seed spells it, e.g. `--node-timeout <seconds>`. */
  flags: string;
  description: string;
  /** The split programs that take it. */
  programs: readonly SplitProgram[];
  /** Only the split deployment needs it: the all-in-one server's bus is in-process. */
  splitOnly?: true;
  /** Environment variable consulted when the flag is absent. */
  env: string;
  parse?: (raw: string, name: string) => unknown;
  default?: unknown;
  /** A boolean switch: the flag sets the value given by switchValue(); the env var gives the value itself. */
  switch?: true;
  /** May be given several times; the env var holds a comma-separated list. */
  repeatable?: true;
}
