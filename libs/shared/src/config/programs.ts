/**
 * The three programs and the options each takes, derived from OPTION_SPECS so that the flags a program
 * accepts, its --help and the README's settings table come from one list.
 */
import { OPTION_SPECS, OptionName, SplitProgram } from './options';
import type { ProgramInfo } from './parse-config';

export type ProgramName = 'all-in-one' | SplitProgram;

export const VERSION = '1.0.0';

const PROGRAMS: Record<ProgramName, { name: string; description: string }> = {
  'all-in-one': {
    name: 'cdn-server',
    description: 'CDN management system: control plane and edge proxy in one process (seed-compatible API on one port).',
  },
  'control-plane': {
    name: 'cdn-control-plane',
    description: 'CDN control plane: node registration, health and the routing table published to edges over NATS.',
  },
  edge: {
    name: 'cdn-edge',
    description: 'CDN edge proxy: routes /cdn/* to CDN nodes by the routing table published on NATS, with a two-tier cache.',
  },
};

/** The options a program takes: the split programs' own, and for the all-in-one the union of both but the split-only ones. */
export function programOptions(program: ProgramName): OptionName[] {
  const specs = Object.values(OPTION_SPECS);
  const taken = program === 'all-in-one' ? specs.filter((spec) => !spec.splitOnly) : specs.filter((spec) => spec.programs.includes(program));
  return taken.map((spec) => spec.key);
}

export function programInfo(program: ProgramName): ProgramInfo {
  return { ...PROGRAMS[program], version: VERSION, options: programOptions(program) };
}
