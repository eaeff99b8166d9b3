import { FrameView, createLinkNormalizer, lintRecord, type Finding, type KeyLayout, type LintOptions } from '../../index.js';
import { intOption, parse, stringOption } from '../args.js';
import { checkOutputPath, withCaptureOutput, type CaptureOutput } from '../capture-output.js';
import type { Command } from '../command.js';
import { EXIT, usageError } from '../errors.js';
import { Output, Progress, readRecords } from '../io.js';
import { FILTER_OPTIONS, HELP, READ_OPTIONS, Selector, WRITE_OPTIONS, formatOption, inputAndOutput, selection } from '../select.js';

const USAGE = `Usage: nvgre lint [options] <file>
       nvgre lint --annotate -w <out.pcapng> [options] <file>

Checks every frame of a pcap or pcapng capture against RFC 7637 and the GRE, IP and transport rules
it inherits, and prints one finding per line: frame, byte offset, severity, code, rule, and what to
do about it. Severities: error (a conformant receiver drops the frame), warning, info.
Any link type the library reads is accepted (Ethernet, Linux cooked SLL/SLL2, raw IP, NULL/LOOP);
offsets are into each record's own bytes, and a record nothing can read is an error, never clean.
Exit status: 0 when no finding is an error, 1 when any is (or the capture is corrupt), 2 on a usage error.

Options:
${HELP.read}
${HELP.count}
${HELP.frames}
${HELP.filter}
  --mtu N           underlay IP MTU: flag outer packets larger than N bytes (MTU_EXCEEDED)
  --legacy-key      also judge the key as a draft-era peer reads it (TNI + reserved byte)
  --key-layout L    judge the key as a receiver reading it as rfc7637 (default) or low24 (draft-00,
                    docs/nvgre.md §7: a non-zero high byte is RESERVED_KEY_BITS, no FlowID)
  --all-gre         judge every GRE packet as NVGRE (default: only GRE protocol 0x6558; other GRE,
                    such as IPv4-in-GRE, PPTP or ERSPAN, is summarised as info)
  --json            one JSON object per finding (JSON Lines), with its frame number
  --annotate        with -w: copy the (selected) frames to a pcapng file, each frame's findings
                    attached as packet comments (Wireshark: frame.comment)
${HELP.write}
${HELP.format}
${HELP.keepPartial}
  -h, --help        show this help

Examples:
  nvgre lint capture.pcap --mtu 1500 --legacy-key
  nvgre lint -Y 'vsid == 5001' --annotate -w findings.pcapng capture.pcap`;

/** One finding as a line of text (and as a packet comment). */
function findingText(f: Finding): string {
  return `${f.severity} ${f.code} at byte ${f.offset} (${f.rfc}): ${f.message}`;
}

