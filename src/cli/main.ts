/**
 * `nvgre` command line: craft, decode, lint and process NVGRE captures (RFC 7637).
 * The only module of the package that uses Node APIs. Exit status: 0 success, 1 data error,
 * 2 usage error.
 */
import { readFileSync } from 'node:fs';
import type { Command } from './command.js';
import { checksum } from './commands/checksum.js';
import { decap } from './commands/decap.js';
import { decode } from './commands/decode.js';
import { demo } from './commands/demo.js';
import { ecmp } from './commands/ecmp.js';
import { encap } from './commands/encap.js';
import { explain } from './commands/explain.js';
import { lint } from './commands/lint.js';
import { policy } from './commands/policy.js';
import { rss } from './commands/rss.js';
import { segment } from './commands/segment.js';
import { simulate } from './commands/simulate.js';
import { wiresharkPluginCommand } from './commands/wireshark-plugin.js';
import { CliError, EXIT } from './errors.js';
import { flushOutputs } from './io.js';

const COMMANDS: readonly Command[] = [demo, decode, lint, encap, decap, segment, checksum, rss, ecmp, policy, simulate, explain, wiresharkPluginCommand];

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `Usage: nvgre <command> [options]

Craft, decode, lint and process NVGRE frames (RFC 7637) in pcap and pcapng captures.

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Options:
  -h, --help      show this help ("nvgre <command> --help" for a command)
  -v, --version   print the version

Exit status: 0 success, 1 data error (corrupt capture, lint errors, bad checksums), 2 usage error.
Start with: nvgre demo`;
}

function version(): string {
  // dist/cli.js → ../package.json (the package root, in a clone and when installed).
  for (const rel of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'nvgre' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // try the next candidate
    }
  }
  return 'unknown';
}

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
    console.log(version());
    return EXIT.OK;
  }
  const command = COMMANDS.find((c) => c.name === first);
  if (command === undefined) {
    console.error(`nvgre: unknown command "${first}"; commands: ${COMMANDS.map((c) => c.name).join(', ')} (see "nvgre --help").`);
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
