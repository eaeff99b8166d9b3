import { FrameView, Reassembler, frameSummary, type CaptureRecord, type KeyLayout } from '../../index.js';
import { intOption, parse, stringOption } from '../args.js';
import type { Command } from '../command.js';
import { EXIT, usageError } from '../errors.js';
import { Output, Progress, readRecords } from '../io.js';
import { jobCounters, jobsOption } from '../jobs.js';
import { LinkFrames } from '../link.js';
import { FILTER_OPTIONS, HELP, READ_OPTIONS, inputAndOutput, selection } from '../select.js';
import { hexLines } from '../views/hex.js';
import { writeJsonLine } from '../views/json.js';
import { treeLines } from '../views/tree.js';

const USAGE = `Usage: nvgre decode [options] <file>
       nvgre decode [options] -r <file>

Decodes every frame of a pcap or pcapng capture (auto-detected; "-" reads stdin) and prints one line
per frame: frame number, VSID, FlowID, outer addresses, inner endpoints and protocol, TCP flags, the
TCP/UDP payload length (payload N), an inner VLAN tag, and the checksum status. Frames a strict
RFC 7637 receiver drops (reserved VSID, inner 802.1Q tag, GRE C/S bits, bad outer checksum) are still
shown, with the reason; other frames are shown as "not NVGRE" with a typed code.

Options:
${HELP.read}
${HELP.count}
${HELP.frames}
${HELP.filter}
  -V, --verbose     the field tree of every layer (like tshark -V, with the NVGRE semantics)
  -x, --hex         offset, hex and ASCII of every frame, with the layer boundaries marked (|)
  --json            one JSON object per frame (JSON Lines): frame, vsid, flowId, key, outer, inner,
                    checksums, reason, drop, payload, and every -V field under "fields"
  --filter-vsid N   only NVGRE frames of VSID N (decimal or 0x hex); -Y 'vsid == N' says the same
  --reassemble      reassemble outer IP fragments first (bounded: 1024 datagrams, 64 MiB,
                    30 s per datagram); fragments held for reassembly are listed as such
  --legacy-key      also show the key as a draft-era peer reads it (TNI + reserved byte)
  --key-layout L    read the VSID from the key as rfc7637 (default) or low24 (draft-00,
                    docs/nvgre.md §7)
  -j, --jobs N      threads for a large classic pcap file (this one and N-1 workers); same
                    output. Default: the number of cores with --json, -V or -x, or for a
                    file of 512 MiB or more, else 1 (the one-line summary is too cheap to gain
                    on a smaller one). -c, --frames and --reassemble read on one thread, as
                    do standard input, pcapng and files below 8 MB
  -h, --help        show this help

Examples:
  nvgre decode capture.pcapng
  nvgre decode -Y 'vsid == 5001 && inner.udp && !csum.ok' -V capture.pcap
  nvgre decode capture.pcap --json -c 10 | jq .inner.dst`;

/**
 * The record's instant as a JSON number with microsecond digits. A pcap fraction of one second or
 * more (reported as stored) is carried into the seconds: a number cannot keep the field as written.
 */
function timestamp(r: CaptureRecord): string {
  const us = Math.floor(r.timestamp.nanoseconds / 1000);
  return `${r.timestamp.seconds + Math.floor(us / 1_000_000)}.${String(us % 1_000_000).padStart(6, '0')}`;
}