export const lint: Command = {
  name: 'lint',
  summary: 'report RFC 7637 conformance findings per frame (exit 1 on errors; --annotate: as pcapng comments)',
  usage: USAGE,
  async run(argv) {
    const parsed = parse('lint', argv, {
      ...READ_OPTIONS,
      ...FILTER_OPTIONS,
      ...WRITE_OPTIONS,
      mtu: { type: 'string' },
      'legacy-key': { type: 'boolean' },
      'key-layout': { type: 'string' },
      'all-gre': { type: 'boolean' },
      json: { type: 'boolean' },
      annotate: { type: 'boolean' },
    });
    const { values } = parsed;
    if (values.help) {
      console.log(USAGE);
      return EXIT.OK;
    }
    const { input: file } = inputAndOutput('lint', parsed, false);
    const mtu = intOption('mtu', values.mtu, 68, 0xffffffff);
    const keyLayout = stringOption(values['key-layout']) ?? 'rfc7637';
    if (keyLayout !== 'rfc7637' && keyLayout !== 'low24') throw usageError(`--key-layout must be rfc7637 or low24, got "${keyLayout}".`);
    const options: LintOptions = {
      ...(mtu !== undefined ? { mtu } : {}),
      legacyKeyView: values['legacy-key'] === true,
      keyLayout: keyLayout as KeyLayout,
      nvgreOnly: values['all-gre'] !== true,
    };
    const annotate = values.annotate === true;
    const output = typeof values.write === 'string' ? values.write : undefined;
    if (annotate && output === undefined) throw usageError('--annotate writes a capture: give -w FILE (pcapng); see "nvgre lint --help".');
    const format = formatOption(parsed) ?? (annotate ? 'pcapng' : undefined);
    if (annotate && format === 'pcap') throw usageError('--annotate needs pcapng: classic pcap has no packet comments (drop --format pcap).');
    if (output === undefined && (values.format !== undefined || values['keep-partial'] !== undefined)) {
      throw usageError('--format and --keep-partial go with -w FILE; see "nvgre lint --help".');
    }
    if (output !== undefined) checkOutputPath(output);
    const json = values.json === true;
    const view = new FrameView({ keyLayout: keyLayout as KeyLayout, lint: options });
    const selector = new Selector(selection(parsed, { keyLayout: keyLayout as KeyLayout, lint: options }), view);
    const out = new Output();
    const progress = new Progress('lint');
    const count = { error: 0, warning: 0, info: 0 };
    let frames = 0;
    let framesWithErrors = 0;
    const normalizer = createLinkNormalizer();
    /** Ordinary GRE (IPv4-in-GRE, PPTP, ...), summarised by kind instead of a line per frame. */
    const otherGre = new Map<string, number>();
    const read = (capture: CaptureOutput | null) =>
      readRecords(
        file,
        async (records) => {
          for (const r of records) {
            if (selector.done) break;
            frames++;
            if (!selector.take(frames, r)) continue;
            // The view holds an Ethernet record already linted for the filter; any other record is linted
            // here, offsets into its own bytes.
            const findings: readonly Finding[] = selector.loaded && r.linkType === 1 ? view.findings : lintRecord(r, options, normalizer);
            let hasError = false;
            for (const f of findings) {
              count[f.severity]++;
              if (f.severity === 'error') hasError = true;
              const kind = f.code === 'NOT_NVGRE' && f.layer === 'gre' ? /^Not an NVGRE frame: (.*?), not judged/.exec(f.message)?.[1] : undefined;
              if (kind !== undefined && !json) {
                otherGre.set(kind, (otherGre.get(kind) ?? 0) + 1);
                continue;
              }
              if (json) {
                out.line(
                  `{"frame":${frames},"code":"${f.code}","severity":"${f.severity}","layer":"${f.layer}","offset":${f.offset},"rfc":${JSON.stringify(f.rfc)},"message":${JSON.stringify(f.message)}}`,
                );
              } else if (output !== '-') {
                out.line(`frame ${frames} byte ${f.offset}: ${f.severity} ${f.code} (${f.rfc}): ${f.message}`);
              }
            }
            if (hasError) framesWithErrors++;
            capture?.add(r.data, r, r.originalLength, annotate ? findings.map(findingText) : undefined);
          }
          progress.frames = frames;
          await out.maybeFlush();
        },
        progress,
        { stop: () => selector.done, ...(capture !== null ? { onInfo: (info) => capture.input(info) } : {}) },
      );
    if (output === undefined) {
      await read(null);
    } else {
      if (output === '-' && json) throw usageError('-w - writes the capture to standard output: --json has nowhere to go.');
      await withCaptureOutput(output, async (capture) => read(capture), { format, keepPartial: values['keep-partial'] === true });
    }
    const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
    if (output !== '-') {
      for (const [kind, n] of otherGre) out.line(`info: ${plural(n, 'frame')} of ${kind}, not NVGRE (not judged as NVGRE; --all-gre judges them)`);
    }
    const summary = `-- ${plural(frames, 'frame')}${selector.active ? ` (${selector.selected} selected)` : ''}: ${plural(count.error, 'error')} (in ${plural(framesWithErrors, 'frame')}), ${plural(count.warning, 'warning')}, ${count.info} info`;
    if (output === '-') {
      process.stderr.write(`${summary}; the ${annotate ? 'annotated ' : ''}capture went to standard output\n`);
    } else if (!json) {
      out.line(summary + (output !== undefined ? `; wrote ${output}${annotate ? ' with the findings as packet comments' : ''}` : ''));
    }
    await out.flush();
    return count.error > 0 ? EXIT.DATA : EXIT.OK;
  },
};
