import { FrameLayout, NvgreError, TCP, segment as segmentFrame, walkFrame, type SegmentOptions, type SegmentProfile } from '../../index.js';
import { intOption, parse, stringOption } from '../args.js';
import { checkOutputPath, withCaptureOutput } from '../capture-output.js';
import type { Command } from '../command.js';
import { EXIT, frameError, usageError } from '../errors.js';
import { Progress, readRecords } from '../io.js';
import { LinkFrames } from '../link.js';
import { HELP, READ_OPTIONS, Selector, WRITE_OPTIONS, formatOption, inputAndOutput, selection } from '../select.js';

const USAGE = `Usage: nvgre segment --mss N [options] <in> <out>
       nvgre segment --mss N [options] -r <in> -w <out>

Emulates LSOv2 through NVGRE (NDIS 6.30 semantics by default): every frame whose inner TCP payload
is larger than N bytes is cut into segments of at most N payload bytes, each a complete NVGRE frame
with fixed lengths, IP IDs, TCP sequence numbers, flags and checksums; the VSID and FlowID are
copied. Other frames (not TCP, SYN/RST/URG, fragments, payload <= N) are copied unchanged.
Writes <out> (the input's format by default); <out> appears only when the whole input was processed.

Options:
${HELP.read}
${HELP.write}
${HELP.count}
${HELP.frames}
${HELP.format}
${HELP.keepPartial}
  --mss N           maximum TCP payload bytes per segment (1-1048575)
  --profile P       ndis (default), linux or dpdk (docs/offload.md §14; dpdk counts N as the whole segment)
  -h, --help        show this help

Example:
  nvgre segment --mss 1418 big-sends.pcap wire.pcap`;

const PROFILES = ['ndis', 'linux', 'dpdk'];

export const segment: Command = {
  name: 'segment',
  summary: 'LSOv2-segment large inner TCP frames (NDIS semantics)',
  usage: USAGE,
  async run(argv) {
    const parsed = parse('segment', argv, { ...READ_OPTIONS, ...WRITE_OPTIONS, mss: { type: 'string' }, profile: { type: 'string' } });
    const { values } = parsed;
    if (values.help) {
      console.log(USAGE);
      return EXIT.OK;
    }
    const { input, output } = inputAndOutput('segment', parsed, true);
    const format = formatOption(parsed);
    const selector = new Selector(selection(parsed));
    if (values.mss === undefined) throw usageError('--mss is required; see "nvgre segment --help".');
    const mss = intOption('mss', values.mss, 1, 0xfffff)!;
    const profile = stringOption(values.profile) ?? 'ndis';
    if (!PROFILES.includes(profile)) throw usageError(`--profile must be ndis, linux or dpdk, got "${profile}".`);
    const options: SegmentOptions = { mss, profile: profile as SegmentProfile, maxHeaderSize: Infinity };
    const layout = new FrameLayout();
    const progress = new Progress('segment');
    const passed = new Map<string, number>();
    let n = 0;
    let segmented = 0;
    const links = new LinkFrames();
    const pass = (why: string) => passed.set(why, (passed.get(why) ?? 0) + 1);
    checkOutputPath(output);
    const written = await withCaptureOutput(output, async (out) => {
      await readRecords(
        input,
        (records) => {
          for (const r of records) {
            if (selector.done) break;
            n++;
            if (!selector.take(n, r)) continue;
            // Any link type the library reads, as an Ethernet frame; what is written goes back to the record's.
            const linked = links.frame(r);
            if (linked === null || r.capturedLength < r.originalLength) {
              pass(linked === null ? 'LINKTYPE' : 'cut by the snaplen');
              out.add(r.data, r, r.originalLength);
              continue;
            }
            const frame = linked;
            // Captured frames carry real IP lengths: segment only what exceeds the MSS, without the
            // Ethernet padding. LSO templates with zero IP lengths do not walk: the buffer decides.
            let template = frame;
            try {
              walkFrame(frame, layout);
              if (layout.transportProtocol !== 6 || layout.transportOffset < 0) {
                pass('not TCP');
                out.add(r.data, r, r.originalLength);
                continue;
              }
              const tcp = layout.transportOffset;
              const payload = layout.transportEnd - tcp - ((frame[tcp + TCP.DATA_OFFSET]! >>> 4) * 4);
              const limit = profile === 'dpdk' ? mss - (layout.transportEnd - layout.start - payload) : mss;
              if (payload <= limit) {
                pass('payload within the MSS');
                out.add(r.data, r, r.originalLength);
                continue;
              }
              template = frame.subarray(0, layout.outerIp.end);
            } catch {
              // fall through to segment(), which takes every length from the buffer
            }
            let segments: Uint8Array[];
            try {
              segments = segmentFrame(template, options);
            } catch (e) {
              if (!(e instanceof NvgreError)) throw frameError(input, n, r.fileOffset, e);
              if (e.code === 'INVALID_ARGUMENT') throw usageError(`${e.message.replace(/^[A-Z_]+ at \S+ offset \d+: /, '')}.`);
              pass(e.code);
              out.add(r.data, r, r.originalLength);
              continue;
            }
            segmented++;
            for (const s of segments) out.add(links.toRecord(s), r);
          }
          progress.frames = n;
        },
        progress,
        { stop: () => selector.done, onInfo: (info) => out.input(info) },
      );
      return out.frames;
    }, { format, keepPartial: values['keep-partial'] === true });
    let msg = `segment: wrote ${output === '-' ? 'standard output' : output}: ${n} frame${n === 1 ? '' : 's'} in, ${written} out; ${segmented} segmented at MSS ${mss}`;
    if (passed.size > 0) msg += `; copied unchanged: ${[...passed].map(([why, k]) => `${why} ×${k}`).join(', ')}`;
    console.error(msg + '.');
    return EXIT.OK;
  },
};