export const decode: Command = {
  name: 'decode',
  summary: 'print one line (or a field tree, hex, JSON) per frame of a pcap/pcapng capture',
  usage: USAGE,
  async run(argv) {
    const parsed = parse('decode', argv, {
      ...READ_OPTIONS,
      ...FILTER_OPTIONS,
      verbose: { type: 'boolean', short: 'V' },
      hex: { type: 'boolean', short: 'x' },
      json: { type: 'boolean' },
      'filter-vsid': { type: 'string' },
      reassemble: { type: 'boolean' },
      'legacy-key': { type: 'boolean' },
      'key-layout': { type: 'string' },
      jobs: { type: 'string', short: 'j' },
    });
    const { values } = parsed;
    if (values.help) {
      console.log(USAGE);
      return EXIT.OK;
    }
    const { input: file } = inputAndOutput('decode', parsed, false);
    const keyLayout = stringOption(values['key-layout']) ?? 'rfc7637';
    if (keyLayout !== 'rfc7637' && keyLayout !== 'low24') throw usageError(`--key-layout must be rfc7637 or low24, got "${keyLayout}".`);
    const vsidFilter = intOption('filter-vsid', values['filter-vsid'], 0, 0xffffff);
    const json = values.json === true;
    const verbose = values.verbose === true;
    const hex = values.hex === true;
    if (json && (verbose || hex)) throw usageError('--json carries every field already; -V and -x print text (give one or the other).');
    const legacyKey = values['legacy-key'] === true;
    const summaryOptions = { legacyKey };
    const viewOptions = { keyLayout: keyLayout as KeyLayout };
    const sel = selection(parsed, viewOptions);
    const filter = sel.filter;
    const selecting = vsidFilter !== undefined || sel.count !== undefined || sel.frames !== undefined || filter !== undefined;
    const reassembler = values.reassemble === true ? new Reassembler({ maxDatagrams: 1024, maxBytes: 64 * 1024 * 1024, timeoutMs: 30_000 }) : null;
    const out = new Output();
    const progress = new Progress('decode');
    const view = new FrameView(viewOptions);
    const links = new LinkFrames();
    // The closing line's counters (added up over the chunks with --jobs); considered: the frames
    // --frames lets through (all frames without it).
    const c = jobCounters({ n: 0, considered: 0, nvgre: 0, dropped: 0, other: 0, held: 0, shown: 0 });
    const jobs = jobsOption(stringOption(values.jobs), json || verbose || hex, file);
    // Frame by frame only: -c and --frames stop early, reassembly carries fragments across frames.
    const parallel = sel.count === undefined && sel.frames === undefined && reassembler === null ? { jobs, command: 'decode', argv } : undefined;
    const full = () => sel.count !== undefined && c.shown >= sel.count;
    const show = (lines: string[]) => {
      c.shown++;
      for (const l of lines) out.line(l);
    };
    await readRecords(
      file,
      async (records) => {
        for (const r of records) {
          if (full()) break;
          c.n++;
          const n = c.n;
          if (sel.frames !== undefined && !sel.frames.has(n)) continue;
          c.considered++;
          // After "fields": the capture's timestamp (written by writeJsonLine for a decoded frame), then these.
          let extra = '';
          // Any link type the library reads, as an Ethernet frame (docs/api.md "Link types").
          const linked = links.frame(r);
          if (linked === null) {
            c.other++;
            if (vsidFilter !== undefined || filter !== undefined) continue;
            const why = links.why(r);
            show([
              json
                ? `{"frame":${n},"length":${r.data.length},"nvgre":false,"vsid":null,"flowId":null,"key":null,"outer":null,"inner":null,"checksums":null,"reason":{"code":"LINKTYPE","codes":["LINKTYPE"],"message":${JSON.stringify(why)}},"drop":null,"fields":{},"ts":${timestamp(r)}}`
                : `${String(n).padStart(6)}  not NVGRE  ${why}`,
            ]);
            continue;
          }
          let frame = linked;
          if (links.synthetic && json) extra += `,"linkType":${r.linkType},"outerMac":false`;
          if (reassembler !== null) {
            const ms = r.timestamp.seconds * 1000 + r.timestamp.nanoseconds / 1e6;
            const whole = reassembler.push(frame, ms);
            if (whole === null) {
              c.held++;
              if (vsidFilter !== undefined || filter !== undefined) continue;
              show([
                json
                  ? `{"frame":${n},"length":${frame.length},"nvgre":null,"vsid":null,"flowId":null,"key":null,"outer":null,"inner":null,"checksums":null,"reason":{"code":"FRAGMENT_HELD","codes":["FRAGMENT_HELD"],"message":"outer IP fragment held for reassembly"},"drop":null,"fields":{},"ts":${timestamp(r)}${extra}}`
                  : `${String(n).padStart(6)}  fragment held for reassembly`,
              ]);
              continue;
            }
            if (whole !== frame) {
              frame = whole;
              extra += json ? ',"reassembled":true' : '';
            }
          }
          view.load(frame, { number: n, originalLength: frame === linked ? r.originalLength - r.data.length + linked.length : frame.length });
          if (view.nvgre) {
            c.nvgre++;
            if (view.decapsulated!.dropReasons.length > 0) c.dropped++;
          } else {
            c.other++;
          }
          if (vsidFilter !== undefined && (!view.nvgre || view.vsid !== vsidFilter)) continue;
          if (filter !== undefined && !filter.test(view)) continue;
          if (json) {
            c.shown++;
            writeJsonLine(out, view, n, summaryOptions, r.timestamp, extra);
            continue;
          }
          if (!verbose) {
            // The summary line, straight out (no array per frame); alone, the common case, it is all.
            out.decimal(n, 6);
            out.line(`  ${frameSummary(view, summaryOptions)}${frame !== linked ? '  (reassembled)' : ''}`);
            if (!hex) {
              c.shown++;
              continue;
            }
          }
          const lines: string[] = [];
          if (verbose) {
            lines.push(...links.tree(treeLines(view), r));
            if (frame !== linked) lines.push('    (reassembled from outer IP fragments)');
          }
          if (hex) lines.push(...hexLines(view));
          lines.push(''); // -V or -x: a blank line after each frame
          show(lines);
        }
        progress.frames = c.n;
        await out.maybeFlush();
      },
      progress,
      { stop: () => full() || (sel.frames !== undefined && c.n >= sel.frames.last), parallel },
    );
    if (!json) {
      let s = `-- ${c.considered} frame${c.considered === 1 ? '' : 's'}: ${c.nvgre} NVGRE`;
      if (c.dropped > 0) s += ` (${c.dropped} dropped by strict receivers)`;
      s += `, ${c.other} not NVGRE`;
      if (c.held > 0) s += `, ${c.held} fragments held for reassembly`;
      if (vsidFilter !== undefined && filter === undefined && sel.count === undefined && sel.frames === undefined) s += `; ${c.shown} shown for VSID ${vsidFilter}`;
      else if (selecting) s += `; ${c.shown} shown`;
      if (full()) s += ` (stopped after ${sel.count}: -c)`;
      out.line(s);
    }
    await out.flush();
    return EXIT.OK;
  },
};
