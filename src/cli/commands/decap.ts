import { FrameView, tryDecapsulate, type DecapsulateOptions, type KeyLayout } from '../../index.js';
import { parse, stringOption } from '../args.js';
import { checkOutputPath, withCaptureOutput } from '../capture-output.js';
import type { Command } from '../command.js';
import { EXIT, usageError } from '../errors.js';
import { Progress, readRecords } from '../io.js';
import { LinkFrames } from '../link.js';
import { FILTER_OPTIONS, HELP, READ_OPTIONS, Selector, WRITE_OPTIONS, formatOption, inputAndOutput, selection } from '../select.js';

const USAGE = `Usage: nvgre decap [options] <in> <out>
       nvgre decap [options] -r <in> -w <out>

Strips the NVGRE encapsulation from every frame of <in> (pcap or pcapng) and writes the inner
Ethernet frames to <out>, keeping timestamps (and, in pcapng, the interfaces). Frames a strict
RFC 7637 receiver drops (not NVGRE, reserved VSID, inner 802.1Q tag, GRE C/S bits, fragments, bad
outer checksum) are skipped and counted on stderr. <out> appears only when the whole input was read.

Options:
${HELP.read}
${HELP.write}
${HELP.count}
${HELP.frames}
${HELP.filter}
${HELP.format}
${HELP.keepPartial}
  --lenient         also decapsulate frames that only a strict receiver drops (reserved VSID,
                    inner tag, C/S bits, bad outer IPv4 checksum)
  --key-layout L    read the key as rfc7637 (default) or low24 (draft-00, docs/nvgre.md §7)
  -h, --help        show this help

Example:
  nvgre decap -w - capture.pcap | tshark -r - -T fields -e ip.src`;

export const decap: Command = {
  name: 'decap',
  summary: 'strip the NVGRE encapsulation from every frame',
  usage: USAGE,
  async run(argv) {
    const parsed = parse('decap', argv, { ...READ_OPTIONS, ...FILTER_OPTIONS, ...WRITE_OPTIONS, lenient: { type: 'boolean' }, 'key-layout': { type: 'string' } });
    const { values } = parsed;
    if (values.help) {
      console.log(USAGE);
      return EXIT.OK;
    }
    const { input, output } = inputAndOutput('decap', parsed, true);
    const keyLayout = stringOption(values['key-layout']) ?? 'rfc7637';
    if (keyLayout !== 'rfc7637' && keyLayout !== 'low24') throw usageError(`--key-layout must be rfc7637 or low24, got "${keyLayout}".`);
    const format = formatOption(parsed);
    const sel = selection(parsed, { keyLayout: keyLayout as KeyLayout });
    checkOutputPath(output);
    const options: DecapsulateOptions = { strict: values.lenient !== true, keyLayout: keyLayout as KeyLayout };
    const selector = new Selector(sel, new FrameView({ keyLayout: keyLayout as KeyLayout }));
    const progress = new Progress('decap');
    const skipped = new Map<string, number>();
    const links = new LinkFrames();
    let n = 0;
    const written = await withCaptureOutput(
      output,
      async (out) => {
        await readRecords(
          input,
          (records) => {
            for (const r of records) {
              if (selector.done) break;
              n++;
              if (!selector.take(n, r)) continue;
              const frame = links.frame(r);
              const d = frame !== null ? tryDecapsulate(frame, options) : null;
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
          { stop: () => selector.done, onInfo: (info) => out.input(info) },
        );
        return out.frames;
      },
      // Inner frames are Ethernet whatever the capture's link type.
      { format, keepPartial: values['keep-partial'] === true, linkType: 1 },
    );
    let msg = `decap: wrote ${output === '-' ? 'standard output' : output}: ${written} inner frame${written === 1 ? '' : 's'}`;
    const considered = selector.active ? selector.selected : n;
    if (selector.active) msg += ` from ${considered} selected of ${n} read`;
    if (skipped.size > 0) {
      const total = [...skipped.values()].reduce((a, b) => a + b, 0);
      msg += `; skipped ${total} of ${considered} (${[...skipped].map(([c, k]) => `${c} ×${k}`).join(', ')})`;
    }
    console.error(msg + '.');
    return EXIT.OK;
  },
};
