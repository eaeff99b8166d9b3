/** Argument parsing on top of `node:util` parseArgs: every failure is a usage error (exit status 2). */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { usageError } from './errors.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface Parsed {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/**
 * `--count -5` and `-c -5` as `--count=-5`: parseArgs calls a value that starts with a dash "ambiguous",
 * where the user meant a (bad) value, which then gets the option's own range sentence. A value that is
 * itself an option of the command (`--vsid --json`) is left alone: it is a missing value.
 */
function joinDashValues(argv: string[], options: OptionSpec): string[] {
  const longOf = (token: string): string | undefined => {
    const long = /^--([^=]+)$/.exec(token)?.[1];
    if (long !== undefined) return long;
    const short = /^-([^-])$/.exec(token)?.[1];
    return short === undefined ? undefined : Object.keys(options).find((k) => options[k]!.short === short);
  };
  const isOption = (token: string): boolean => {
    if (token === '--') return true;
    const name = longOf(token.replace(/=.*$/, ''));
    return name !== undefined && (name in options || name === 'help');
  };
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const name = longOf(token);
    const next = argv[i + 1];
    if (name !== undefined && options[name]?.type === 'string' && next !== undefined && next.startsWith('-') && next !== '-' && !isOption(next)) {
      out.push(`--${name}=${next}`);
      i++;
    } else {
      out.push(token);
    }
  }
  return out;
}

/** Parses `argv` strictly (unknown options and missing values are usage errors). `--help` is always accepted. */
export function parse(command: string, argv: string[], options: OptionSpec): Parsed {
  try {
    const { values, positionals } = parseArgs({
      args: joinDashValues(argv, options),
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    return { values: values as Parsed['values'], positionals };
  } catch (e) {
    // Node's messages run on ("Unknown option '--x'. To specify a positional argument ..."): keep the first sentence.
    const full = e instanceof Error ? e.message : String(e);
    const ambiguous = /^Option '([^']+)' argument is ambiguous/.exec(full);
    const msg = ambiguous !== null ? `option '${ambiguous[1]}' needs a value` : full.split(/\.(\s|$)/)[0]!;
    throw usageError(`${msg.replace(/^Unknown option/, 'unknown option')}; see "nvgre ${command} --help".`);
  }
}

/** An integer option given in decimal or 0x-hex, within [min, max]. */
export function intOption(name: string, value: string | boolean | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value).trim();
  const n = /^0x[0-9a-f]+$/i.test(text) ? parseInt(text.slice(2), 16) : /^[0-9]+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw usageError(`--${name} must be an integer from ${min} to ${max} (decimal or 0x hex), got "${text}".`);
  }
  return n;
}

export function stringOption(value: string | boolean | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Exactly `names.length` positionals, else a usage error naming the missing or extra ones. */
export function positionals(command: string, given: string[], names: string[], optional = 0): string[] {
  const required = names.length - optional;
  if (given.length < required) {
    throw usageError(`missing ${names.slice(given.length, required).map((n) => `<${n}>`).join(' ')}; see "nvgre ${command} --help".`);
  }
  if (given.length > names.length) {
    throw usageError(`unexpected argument "${given[names.length]}"; see "nvgre ${command} --help".`);
  }
  return given;
}
