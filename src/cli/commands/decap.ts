import { tryDecapsulate, type DecapsulateOptions } from '../../index.js';
import { parse, positionals } from '../args.js';
import type { Command } from '../command.js';
import { EXIT } from '../errors.js';
import { Progress, readRecords, withCaptureOutput } from '../io.js';

const USAGE = `Usage: nvgre decap [--lenient] <in> <out>

Strips the NVGRE encapsulation from every frame of <in> (pcap or pcapng) and writes the inner
Ethernet frames to <out> as pcap, keeping timestamps. Frames a strict RFC 7637 receiver drops (not
NVGRE, reserved VSID, inner 802.1Q tag, GRE C/S bits, fragments, bad outer checksum) are skipped and
counted on stderr. <out> appears only when the whole input was read.

Options:
  --lenient     also decapsulate frames that only a strict receiver drops (reserved VSID, inner
                tag, C/S bits, bad outer IPv4 checksum)
  -h, --help    show this help`;

export const decap: Command = {
  name: 'decap',
  summary: 'strip the NVGRE encapsulation from every frame (pcap out)',
  usage: USAGE,
  async run(argv) {
    const { values, positionals: pos } = parse('decap', argv, { lenient: { type: 'boolean' } });
    if (values.help) {
      console.log(USAGE);
      return EXIT.OK;
    }
    const [input, output] = positionals('decap', pos, ['in', 'out']) as [string, string];
    const options: DecapsulateOptions = { strict: values.lenient !== true };
    const progress = new Progress('decap');
    const skipped = new Map<string, number>();
    let n = 0;
    const written = await withCaptureOutput(output, async (out) => {
      await readRecords(
        input,
        (records) => {
          for (const r of records) {
            n++;
            const d = r.linkType === 1 ? tryDecapsulate(r.data, options) : null;
            if (d === null || !d.ok) {
              const code = d === null ? 'LINKTYPE' : d.error.code;
              skipped.set(code, (skipped.get(code) ?? 0) + 1);
              continue;
            }
            const inner = d.value.inner;
            out.add(inner, r, inner.length + Math.max(0, r.originalLength - r.data.length));
          }
          progress.frames = n;
        },
        progress,
      );
      return out.frames;
    });
    let msg = `decap: wrote ${output}: ${written} inner frame${written === 1 ? '' : 's'}`;
    if (skipped.size > 0) {
      const total = [...skipped.values()].reduce((a, b) => a + b, 0);
      msg += `; skipped ${total} of ${n} (${[...skipped].map(([c, k]) => `${c} ×${k}`).join(', ')})`;
    }
    console.error(msg + '.');
    return EXIT.OK;
  },
};
