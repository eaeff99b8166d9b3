import { NvgreError, fillChecksums, verifyChecksums, type ChecksumReport, type FillChecksumsOptions } from '../../index.js';
import { parse, stringOption } from '../args.js';
import { checkOutputPath, withCaptureOutput } from '../capture-output.js';
import type { Command } from '../command.js';
import { EXIT, bareMessage, usageError } from '../errors.js';
import { Output, Progress, readRecords } from '../io.js';
import { jobCounters, jobsOption } from '../jobs.js';
import { LinkFrames } from '../link.js';
import { HELP, READ_OPTIONS, Selector, WRITE_OPTIONS, formatOption, inputAndOutput, selection } from '../select.js';
import { JSON_START, TEXT_START, VerifyLines } from '../views/verify-lines.js';

const USAGE = `Usage: nvgre checksum --fill [options] <in> <out>     (or -r <in> -w <out>)
       nvgre checksum --verify [--json] [options] <in>   (or -r <in>)

--fill    Tx checksum offload emulation: computes the outer IPv4, inner IPv4 and inner TCP/UDP/ICMP
          checksums of every frame (UDP: a computed 0 is sent as 0xFFFF) and writes <out>.
          Frames that cannot be walked are copied unchanged. <out> appears only when the whole
          input was processed.
--verify  Rx checksum offload emulation: prints the status of every checksum of every frame
          (ok, bad, absent, unverifiable, ...). Exit status 1 when any checksum is bad.

Options:
${HELP.read}
${HELP.write}
${HELP.count}
${HELP.frames}
${HELP.format}
${HELP.keepPartial}
  -j, --jobs N      (--verify) threads for a large classic pcap file (this one and N-1
                    workers); same output. Default: 1 (a frame's checks are too cheap: on
                    two cores a 1 GB capture read at 1.07-1.22x one thread's rate, with
                    more CPU; try it on more cores). -c and --frames read on one thread, as
                    do standard input, pcapng and files below 8 MB
  --json            (--verify) one JSON object per frame
  -h, --help        show this help`;

const FILL: FillChecksumsOptions = { maxHeaderSize: Infinity };

export const checksum: Command = {
  name: 'checksum',
  summary: 'fill (Tx offload) or verify (Rx offload) outer and inner checksums',
  usage: USAGE,
  async run(argv) {
    const parsed = parse('checksum', argv, {
      ...READ_OPTIONS,
      ...WRITE_OPTIONS,
      fill: { type: 'boolean' },
      verify: { type: 'boolean' },
      json: { type: 'boolean' },
      jobs: { type: 'string', short: 'j' },
    });
    const { values } = parsed;
    if (values.help) {
      console.log(USAGE);
      return EXIT.OK;
    }
    if ((values.fill === true) === (values.verify === true)) {
      throw usageError('give exactly one of --fill and --verify; see "nvgre checksum --help".');
    }
    const progress = new Progress('checksum');
    const selector = new Selector(selection(parsed));
    let n = 0;
    const links = new LinkFrames();
    if (values.fill === true) {
      const { input, output } = inputAndOutput('checksum', parsed, true);
      const format = formatOption(parsed);
      checkOutputPath(output);
      let filled = 0;
      const copied = new Map<string, number>();
      await withCaptureOutput(output, async (out) => {
        await readRecords(
          input,
          (records) => {
            for (const r of records) {
              if (selector.done) break;
              n++;
              if (!selector.take(n, r)) continue;
              // Any link type the library reads, as an Ethernet frame (a copy: filling writes into it).
              const linked = links.frame(r);
              let record = r.data;
              if (linked === null) {
                copied.set('LINKTYPE', (copied.get('LINKTYPE') ?? 0) + 1);
              } else {
                const frame = linked.slice();
                try {
                  fillChecksums(frame, FILL);
                  filled++;
                  record = links.toRecord(frame); // back in the record's own link type
                } catch (e) {
                  // Not walkable (truncated, malformed): copied unchanged and counted.
                  const why = e instanceof NvgreError ? e.code : 'not Ethernet';
                  copied.set(why, (copied.get(why) ?? 0) + 1);
                }
              }
              out.add(record, r, r.originalLength);
            }
            progress.frames = n;
          },
          progress,
          { stop: () => selector.done, onInfo: (info) => out.input(info) },
        );
      }, { format, keepPartial: values['keep-partial'] === true });
      const written = selector.active ? selector.selected : n;
      let msg = `checksum: wrote ${output === '-' ? 'standard output' : output}: ${written} frame${written === 1 ? '' : 's'}, checksums filled in ${filled}`;
      if (copied.size > 0) msg += `; copied unchanged: ${[...copied].map(([c, k]) => `${c} ×${k}`).join(', ')}`;
      console.error(msg + '.');
      return EXIT.OK;
    }
    if (values.write !== undefined || values.format !== undefined || values['keep-partial'] !== undefined) {
      throw usageError('-w, --format and --keep-partial go with --fill (--verify writes no capture); see "nvgre checksum --help".');
    }
    const { input } = inputAndOutput('checksum', parsed, false);
    const json = values.json === true;
    const out = new Output();
    const lines = new VerifyLines();
    // The closing line's counters, added up over the chunks with --jobs.
    const c = jobCounters({ n: 0, bad: 0, framesBad: 0 });
    // One thread unless asked (docs/cli.md "All cores"): on two cores a 1 GB capture read at
    // 1.07-1.22x one thread's rate (the main thread and a worker, six bench runs of 2026-12-07).
    const jobs = values.jobs === undefined ? 1 : jobsOption(stringOption(values.jobs));
    // Frame by frame, unless -c or --frames stop early (-Y alone decides per frame).
    const sel = selection(parsed);
    const parallel = sel.count === undefined && sel.frames === undefined ? { jobs, command: 'checksum', argv } : undefined;
    await readRecords(
      input,
      async (records) => {
        for (const r of records) {
          if (selector.done) break;
          c.n++;
          const n = c.n;
          if (!selector.take(n, r)) continue;
          let report: ChecksumReport;
          try {
            const linked = links.frame(r);
            if (linked === null) throw new Error(links.why(r));
            report = verifyChecksums(linked);
          } catch (e) {
            const msg = e instanceof NvgreError ? `${e.code} at ${e.layer} byte ${e.offset}: ${bareMessage(e)}` : String(e);
            out.line(json ? `{"frame":${n},"error":${JSON.stringify(msg)}}` : `frame ${n}: unverifiable (${msg})`);
            continue;
          }
          const o = lines.of(report);
          c.bad += o.bad;
          if (o.bad > 0) c.framesBad++;
          out.bytes(json ? JSON_START : TEXT_START);
          out.decimal(n);
          out.bytes(json ? o.json : o.text);
        }
        progress.frames = c.n;
        await out.maybeFlush();
      },
      progress,
      { stop: () => selector.done, parallel },
    );
    const { n: total, bad, framesBad } = c;
    if (!json) out.line(`-- ${total} frame${total === 1 ? '' : 's'}: ${bad} bad checksum${bad === 1 ? '' : 's'} in ${framesBad} frame${framesBad === 1 ? '' : 's'}`);
    await out.flush();
    return bad > 0 ? EXIT.DATA : EXIT.OK;
  },
};
