import { FrameView, explainFrame, type FrameExplanation } from '../../index.js';
import { parse, stringOption } from '../args.js';
import type { Command } from '../command.js';
import { EXIT, usageError } from '../errors.js';
import { Output, Progress, readRecords } from '../io.js';
import { LinkFrames } from '../link.js';
import { FILTER_OPTIONS, HELP, READ_OPTIONS, Selector, inputAndOutput, selection } from '../select.js';
import { readPolicy } from './policy.js';

const USAGE = `Usage: nvgre explain --policy policy.json <capture> [options]
       nvgre explain --policy policy.json -r <capture> [options]

For each NVGRE frame of a capture (pcap or pcapng), what the policy of the sending host (the owner of
the outer source PA) and of the receiving host (the owner of the outer destination PA) say about it
(docs/nve.md §5, §6, §9): the record and route the sender's endpoint uses for the inner packet and
whether that is where the frame went, and whether the receiver delivers it or drops it and why — with
a note when the two hosts read the GRE key in different layouts (KB2779768).

Options:
  --policy FILE     the policy (nvgre policy init / import)
${HELP.read}
${HELP.count}
${HELP.frames}
${HELP.filter}
  --json            one JSON object per frame instead of text
  -h, --help        show this help

Examples:
  nvgre explain --policy policy.json wire.pcap
  nvgre explain --policy policy.json -Y 'vsid == 5002' -c 5 wire.pcap`;

function text(n: number, e: FrameExplanation): string[] {
  if (!e.nvgre) return [`frame ${n}: ${e.notes[0]}`];
  const lines = [`frame ${n}: PA ${e.outer!.src} → ${e.outer!.dst}, key 0x${e.key!.toString(16).padStart(8, '0')}`];
  const s = e.sender!;
  if (s.host === null) lines.push('  sender: no host of the policy');
  else {
    const t = s.transmit;
    lines.push(`  sender ${s.host} (writes ${s.keyLayout} keys: VSID ${s.vsid}): ${t === undefined ? 'no decision' : `${t.action}${t.reason !== undefined ? ` ${t.reason}` : ''}${s.agrees === true ? ', as this frame went' : s.agrees === false && t.action !== 'drop' ? ', but not as this frame went' : ''}`}`);
    for (const step of t?.trace ?? []) lines.push(`      ${step.step}: ${step.detail}`);
  }
  const r = e.receiver!;
  if (r.host === null || r.result === undefined) lines.push('  receiver: no host of the policy');
  else {
    const x = r.result;
    lines.push(`  receiver ${r.host}: ${x.action}${x.vm !== undefined ? ` to ${x.vm}` : ''}${x.reason !== undefined ? ` ${x.reason}` : ''}${x.replies.length > 0 ? `, answered with ${x.replies.length} ICMP unreachable` : ''}`);
    for (const step of x.trace) lines.push(`      ${step.step}: ${step.detail}`);
  }
  for (const note of e.notes) lines.push(`  note: ${note}`);
  return lines;
}

export const explain: Command = {
  name: 'explain',
  summary: 'what the sending and receiving hosts\' HNV policy say about each NVGRE frame',
  usage: USAGE,
  async run(argv) {
    const parsed = parse('explain', argv, { ...READ_OPTIONS, ...FILTER_OPTIONS, policy: { type: 'string' }, json: { type: 'boolean' } });
    const { values } = parsed;
    if (values.help) {
      console.log(USAGE);
      return EXIT.OK;
    }
    const { input } = inputAndOutput('explain', parsed, false);
    const selector = new Selector(selection(parsed), values['display-filter'] !== undefined ? new FrameView() : undefined);
    const policyFile = stringOption(values.policy);
    if (policyFile === undefined) throw usageError('missing --policy FILE; see "nvgre explain --help".');
    const policy = readPolicy(policyFile);
    const out = new Output();
    const progress = new Progress('explain');
    let n = 0;
    let nvgre = 0;
    const links = new LinkFrames();
    await readRecords(
      input,
      async (records) => {
        for (const record of records) {
          if (selector.done) break;
          n++;
          if (!selector.take(n, record)) continue;
          // Any link type the library reads, as an Ethernet frame (docs/api.md "Link types").
          const frame = links.frame(record);
          const e: FrameExplanation = frame !== null ? explainFrame(policy, frame) : { nvgre: false, notes: [`not read: ${links.why(record)}`] };
          if (e.nvgre) nvgre++;
          if (values.json) out.line(JSON.stringify({ frame: n, ...e }));
          else for (const line of text(n, e)) out.line(line);
          await out.maybeFlush();
        }
        progress.frames = n;
      },
      progress,
      { stop: () => selector.done },
    );
    await out.flush();
    console.error(`explain: ${input}: ${n} frame${n === 1 ? '' : 's'}${selector.active ? ` (${selector.selected} selected)` : ''}, ${nvgre} NVGRE.`);
    return EXIT.OK;
  },
};
