/**
 * `nvgre` command line: craft, decode, lint and process NVGRE captures (RFC 7637).
 * The only module of the package that uses Node APIs. Exit status: 0 success, 1 data error,
 * 2 usage error.
 */
import { commands, mainUsage as usage } from './registry.js';
import { CliError, EXIT } from './errors.js';
import { flushOutputs } from './io.js';
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
  try {
    return await command.run(rest);
  } catch (e) {
    await flushOutputs();
    if (e instanceof CliError) {
      console.error(`nvgre ${command.name}: ${e.message}`);
      return e.exitCode;
    }
    console.error(`nvgre ${command.name}: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return EXIT.DATA;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(`nvgre: internal error: ${String(e)}`);
    process.exitCode = EXIT.DATA;
  },
);
