/**
 * The external tools of the interop tests, found once per run: tshark (Wireshark) and a Python with
 * Scapy. As the global setup of vitest.config.ts it hands what it found to every test file
 * (test/helpers/tools.ts) and, at the end of the run, prints one line per missing tool saying which
 * tests were skipped and why, so that the default reporter's summary never hides a skip.
 *
 * Overrides: NVGRE_TSHARK (default `tshark` on the PATH) and NVGRE_PYTHON (default
 * /usr/bin/python3, the interpreter the python3-scapy package installs into). Pointing one at a
 * path that does not exist, e.g. `NVGRE_TSHARK=/nonexistent npm test`, shows the run of a machine
 * without that tool. Without CI=true such tests are skipped; with CI=true they fail.
 *
 * This file imports nothing from vitest at run time, so the global setup can load it.
 */
import { spawnSync } from 'node:child_process';
import type { TestProject } from 'vitest/node';

export const IN_CI = process.env.CI === 'true';

export interface ToolStatus {
  /** What the messages call it: "tshark", "Scapy". */
  readonly name: string;
  /** The executable run. */
  readonly command: string;
  /** Its version, or null when it cannot be run. */
  readonly version: string | null;
  /** Why it cannot be run (empty when it can). */
  readonly problem: string;
  /** How to install it. */
  readonly install: string;
  /** The tests that need it. */
  readonly tests: string;
}

export type ToolName = 'tshark' | 'scapy';

/**
 * Lines that tools print on stderr whatever happens, and that would stand before the real error:
 * tshark run as root (CI containers) warns first; Scapy warns at import on hosts without routes or
 * addresses.
 */
const KNOWN_WARNINGS: readonly RegExp[] = [
  /^Running as user "[^"]*" and group "[^"]*"\. This could be dangerous\.$/,
  /^WARNING: No route found for IPv6 destination/,
  /^WARNING: No IPv4 address found on /,
  /^WARNING: more No IPv4 address found on /,
];

/** `stderr` without the known warning lines (and without blank lines at its ends). */
export function withoutKnownWarnings(stderr: string): string {
  return stderr
    .split(/\r?\n/)
    .filter((line) => !KNOWN_WARNINGS.some((w) => w.test(line.trim())))
    .join('\n')
    .trim();
}

/** Runs `command args`; returns its stdout, or a sentence on why it failed (`error`). */
function probe(command: string, args: string[]): { stdout: string; error?: string } {
  const r = spawnSync(command, args, { encoding: 'utf8', timeout: 60_000 });
  if (r.error) return { stdout: '', error: `${command} could not be run (${r.error.message})` };
  if (r.status !== 0) {
    const why = r.signal ? `was killed by ${r.signal}` : `exited with code ${r.status}`;
    const stderr = withoutKnownWarnings(r.stderr);
    return { stdout: '', error: `${command} ${args.join(' ')} ${why}${stderr ? `: ${stderr}` : ''}` };
  }
  return { stdout: r.stdout };
}

export function detectTools(): Record<ToolName, ToolStatus> {
  const tsharkCommand = process.env.NVGRE_TSHARK || 'tshark';
  const t = probe(tsharkCommand, ['--version']);
  const python = process.env.NVGRE_PYTHON || '/usr/bin/python3';
  const s = probe(python, ['-c', 'import scapy; print(scapy.__version__)']);
  return {
    tshark: {
      name: 'tshark',
      command: tsharkCommand,
      version: t.error === undefined ? (t.stdout.split('\n')[0]?.trim() ?? '') : null,
      problem: t.error ?? '',
      install: 'apt-get install tshark',
      tests: 'the tests that run tshark (test/interop/)',
    },
    scapy: {
      name: 'Scapy',
      command: python,
      version: s.error === undefined ? s.stdout.trim() : null,
      problem: s.error ?? '',
      install: 'apt-get install python3-scapy',
      tests: 'the tests that run Scapy (test/interop/scapy-diff.test.ts)',
    },
  };
}

/** One line for a missing tool: what was skipped (or, with CI=true, fails) and why. */
export function missingLine(tool: ToolStatus): string {
  return IN_CI
    ? `nvgre tests: ${tool.name} is required when CI=true, so ${tool.tests} fail: ${tool.problem} (${tool.install})`
    : `nvgre tests: skipped ${tool.tests}: ${tool.problem} (${tool.install} to run them; with CI=true they fail)`;
}

export default function setup(project: TestProject): () => void {
  const tools = detectTools();
  project.provide('nvgreTools', tools);
  const lines = Object.values(tools)
    .filter((t) => t.version === null)
    .map(missingLine);
  // Printed at teardown, after the reporter's summary, where a reader of the run looks.
  return () => {
    for (const line of lines) console.warn(line);
  };
}
