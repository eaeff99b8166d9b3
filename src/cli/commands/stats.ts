import { FrameView, createStats, type CaptureStats, type KeyLayout } from '../../index.js';
import { intOption, parse, stringOption } from '../args.js';
import type { Command } from '../command.js';
import { EXIT, usageError } from '../errors.js';
import { Output } from '../io.js';
import { FILTER_OPTIONS, HELP, READ_OPTIONS, Selector, inputAndOutput, readSelected, selection } from '../select.js';

const USAGE = `Usage: nvgre stats [options] <file>

What a capture holds (pcap or pcapng, any size, any link type the tool reads), in one streaming pass:
per VSID (frames, bytes, inner flows, distinct FlowIDs, first and last time), per provider-address
pair with both directions, the top inner conversations (like tshark -z conv,ip), the protocol mix,
and the drop reasons a strict receiver would apply (docs/doctor.md §11). Times are seconds from the
first frame. Exit status: 0, 1 when the capture is corrupt, 2 on a usage error.

Options:
${HELP.read}
${HELP.count}
${HELP.frames}
${HELP.filter}
  --key-layout L    how keys carry the VSID: rfc7637 (default) or low24
  --top N           conversations listed, largest first (default 10)
  --max-flows N     inner flows and conversations tracked (default 100000)
  --json            the statistics as one JSON object (times in seconds since 1970)
  -h, --help        show this help

Example:
  nvgre stats capture.pcapng --top 20`;

function table(rows: string[][], right: ReadonlySet<number>): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (right.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd());
}

/** The text report. */
export function statsText(file: string, s: CaptureStats): string[] {
  const rel = (t: number) => (t > 0 && s.first > 0 ? (t - s.first).toFixed(3) : '-');
  const p = s.protocols;
  const other = Object.entries(p.otherGre).map(([k, n]) => `${n} ${k}`);
  const lines = [
    `nvgre stats: ${file}: ${s.frames} frames, ${s.bytes} bytes${s.last > s.first ? `, ${(s.last - s.first).toFixed(3)} s` : ''}`,
    `  ${p.nvgre} NVGRE${other.length > 0 ? `, ${other.join(', ')}` : ''}, ${p.otherIp} other IP, ${p.nonIp} not IP${p.unreadable > 0 ? `, ${p.unreadable} unreadable` : ''}`,
  ];
  if (p.nvgre > 0) {
    lines.push(`  inside NVGRE: ${p.inner.tcp} TCP, ${p.inner.udp} UDP, ${p.inner.icmp} ICMP, ${p.inner.otherIp} other IP, ${p.inner.nonIp} not IP`);
  }
  if (s.vsids.length > 0) {
    lines.push('', 'Per VSID:');
    lines.push(
      ...table(
        [['  VSID', 'frames', 'bytes', 'flows', 'FlowIDs', 'first', 'last'], ...s.vsids.map((v) => [`  ${v.vsid}`, String(v.frames), String(v.bytes), String(v.flows), String(v.flowIds), rel(v.first), rel(v.last)])],
        new Set([1, 2, 3, 4, 5, 6]),
      ),
    );
  }
  if (s.pairs.length > 0) {
    lines.push('', 'Per provider-address pair:');
    lines.push(
      ...table(
        [['  A', 'B', 'A→B frames', 'bytes', 'B→A frames', 'bytes', 'VSIDs'], ...s.pairs.map((x) => [`  ${x.a}`, x.b, String(x.framesAtoB), String(x.bytesAtoB), String(x.framesBtoA), String(x.bytesBtoA), x.vsids.join(',')])],
        new Set([2, 3, 4, 5]),
      ),
    );
  }
  if (s.conversations.length > 0) {
    lines.push('', `Top inner conversations (by bytes):`);
    lines.push(
      ...table(
        [['  VSID', 'A', 'B', 'A→B frames', 'bytes', 'B→A frames', 'bytes', 'start', 'duration'], ...s.conversations.map((c) => [`  ${c.vsid}`, c.a, c.b, String(c.framesAtoB), String(c.bytesAtoB), String(c.framesBtoA), String(c.bytesBtoA), rel(c.first), c.duration.toFixed(3)])],
        new Set([3, 4, 5, 6, 7, 8]),
      ),
    );
  }
  const drops = Object.entries(s.drops);
  lines.push('', drops.length === 0 ? 'Drop reasons of a strict receiver: none.' : `Drop reasons of a strict receiver: ${drops.map(([k, n]) => `${k} ${n}`).join(', ')} (docs/nvgre.md §4).`);
  if (s.untracked > 0) lines.push(`(${s.untracked} items past the tracking caps were not counted in the tables)`);
  return lines;
}

export const stats: Command = {
  name: 'stats',
  summary: 'what a capture holds: per VSID, per PA pair, top inner conversations, protocol mix, drop reasons',
  usage: USAGE,
  async run(argv) {
    const parsed = parse('stats', argv, {
      ...READ_OPTIONS,
      ...FILTER_OPTIONS,
      'key-layout': { type: 'string' },
      top: { type: 'string' },
      'max-flows': { type: 'string' },
      json: { type: 'boolean' },
    });
    const { values } = parsed;
    if (values.help) {
      console.log(USAGE);
      return EXIT.OK;
    }
    const { input: file } = inputAndOutput('stats', parsed, false);
    const keyLayout = stringOption(values['key-layout']) ?? 'rfc7637';
    if (keyLayout !== 'rfc7637' && keyLayout !== 'low24') throw usageError(`--key-layout must be rfc7637 or low24, got "${keyLayout}".`);
    const top = intOption('top', values.top, 0, 100_000);
    const maxFlows = intOption('max-flows', values['max-flows'], 1, 100_000_000);
    const collector = createStats({ keyLayout: keyLayout as KeyLayout, ...(top !== undefined ? { top } : {}), ...(maxFlows !== undefined ? { maxFlows } : {}) });
    const viewOptions = { keyLayout: keyLayout as KeyLayout };
    const selector = new Selector(selection(parsed, viewOptions), new FrameView(viewOptions));
    await readSelected(file, selector, 'stats', (r, n) => collector.add(r, n));
    const s = collector.result();
    const out = new Output();
    if (values.json === true) out.line(JSON.stringify({ file, ...s }, null, 2));
    else for (const l of statsText(file, s)) out.line(l);
    await out.flush();
    return EXIT.OK;
  },
};
