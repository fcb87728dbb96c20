import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { booleanValue, InvalidValueError } from './option-parsers';
import { CdnConfig, OPTION_SPECS, OptionName } from './options';

export interface ProgramInfo {
  name: string;
  description: string;
  version: string;
  options: readonly OptionName[];
}

/** A usage error: the message names the flag (or variable) and what it accepts. Exit status 2, as argparse. */
export class ConfigError extends Error {
  readonly exitCode = 2;
}

/** Reads flags, then `CDN_*` variables, then defaults. Throws ConfigError on a bad value. */
export function parseConfig(info: ProgramInfo, argv: readonly string[], env: NodeJS.ProcessEnv): CdnConfig {
  const program = new Command(info.name)
    .description(info.description)
    .version(info.version, '--version', 'print the version and exit')
    .helpOption('-h, --help', 'print this help and exit')
    .allowExcessArguments(false)
    .exitOverride()
    .configureOutput({ writeErr: () => undefined });

  // Commander prefixes a rejected value with "option '--x' argument '<value>' is invalid.": the value may be a
  // secret (a password, a token, a URL with credentials), so the message is ours alone, which names the flag.
  let rejected: string | undefined;
  const reject = (err: unknown): never => {
    rejected = (err as Error).message;
    throw new InvalidArgumentError(rejected);
  };

  for (const key of info.options) {
    const spec = OPTION_SPECS[key];
    const shown = spec.default !== undefined && !spec.switch && !spec.repeatable;
    const description = `${spec.description}${shown ? ` (default: ${spec.default})` : ''} [env ${spec.env}]`;
    if (spec.switch) {
      program.option(spec.flags, description);
    } else if (spec.repeatable) {
      const flag = spec.flags.split(' ')[0];
      program.option(spec.flags, description, (raw: string, previous: unknown[] | undefined) => {
        try {
          return [...(previous ?? []), spec.parse!(raw, flag)];
        } catch (err) {
          return reject(err);
        }
      });
    } else {
      const flag = spec.flags.split(' ')[0];
      program.option(spec.flags, description, (raw: string) => {
        try {
          return spec.parse!(raw, flag);
        } catch (err) {
          return reject(err);
        }
      });
    }
  }

  try {
    program.parse(argv as string[], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError && (err.code === 'commander.helpDisplayed' || err.code === 'commander.version')) {
      throw err;
    }
    if (err instanceof CommanderError) {
      throw new ConfigError(err.code === 'commander.invalidArgument' && rejected ? rejected : err.message.replace(/^error: /, ''));
    }
    throw err;
  }

  const flags = program.opts<Record<string, unknown>>();
  const config: Record<string, unknown> = {};
  for (const key of Object.keys(OPTION_SPECS) as OptionName[]) {
    const spec = OPTION_SPECS[key];
    // A program never reads the variable of an option it does not take: it is another program's setting.
    if (!info.options.includes(key)) {
      config[key] = spec.default;
      continue;
    }
    const fromFlag = flags[commanderKey(spec.flags)];
    if (spec.switch) {
      config[key] = fromFlag !== undefined ? switchValue(key) : switchFromEnv(spec.env, env[spec.env], key);
    } else if (fromFlag !== undefined) {
      config[key] = fromFlag;
    } else if (env[spec.env] !== undefined && env[spec.env] !== '') {
      const raw = env[spec.env]!;
      config[key] = spec.repeatable
        ? raw.split(',').map((part) => parseEnv(spec.env, part.trim(), spec.parse!))
        : parseEnv(spec.env, raw, spec.parse!);
    } else {
      config[key] = spec.default;
    }
  }
  return config as unknown as CdnConfig;
}

function commanderKey(flags: string): string {
  return flags.split(' ')[0].replace(/^--/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** The value a switch takes when its flag is present. */
function switchValue(key: OptionName): boolean {
  // --disable-cache and --disable-panic-routing turn something off; the other switches turn something on.
  return key === 'cacheEnabled' || key === 'panicRouting' ? false : true;
}

function switchFromEnv(name: string, raw: string | undefined, key: OptionName): boolean {
  const spec = OPTION_SPECS[key];
  if (raw === undefined || raw === '') return spec.default as boolean;
  return parseEnv(name, raw, booleanValue);
}

function parseEnv<T>(name: string, raw: string, parse: (raw: string, name: string) => T): T {
  try {
    return parse(raw, name);
  } catch (err) {
    if (err instanceof InvalidValueError) throw new ConfigError(err.message);
    throw err;
  }
}

/**
 * Parses the process's arguments, printing help/version (exit 0) or a usage error (exit 2) as a CLI should.
 */
export function loadConfigOrExit(info: ProgramInfo, argv = process.argv.slice(2), env = process.env): CdnConfig {
  try {
    return parseConfig(info, argv, env);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exit(err.exitCode);
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`${info.name}: error: ${err.message}\nTry '${info.name} --help'.\n`);
      process.exit(2);
    }
    throw err;
  }
}

/** Runs a start-up check of options that must fit together (it throws ConfigError), reporting a misfit as a usage error: exit status 2. */
export function checkOptionsOrExit<T>(info: ProgramInfo, check: () => T): T {
  try {
    return check();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${info.name}: error: ${err.message}\nTry '${info.name} --help'.\n`);
    process.exit(2);
  }
}
