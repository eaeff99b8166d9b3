import { Reassembler, type CaptureRecord } from '../../index.js';
import { intOption, parse, positionals } from '../args.js';
import type { Command } from '../command.js';
import { EXIT } from '../errors.js';
import { FrameFacts, describe, jsonLine, textLine, type SummaryOptions } from '../format.js';
import { Output, Progress, readRecords } from '../io.js';

const USAGE = `Usage: nvgre decode <file> [options]

Decodes every frame of a pcap or pcapng capture (auto-detected; "-" reads stdin) and prints one line
per frame: frame number, VSID, FlowID, outer and inner addresses, protocols and checksum status.
Frames a strict RFC 7637 receiver drops (reserved VSID, inner 802.1Q tag, GRE C/S bits, bad outer
checksum) are still shown, with the reason; other frames are shown as "not NVGRE" with a typed code.

Options:
  --json            one JSON object per frame (JSON Lines) with frame, vsid, flowId, key, outer,
                    inner, checksums and reason
  --filter-vsid N   only NVGRE frames of VSID N (decimal or 0x hex)
  --reassemble      reassemble outer IP fragments first (bounded: 1024 datagrams, 64 MiB,
                    30 s per datagram); fragments held for reassembly are listed as such
  --legacy-key      also show the key as a draft-era peer reads it (TNI + reserved byte)
  -h, --help        show this help

Examples:
  nvgre decode capture.pcapng
  nvgre decode capture.pcap --json --filter-vsid 5001 | jq .inner.dst`;

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
  summary: 'print one line (or JSON object) per frame of a pcap/pcapng capture',
  usage: USAGE,
  async run(argv) {
    const { values, positionals: pos } = parse('decode', argv, {
      json: { type: 'boolean' },
      'filter-vsid': { type: 'string' },
      reassemble: { type: 'boolean' },
      'legacy-key': { type: 'boolean' },
    });
    if (values.help) {
      console.log(USAGE);
      return EXIT.OK;
    }
    const [file] = positionals('decode', pos, ['file']) as [string];
    const filter = intOption('filter-vsid', values['filter-vsid'], 0, 0xffffff);
    const json = values.json === true;
    const opts: SummaryOptions = { legacyKey: values['legacy-key'] === true };
    const reassembler = values.reassemble === true ? new Reassembler({ maxDatagrams: 1024, maxBytes: 64 * 1024 * 1024, timeoutMs: 30_000 }) : null;
    const out = new Output();
    const progress = new Progress('decode');
    const facts = new FrameFacts();
    let n = 0;
    let nvgre = 0;
    let dropped = 0;
    let other = 0;
    let held = 0;
    let shown = 0;
    await readRecords(
      file,
      async (records) => {
        for (const r of records) {
          n++;
          let frame = r.data;
          let extra = json ? `,"ts":${timestamp(r)}` : '';
          if (r.linkType !== 1) {
            other++;
            if (filter !== undefined) continue;
            shown++;
            out.line(
              json
                ? `{"frame":${n},"length":${frame.length},"nvgre":false,"vsid":null,"flowId":null,"key":null,"outer":null,"inner":null,"checksums":null,"reason":{"code":"LINKTYPE","codes":["LINKTYPE"],"message":"link type ${r.linkType} is not Ethernet"}${extra}}`
                : `${String(n).padStart(6)}  not NVGRE  link type ${r.linkType} is not Ethernet (1)`,
            );
            continue;
          }
          if (reassembler !== null) {
            const ms = r.timestamp.seconds * 1000 + r.timestamp.nanoseconds / 1e6;
            const whole = reassembler.push(frame, ms);
            if (whole === null) {
              held++;
              if (filter !== undefined) continue;
              shown++;
              out.line(
                json
                  ? `{"frame":${n},"length":${frame.length},"nvgre":null,"vsid":null,"flowId":null,"key":null,"outer":null,"inner":null,"checksums":null,"reason":{"code":"FRAGMENT_HELD","codes":["FRAGMENT_HELD"],"message":"outer IP fragment held for reassembly"}${extra}}`
                  : `${String(n).padStart(6)}  fragment held for reassembly`,
              );
              continue;
            }
            if (whole !== frame) {
              frame = whole;
              extra += json ? ',"reassembled":true' : '';
            }
          }
          describe(frame, facts);
          if (facts.nvgre) {
            nvgre++;
            if (facts.dropReasons.length > 0) dropped++;
          } else {
            other++;
          }
          if (filter !== undefined && (!facts.nvgre || facts.vsid !== filter)) continue;
          shown++;
          let line = json ? jsonLine(n, frame, facts, opts, extra) : textLine(n, frame, facts, opts);
          if (!json && frame !== r.data) line += '  (reassembled)';
          out.line(line);
        }
        progress.frames = n;
        await out.maybeFlush();
      },
      progress,
    );
    if (!json) {
      let s = `-- ${n} frame${n === 1 ? '' : 's'}: ${nvgre} NVGRE`;
      if (dropped > 0) s += ` (${dropped} dropped by strict receivers)`;
      s += `, ${other} not NVGRE`;
      if (held > 0) s += `, ${held} fragments held for reassembly`;
      if (filter !== undefined) s += `; ${shown} shown for VSID ${filter}`;
      out.line(s);
    }
    await out.flush();
    return EXIT.OK;
  },
};
