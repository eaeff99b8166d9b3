/**
 * External tools in tests (tshark, Python with Scapy): whether they are there, skipping or failing
 * the tests that need them, and running them with errors that show what went wrong.
 *
 * Found once per run by the global setup (./tools-setup.ts, which documents the NVGRE_TSHARK and
 * NVGRE_PYTHON overrides; NVGRE_TSHARK=/nonexistent simulates a machine without tshark). A missing
 * tool skips its tests with the reason, or fails them when CI=true.
 */
import { spawnSync } from 'node:child_process';
import { inject, type TestContext } from 'vitest';
import { IN_CI, detectTools, missingLine, withoutKnownWarnings, type ToolName, type ToolStatus } from './tools-setup.js';
import { spawnAsync } from './spawn.js';

export { IN_CI, type ToolStatus };

declare module 'vitest' {
  export interface ProvidedContext {
    /** Set by test/helpers/tools-setup.ts. */
    nvgreTools: Record<ToolName, ToolStatus>;
  }
}

// A config without that global setup (the fuzz run) finds the tools here.
const tools = inject('nvgreTools') ?? detectTools();

export const TSHARK: ToolStatus = tools.tshark;
export const SCAPY: ToolStatus = tools.scapy;

/** For describe.skipIf: the tool is missing and CI is not set. (With CI=true the tests run, and runTool fails them.) */
export function skipWithout(tool: ToolStatus): boolean {
  return tool.version === null && !IN_CI;
}

/** At the start of a test (or in beforeEach): skips it, with the reason, when the tool is missing; throws instead when CI=true. */
export function needs(tool: ToolStatus, ctx: TestContext): void {
  if (tool.version !== null) return;
  if (IN_CI) throw new Error(missingLine(tool));
  ctx.skip(`${tool.name} is not available: ${tool.problem} (${tool.install})`);
}

export interface RunOptions {
  input?: string | undefined;
  cwd?: string | undefined;
  /** Milliseconds before the tool is killed (default 120,000). */
  timeout?: number | undefined;
  maxBuffer?: number | undefined;
  /** Appended to an error message, e.g. how to reproduce the run. */
  note?: string | undefined;
}

/**
 * Runs `tool.command args` and returns its stdout. On failure the Error says how it ended (exit code,
 * signal, or why it could not start), then the whole stderr without the known warning lines that
 * would otherwise stand first (tshark as root), then the command.
 */
export function runTool(tool: ToolStatus, args: readonly string[], options: RunOptions = {}): string {
  if (tool.version === null) throw new Error(missingLine(tool));
  const r = spawnSync(tool.command, args, { encoding: 'utf8', ...spawnOptions(options) });
  if (!r.error && r.status === 0) return r.stdout;
  throw toolError(tool, args, options, r);
}

/**
 * {@link runTool} without blocking the test worker, so that several runs (or a run and the CLI's)
 * overlap: the same stdout, and the same Error when the tool fails.
 */
export async function runToolAsync(tool: ToolStatus, args: readonly string[], options: RunOptions = {}): Promise<string> {
  if (tool.version === null) throw new Error(missingLine(tool));
  const r = await spawnAsync(tool.command, args, spawnOptions(options));
  if (!r.error && r.status === 0) return r.stdout;
  throw toolError(tool, args, options, r);
}

/** What both runners pass to the child: input, directory, a 2-minute limit against a hang, room for large output. */
function spawnOptions(options: RunOptions) {
  return { input: options.input, cwd: options.cwd, timeout: options.timeout ?? 120_000, maxBuffer: options.maxBuffer ?? 512 * 1024 * 1024 };
}

function toolError(
  tool: ToolStatus,
  args: readonly string[],
  options: RunOptions,
  r: { error?: Error | undefined; signal: NodeJS.Signals | null; status: number | null; stderr: string | null },
): Error {
  const how = r.error
    ? `could not be run (${r.error.message})`
    : r.signal
      ? `was killed by ${r.signal}${r.signal === 'SIGTERM' ? ` (timeout ${options.timeout ?? 120_000} ms?)` : ''}`
      : `exited with code ${r.status}`;
  const stderr = withoutKnownWarnings(r.stderr ?? '');
  return new Error(
    [
      `${tool.name} ${how}${stderr ? `: ${stderr.split('\n')[0]}` : ', with nothing on stderr but known warnings'}`,
      ...(stderr.includes('\n') ? ['stderr (known warnings removed):', stderr] : []),
      `command: ${[tool.command, ...args].join(' ')}`,
      ...(options.note ? [options.note] : []),
    ].join('\n'),
  );
}
