/**
 * `nvgre man`: the nvgre(1) manual page in roff, made from the same help texts as `nvgre --help` and
 * `nvgre <command> --help`. The package ships it as man/nvgre.1 (package.json "man"); `npm run man`
 * regenerates it, and test/cli/man.test.ts fails when the shipped page is not current.
 */
import { parse, positionals } from '../args.js';
import type { Command } from '../command.js';
import { EXIT } from '../errors.js';
import { commands, mainUsage } from '../registry.js';
import { packageVersion } from '../version.js';

const USAGE = `Usage: nvgre man > nvgre.1

Prints the nvgre(1) manual page (roff), made from the help texts of every command. The package
ships it (man nvgre after a global install); "man -l nvgre.1" shows a copy.

Options:
  -h, --help    show this help`;

/** Text for roff: backslashes escaped, dashes as ASCII minus signs, non-ASCII as glyph names, a control character at a line start neutralised. */
function roff(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      const escaped = line
        .replace(/\\/g, '\\e')
        .replace(/-/g, '\\-')
        // Non-ASCII characters (§, —, …) as groff/mandoc glyph names: the page is read as ASCII everywhere.
        .replace(/[^\x00-\x7f]/gu, (c) => `\\[u${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}]`);
      return /^[.']/.test(escaped) ? `\\&${escaped}` : escaped;
    })
    .join('\n');
}

/** The manual page for `version`. */
export function manPage(version: string): string {
  const main = mainUsage();
  const out: string[] = [
    `.TH NVGRE 1 "" "nvgre ${version}" "User Commands"`,
    '.SH NAME',
    'nvgre \\- craft, decode, lint and process NVGRE frames (RFC 7637) in pcap and pcapng captures',
    '.SH SYNOPSIS',
    '.B nvgre',
    '.I command',
    '.RI [ options ]',
    '.br',
    '.B nvgre',
    '.I command',
    '.B \\-\\-help',
    '.SH DESCRIPTION',
    'NVGRE (RFC 7637) carries a tenant\'s Ethernet frame across an IPv4 or IPv6 provider network inside GRE;',
    'the 32\\-bit GRE key holds a 24\\-bit Virtual Subnet ID (VSID) and an 8\\-bit FlowID.',
    '.B nvgre',
    'crafts, decodes, checks and transforms such frames in capture files, with the options of',
    '.BR tcpdump (8)',
    'and',
    '.BR tshark (1):',
    'the input positionally or as',
    '.BR \\-r ,',
    'the output as',
    '.B \\-w',
    '(\\fB\\-\\fR is standard input or output),',
    '.BR \\-c ,',
    '.B \\-\\-frames',
    'and the display filter',
    '.BR \\-Y .',
    '.PP',
    '.nf',
    roff(main),
    '.fi',
    '.SH COMMANDS',
  ];
  for (const c of commands()) {
    out.push(`.SS "nvgre ${c.name}"`, roff(c.summary.charAt(0).toUpperCase() + c.summary.slice(1)) + '.', '.PP', '.nf', roff(c.usage), '.fi');
  }
  out.push(
    '.SH EXIT STATUS',
    '0 success; 1 data error (a corrupt capture, lint errors, bad checksums); 2 usage error (an unknown command or',
    'option, a missing or malformed value).',
    '.SH ENVIRONMENT',
    '.TP',
    '.B NVGRE_NO_PROGRESS',
    'When set, no progress line is shown on standard error.',
    '.TP',
    '.B NVGRE_JOBS_STATS',
    'When set, a capture read by several threads (\\-\\-jobs) ends with one line on standard error: how many chunks (the',
    'doctor: spans) the main thread and the workers read.',
    '.SH EXAMPLES',
    '.nf',
    roff(
      [
        'nvgre demo',
        "nvgre decode -Y 'vsid == 5001 && inner.udp && !csum.ok' -V capture.pcap",
        'nvgre decap -w - capture.pcap | tshark -r - -T fields -e ip.src',
        'nvgre lint --annotate -w findings.pcapng capture.pcap',
        'nvgre wireshark-plugin > nvgre.lua',
      ].join('\n'),
    ),
    '.fi',
    '.SH SEE ALSO',
    '.BR tshark (1),',
    '.BR tcpdump (8),',
    '.BR wireshark (1).',
    'The documents of the package: docs/cli.md (every command), docs/filter.md (the display filter language), docs/nvgre.md (the',
    'wire rules and the receiver drop table).',
    '',
  );
  return out.join('\n');
}

export const man: Command = {
  name: 'man',
  summary: 'print the nvgre(1) manual page (roff)',
  usage: USAGE,
  async run(argv) {
    const { values, positionals: pos } = parse('man', argv, {});
    if (values.help) {
      console.log(USAGE);
      return EXIT.OK;
    }
    positionals('man', pos, []);
    process.stdout.write(manPage(packageVersion()));
    return EXIT.OK;
  },
};
