/** Every `nvgre` command, in the order `nvgre --help` lists them (main.ts, completion and the man page read it). */
import type { Command } from './command.js';
import { checksum } from './commands/checksum.js';
import { completion } from './commands/completion.js';
import { decap } from './commands/decap.js';
import { decode } from './commands/decode.js';
import { demo } from './commands/demo.js';
import { doctor } from './commands/doctor.js';
import { ecmp } from './commands/ecmp.js';
import { encap } from './commands/encap.js';
import { explain } from './commands/explain.js';
import { lint } from './commands/lint.js';
import { man } from './commands/man.js';
import { policy } from './commands/policy.js';
import { rss } from './commands/rss.js';
import { segment } from './commands/segment.js';
import { simulate } from './commands/simulate.js';
import { stats } from './commands/stats.js';
import { wiresharkPluginCommand } from './commands/wireshark-plugin.js';

let list: readonly Command[] | undefined;

/**
 * The commands, built on first use: completion and man import this module back, so a list made while
 * the modules load could hold a command that is not defined yet (whichever module a loader reaches first).
 */
export function commands(): readonly Command[] {
  return (list ??= [demo, decode, lint, doctor, stats, encap, decap, segment, checksum, rss, ecmp, policy, simulate, explain, wiresharkPluginCommand, completion, man]);
}

/** `nvgre --help`. */
export function mainUsage(): string {
  const width = Math.max(...commands().map((c) => c.name.length));
  return `Usage: nvgre <command> [options]

Craft, decode, lint and process NVGRE frames (RFC 7637) in pcap and pcapng captures.

Commands:
${commands().map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Options:
  -h, --help      show this help ("nvgre <command> --help" for a command)
  -v, --version   print the version

Exit status: 0 success, 1 data error (corrupt capture, lint errors, bad checksums), 2 usage error.
Start with: nvgre demo`;
}
