import { FrameView, createDoctor, type Doctor, type DoctorFinding, type DoctorOptions, type DoctorPart, type DoctorReport, type KeyLayout } from '../../index.js';
import { intOption, parse, stringOption } from '../args.js';
import type { Command } from '../command.js';
import { checkOutputPath, withCaptureOutput } from '../capture-output.js';
import { EXIT, usageError } from '../errors.js';
import { Output, Progress, readRecords, type Parallel } from '../io.js';
import { jobsOption, workerJob } from '../jobs.js';
import { FILTER_OPTIONS, HELP, READ_OPTIONS, Selector, WRITE_OPTIONS, formatOption, inputAndOutput, readSelected, selection } from '../select.js';
import { readPolicy } from './policy.js';

const USAGE = `Usage: nvgre doctor [options] <file>

Reads a capture once (pcap or pcapng, any size, any link type the tool reads) and explains what is
wrong across its frames: transmit checksum offload faults (the UDP-only pattern that breaks DNS while
TCP and ping work), hosts that read the GRE key in different layouts, one-way tunnels and underlay ICMP
errors, MTU and fragmentation, FlowID entropy, conformance, and with --policy what an HNV policy says.
Each finding: a stable code, a diagnosis with the numbers, the evidence (counts and the first frame
numbers), the likely cause, the fix and the reference (docs/doctor.md lists every code).
Exit status: 0 when no finding is an error, 1 when one is (or the capture is corrupt), 2 on a usage error.

Options:
${HELP.read}
${HELP.count}
${HELP.frames}
${HELP.filter}
  --policy FILE     an HNV policy (nvgre policy init / import): frames are checked against it, and a
                    key-layout mismatch it shows is conclusive (docs/doctor.md §9)
  --captured-at PA  the provider address of the host the capture was taken on: tells seeds left for
                    the NIC from a fault, and which end of a one-way tunnel is silent
  --key-layout L    how this site's hosts write the key: rfc7637 (default) or low24
  --mtu N           underlay IP MTU (default 1500)
  --max-flows N     inner flows tracked at once (default 100000; docs/doctor.md §10)
  --max-pairs N     provider addresses, PA pairs and other keyed items tracked (default 4096)
  --json            the report as one JSON object
  --annotate        with -w FILE: copy the (selected) frames to a pcapng file, and attach to each
                    evidence frame the findings it shows as packet comments (Wireshark: frame.comment);
                    the input is read twice, so it must be a file
  -w FILE           the annotated capture ("-" = standard output; the report then goes to stderr)
  --examples N      evidence frames kept per finding (default 5; 100 with --annotate)
  -j, --jobs N      threads for a large classic pcap file (this one and N-1 workers); same
                    report (each reads one span, merged in order: docs/doctor.md §12).
                    Default: the number of cores for a file of 512 MiB or more, else 1.
                    --policy, -c and --frames read on one thread, as do standard input,
                    pcapng and files below 8 MB; a capture past a tracking cap is read
                    again on one thread
  -h, --help        show this help

Examples:
  nvgre doctor capture.pcapng
  nvgre doctor --captured-at 192.0.2.11 --policy policy.json any.pcap
  nvgre doctor --annotate -w explained.pcapng capture.pcap`;

const LABEL: Readonly<Record<string, string>> = { error: 'ERROR', warning: 'WARNING', info: 'INFO' };

function subjectText(f: DoctorFinding): string {
  const s = f.subject;
  const parts: string[] = [];
  if (s.sender !== undefined && s.receiver !== undefined) parts.push(`${s.sender} → ${s.receiver}`);
  else if (s.sender !== undefined) parts.push(s.sender);
  else if (s.receiver !== undefined) parts.push(`to ${s.receiver}`);
  if (s.vsid !== undefined) parts.push(`VSID ${s.vsid}`);
  if (s.protocol !== undefined) parts.push(s.protocol);
  if (s.lintCode !== undefined) parts.push(s.lintCode);
  if (s.kind !== undefined) parts.push(s.kind);
  if (s.reporter !== undefined) parts.push(`reported by ${s.reporter}`);
  return parts.join(', ');
}

