/** The measurements beyond the comparison (extras.mjs), in the order they run. */
export const EXTRA_NAMES = ['routing', 'memory', 'propagation', 'workers'];

/** Every flag `npm run bench` takes (one table: the parser and --help both read it). */
export const FLAGS = [
  { name: 'rounds', value: 3, min: 1, max: 100, help: 'interleaved rounds: each scenario for each target once per round' },
  { name: 'duration', value: 5, min: 1, max: 600, help: 'seconds of each wrk run' },
  { name: 'quick', value: false, help: 'one round of 2 s runs, 10 registrations timed instead of 30 (a smoke test; the figures are rough)' },
  { name: 'storm-clients', value: 1_000, min: 1, max: 10_000, help: 'concurrent clients of the miss storm' },
  { name: 'only', value: '', help: 'comma-separated targets to run (nginx, varnish, node-map, all-in-one, split-edge); nginx always runs' },
  { name: 'extras', value: EXTRA_NAMES.join(','), help: `extra measurements after the comparison, comma-separated (default all): ${EXTRA_NAMES.join(', ')}` },
  { name: 'no-extras', value: false, help: 'skip the extra measurements' },
  { name: 'extras-only', value: false, help: 'run only the extra measurements (no comparison, no miss storm)' },
  { name: 'baseline', value: '', help: "path of another checkout (built) whose all-in-one runs beside this one's, e.g. the last release" },
  { name: 'keep', value: false, help: 'keep the run directory (configs, logs) after a successful run' },
];

export class UsageError extends Error {}

/** Reads argv into {rounds, duration, quick, ...}; throws UsageError naming the flag and its range. */
export function parseFlags(argv) {
  const options = Object.fromEntries(FLAGS.map((f) => [f.name, f.value]));
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--help') return { help: true };
    const flag = FLAGS.find((f) => `--${f.name}` === argv[i]);
    if (!flag) throw new UsageError(`unknown option ${argv[i]}; --help lists them`);
    if (typeof flag.value === 'boolean') {
      options[flag.name] = true;
      continue;
    }
    const text = argv[++i];
    if (typeof flag.value === 'string') {
      if (text === undefined) throw new UsageError(`--${flag.name} needs a value`);
      options[flag.name] = text;
      continue;
    }
    const value = Number(text);
    if (!Number.isInteger(value) || value < flag.min || value > flag.max) throw new UsageError(`--${flag.name} must be an integer ${flag.min}-${flag.max}, got "${text ?? ''}"`);
    options[flag.name] = value;
  }
  if (options.quick) Object.assign(options, { rounds: 1, duration: 2 });
  options.extras = options['no-extras'] ? [] : chooseExtras(options.extras);
  if (options['extras-only'] && options.extras.length === 0) throw new UsageError('--extras-only with --no-extras leaves nothing to run');
  if (options['extras-only'] && options.only) throw new UsageError('--only chooses targets of the comparison, which --extras-only skips');
  return options;
}

/** --extras as a list in EXTRA_NAMES's order; throws UsageError naming an unknown one. */
function chooseExtras(text) {
  const names = text.split(',').map((s) => s.trim());
  const unknown = names.filter((name) => !EXTRA_NAMES.includes(name));
  if (unknown.length > 0) throw new UsageError(`--extras: unknown measurement ${unknown.join(', ')}; one of ${EXTRA_NAMES.join(', ')}`);
  return EXTRA_NAMES.filter((name) => names.includes(name));
}

export const usage = () =>
  'npm run bench [-- options]\n' +
  FLAGS.map((f) => `  --${f.name.padEnd(14)} ${f.help}${typeof f.value === 'number' ? ` (default ${f.value}, ${f.min}-${f.max})` : ''}`).join('\n');
