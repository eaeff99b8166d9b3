/**
 * Child processes for the tests that run the CLI, tshark or Scapy, started without blocking the
 * test worker, so that independent runs overlap.
 *
 * vitest runs the test files in one worker on a 2-core machine; a spawnSync blocks that worker
 * until the child exits, and most of a short CLI run is Node starting up on one core. Runs started
 * with {@link spawnAsync} and awaited together ({@link inParallel}, or concurrent tests) keep the
 * other core busy too. Each run is still a real process, and its result is what spawnSync gives:
 * exit status, signal, stdout and stderr.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';

/**
 * The environment for a child: `env` (default: the test's own) without NODE_EXTRA_CA_CERTS. With
 * that variable set (CI containers and sandboxes behind a TLS proxy set it), every Node process
 * parses the named certificate bundle as it starts: about 50 ms of each CLI run on a 2-core
 * machine, three times what Node's own start costs, for several hundred runs per `npm test`.
 * Neither the CLI nor tshark nor Scapy opens a TLS connection, so no test depends on it.
 */
export function childEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  if (env.NODE_EXTRA_CA_CERTS === undefined) return env;
  const { NODE_EXTRA_CA_CERTS: _, ...rest } = env;
  return rest;
}

export interface SpawnOptions {
  readonly cwd?: string | undefined;
  /** Default: the test's own environment; either way without NODE_EXTRA_CA_CERTS ({@link childEnv}). */
  readonly env?: NodeJS.ProcessEnv | undefined;
  /** Written to the child's standard input, which is then closed (no input: stdin is closed at once). */
  readonly input?: string | Uint8Array | undefined;
  /** Bytes of stdout or stderr after which the child is killed and `error` says so (default 256 MiB), as spawnSync's maxBuffer. */
  readonly maxBuffer?: number | undefined;
  /** Milliseconds before the child is killed with SIGTERM (default: none; the test timeout catches a hang). */
  readonly timeout?: number | undefined;
}

export interface SpawnResult {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  /** stdout as bytes (`bytes`) and as UTF-8 text (`stdout`). */
  readonly bytes: Buffer;
  readonly stdout: string;
  readonly stderr: string;
  /** Why the child could not be started, or was killed for its output or its time (as spawnSync's `error`). */
  readonly error: Error | undefined;
}

/** Runs `command args` to its end; never rejects (a failure to start is `error`, as with spawnSync). */
export function spawnAsync(command: string, args: readonly string[], options: SpawnOptions = {}): Promise<SpawnResult> {
  const maxBuffer = options.maxBuffer ?? 256 * 1024 * 1024;
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, env: childEnv(options.env), stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    let error: Error | undefined;
    let timer: NodeJS.Timeout | undefined;
    const fail = (e: Error) => {
      error ??= e;
      child.kill('SIGTERM');
    };
    child.stdout.on('data', (b: Buffer) => {
      outBytes += b.length;
      if (outBytes > maxBuffer) fail(new Error(`stdout maxBuffer of ${maxBuffer} bytes exceeded`));
      else out.push(b);
    });
    child.stderr.on('data', (b: Buffer) => {
      errBytes += b.length;
      if (errBytes > maxBuffer) fail(new Error(`stderr maxBuffer of ${maxBuffer} bytes exceeded`));
      else err.push(b);
    });
    // A child that exits without reading all of its input (an error on the first bytes) closes the pipe: not an error of the run.
    child.stdin.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE' && e.code !== 'ECONNRESET') fail(e);
    });
    child.on('error', (e) => {
      error ??= e;
    });
    if (options.timeout !== undefined) timer = setTimeout(() => fail(new Error(`timed out after ${options.timeout} ms`)), options.timeout);
    child.on('close', (status, signal) => {
      if (timer !== undefined) clearTimeout(timer);
      const bytes = Buffer.concat(out);
      resolve({ status, signal, bytes, stdout: bytes.toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), error });
    });
    child.stdin.end(options.input);
  });
}

/** How many child processes the tests keep running at once: one per core, at least two. */
export const PARALLEL = Math.max(2, os.availableParallelism());

/**
 * Runs `tasks` with at most `limit` of them under way at once; their results in the order given.
 * Every task is run even when one fails; the first failure (in the order given) is then thrown.
 */
export async function inParallel<T>(tasks: ReadonlyArray<() => Promise<T>>, limit = PARALLEL): Promise<T[]> {
  const results = new Array<PromiseSettledResult<T>>(tasks.length);
  let next = 0;
  const lane = async () => {
    while (next < tasks.length) {
      const i = next++;
      try {
        results[i] = { status: 'fulfilled', value: await tasks[i]!() };
      } catch (reason) {
        results[i] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, lane));
  const failed = results.find((r) => r.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}