/** The text report: a header line, the findings grouped by severity, a closing count. */
export function doctorText(file: string, r: DoctorReport): string[] {
  const s = r.summary;
  const plural = (n: number, w: string, many = `${w}s`) => `${n} ${n === 1 ? w : many}`;
  const lines = [
    `nvgre doctor: ${file}: ${plural(s.frames, 'frame')} (${s.nvgreFrames} NVGRE${s.otherGreFrames > 0 ? `, ${s.otherGreFrames} other GRE` : ''}${s.unreadableFrames > 0 ? `, ${s.unreadableFrames} unreadable` : ''}), ${plural(s.senders, 'sender')}, ${plural(s.pairs, 'PA pair')}, ${plural(s.flows, 'inner flow')}, ${plural(s.vsids, 'VSID')}${s.duration > 0 ? `, ${s.duration.toFixed(3)} s` : ''}`,
  ];
  if (r.findings.length === 0) {
    lines.push('', 'No findings: nothing wrong that the doctor knows to look for (docs/doctor.md).');
  }
  for (const f of r.findings) {
    const e = f.evidence;
    const counts = Object.entries(e.counts)
      .filter(([, v]) => v !== 0)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    const frames = e.frames > 0 ? `${plural(e.frames, 'frame')}${e.firstFrames.length > 0 ? ` (${e.firstFrames.join(', ')}${e.frames > e.firstFrames.length ? ', …' : ''})` : ''}` : '';
    lines.push('', `${LABEL[f.severity]} ${f.code}${subjectText(f) !== '' ? `  ${subjectText(f)}` : ''}`, `  ${f.diagnosis}`);
    if (frames !== '' || counts !== '') lines.push(`  evidence: ${[frames, counts].filter((x) => x !== '').join('; ')}`);
    for (const d of e.details) lines.push(`            ${d}`);
    lines.push(`  cause:    ${f.cause}`, `  fix:      ${f.fix}`, `  see:      ${f.reference}`);
  }
  const n = (sev: string) => r.findings.filter((f) => f.severity === sev).length;
  lines.push('', `-- ${plural(n('error'), 'error')}, ${plural(n('warning'), 'warning')}, ${n('info')} info${r.limits.untracked > 0 ? `; ${r.limits.untracked} items past the tracking caps` : ''}`);
  return lines;
}

/** The comment a finding leaves on each of its evidence frames. */
function findingComment(f: DoctorFinding): string {
  return `nvgre doctor: ${f.severity} ${f.code}: ${f.diagnosis} Fix: ${f.fix} (${f.reference})`;
}

/**
 * Reads `file` again and copies the frames the selection takes to `output` (pcapng), each evidence frame
 * with the findings it shows as packet comments (docs/doctor.md; Wireshark shows them as frame.comment).
 */
async function writeAnnotated(file: string, output: string, report: DoctorReport, parsed: Parameters<typeof selection>[0], viewOptions: { keyLayout: KeyLayout }, keepPartial: boolean): Promise<void> {
  const comments = new Map<number, string[]>();
  for (const f of report.findings) {
    for (const n of f.evidence.firstFrames) {
      const list = comments.get(n);
      if (list === undefined) comments.set(n, [findingComment(f)]);
      else list.push(findingComment(f));
    }
  }
  const selector = new Selector(selection(parsed, viewOptions), new FrameView(viewOptions));
  await withCaptureOutput(
    output,
    async (capture) => {
      let n = 0;
      await readRecords(
        file,
        (records) => {
          for (const r of records) {
            if (selector.done) break;
            n++;
            if (selector.take(n, r)) capture.add(r.data, r, r.originalLength, comments.get(n));
          }
        },
        new Progress('doctor --annotate'),
        { stop: () => selector.done, onInfo: (info) => capture.input(info) },
      );
    },
    { format: 'pcapng', keepPartial },
  );
}

