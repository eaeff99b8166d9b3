/**
 * `nvgre` command line: craft, decode, lint and process NVGRE captures (RFC 7637).
 * The only module of the package that uses Node APIs. Exit status: 0 success, 1 data error,
 * 2 usage error.
 */
import { commands, mainUsage as usage } from './registry.js';
import { CliError, EXIT } from './errors.js';
import { flushOutputs } from './io.js';
import { ChunkError, startWorkerIfAny } from './jobs.js';
import type { Command } from './command.js';
import { packageVersion } from './version.js';


export async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    if (first === 'help' && rest[0] !== undefined) return main([rest[0], '--help']);
    if (first === undefined) {
      console.error(usage());
      return EXIT.USAGE;
    }
    console.log(usage());
    return EXIT.OK;
  }
  if (first === '-v' || first === '--version') {
    console.log(packageVersion());
    return EXIT.OK;
  }
  const command = commands().find((c) => c.name === first);
  if (command === undefined) {
    console.error(`nvgre: unknown command "${first}"; commands: ${commands().map((c) => c.name).join(', ')} (see "nvgre --help").`);
    return EXIT.USAGE;
  }
  const { code, error } = await runCommand(command, rest);
  if (error !== undefined) process.stderr.write(error);
  return code;
}

/** Runs a command; its error comes back as the text to print (a worker hands it to the coordinator). */
async function runCommand(command: Command, argv: readonly string[]): Promise<{ code: number; error: string | undefined }> {
  try {
    return { code: await command.run([...argv]), error: undefined };
  } catch (e) {
    await flushOutputs();
    if (e instanceof ChunkError) return { code: e.exitCode, error: e.text };
    if (e instanceof CliError) return { code: e.exitCode, error: `nvgre ${command.name}: ${e.message}\n` };
    return { code: EXIT.DATA, error: `nvgre ${command.name}: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n` };
  }
}

// In a worker thread of --jobs (jobs.ts) this module serves chunks instead of running a command line.
const isWorker = startWorkerIfAny((name, argv) => runCommand(commands().find((c) => c.name === name)!, argv));

if (!isWorker) main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(`nvgre: internal error: ${String(e)}`);
    process.exitCode = EXIT.DATA;
  },
);