export const doctor: Command = {
  name: 'doctor',
  summary: 'explain what is wrong in a capture: offload faults, key layouts, one-way tunnels, MTU, entropy (exit 1 on errors)',
  usage: USAGE,
  async run(argv) {
    const parsed = parse('doctor', argv, {
      ...READ_OPTIONS,
      ...FILTER_OPTIONS,
      policy: { type: 'string' },
      'captured-at': { type: 'string' },
      'key-layout': { type: 'string' },
      mtu: { type: 'string' },
      'max-flows': { type: 'string' },
      'max-pairs': { type: 'string' },
      json: { type: 'boolean' },
      annotate: { type: 'boolean' },
      examples: { type: 'string' },
      jobs: { type: 'string', short: 'j' },
      ...WRITE_OPTIONS,
    });
    const { values } = parsed;
    if (values.help) {
      console.log(USAGE);
      return EXIT.OK;
    }
    const { input: file } = inputAndOutput('doctor', parsed, false);
    const annotate = values.annotate === true;
    const output = typeof values.write === 'string' ? values.write : undefined;
    if (annotate !== (output !== undefined)) throw usageError('--annotate and -w FILE go together: the annotated capture is the only thing doctor writes; see "nvgre doctor --help".');
    if (annotate && file === '-') throw usageError('--annotate reads the capture twice (the findings are known only at its end): give a file, not standard input.');
    const format = formatOption(parsed) ?? 'pcapng';
    if (format === 'pcap') throw usageError('--annotate needs pcapng: classic pcap has no packet comments (drop --format pcap).');
    if (output !== undefined) checkOutputPath(output);
    const examples = intOption('examples', values.examples, 0, 100) ?? (annotate ? 100 : undefined);
    const keyLayout = stringOption(values['key-layout']) ?? 'rfc7637';
    if (keyLayout !== 'rfc7637' && keyLayout !== 'low24') throw usageError(`--key-layout must be rfc7637 or low24, got "${keyLayout}".`);
    const mtu = intOption('mtu', values.mtu, 68, 0xffffffff);
    const maxFlows = intOption('max-flows', values['max-flows'], 1, 100_000_000);
    const maxPairs = intOption('max-pairs', values['max-pairs'], 1, 10_000_000);
    const capturedAt = stringOption(values['captured-at']);
    const policyFile = stringOption(values.policy);
    const jobs = jobsOption(stringOption(values.jobs), false, file);
    const options: DoctorOptions = {
      keyLayout: keyLayout as KeyLayout,
      ...(mtu !== undefined ? { mtu } : {}),
      ...(maxFlows !== undefined ? { maxFlows } : {}),
      ...(maxPairs !== undefined ? { maxPairs } : {}),
      ...(examples !== undefined ? { examples } : {}),
      ...(capturedAt !== undefined ? { capturedAt } : {}),
    };
    const viewOptions = { keyLayout: keyLayout as KeyLayout };
    const job = workerJob();
    if (job !== undefined) {
      // A worker of --jobs: its span's part, for the coordinator to merge (docs/doctor.md §12). The
      // options and the selection were checked on the main thread before it started the workers.
      const part = createDoctor({ ...options, part: true });
      await readSelected(file, new Selector(selection(parsed, viewOptions), new FrameView(viewOptions)), 'doctor', (r, n) => part.add(r, n));
      job.state = part.part();
      return EXIT.OK;
    }
    let d: Doctor;
    try {
      d = createDoctor({ ...options, ...(policyFile !== undefined ? { policy: readPolicy(policyFile) } : {}) });
    } catch (e) {
      if (capturedAt !== undefined && e instanceof Error && /capturedAt/.test(e.message)) throw usageError(`--captured-at must be an IPv4 or IPv6 address, got "${capturedAt}".`);
      throw e;
    }
    const sel = selection(parsed, viewOptions);
    const selector = new Selector(sel, new FrameView(viewOptions));
    // --jobs: workers read parts, merged here in order; a part past a tracking cap is refused, and the
    // file is read again on this thread by a fresh doctor. A policy is checked in order by one doctor.
    const parallel: Parallel | undefined =
      policyFile === undefined && sel.count === undefined && sel.frames === undefined
        ? {
            jobs,
            command: 'doctor',
            argv,
            onState: (part) => d.merge(part as DoctorPart),
            onRefused: () => {
              process.stderr.write(`nvgre doctor: a tracking cap (--max-flows, --max-pairs) was reached in a part read by a worker, where which items are kept depends on the frames before it: reading ${file} again on one thread (docs/doctor.md §12).\n`);
              d = createDoctor(options);
            },
          }
        : undefined;
    await readSelected(file, selector, 'doctor', (r, n) => d.add(r, n), parallel);
    const report = d.report();
    if (output !== undefined) await writeAnnotated(file, output, report, parsed, viewOptions, values['keep-partial'] === true);
    const lines = values.json === true ? [JSON.stringify({ file, ...report }, null, 2)] : doctorText(file, report);
    if (output === '-') {
      // Standard output carries the capture: the report goes to standard error.
      process.stderr.write(lines.join('\n') + '\n');
    } else {
      const out = new Output();
      for (const l of lines) out.line(l);
      if (output !== undefined && values.json !== true) out.line(`wrote ${output} with the findings as packet comments on their evidence frames`);
      await out.flush();
    }
    return report.worst === 'error' ? EXIT.DATA : EXIT.OK;
  },
};
