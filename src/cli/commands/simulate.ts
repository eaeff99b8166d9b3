import { createNve, type ReceiveResult, type TransmitResult } from '../../index.js';
import { intOption, parse, stringOption } from '../args.js';
import { checkOutputPath, withCaptureOutput, type CaptureOutput } from '../capture-output.js';
import type { Command } from '../command.js';
import { EXIT, usageError } from '../errors.js';
import { Output, Progress, readRecords } from '../io.js';
import { LinkFrames } from '../link.js';
import { HELP, READ_OPTIONS, Selector, WRITE_OPTIONS, formatOption, inputAndOutput, selection } from '../select.js';
import { policyError, readPolicy } from './policy.js';

const USAGE = `Usage: nvgre simulate --policy policy.json --host NAME [options] -r IN [-w OUT]
       nvgre simulate --policy policy.json --host NAME [options] IN [OUT]

Runs a capture through the endpoint of one host of an HNV policy (docs/nve.md §5–§6) and prints each
decision with its trace: which customer route, lookup record and provider route it used, or why it
dropped the frame (NO_PROVIDER_ROUTE, POLICY_MISMATCH, …; docs/nve.md §7).

Without --receive, IN holds frames from the host's VMs and OUT gets what the host sends on the wire.
With --receive, IN holds frames from the wire and OUT gets what the host delivers to its VMs.
With -w - the capture goes to standard output and the per-frame decisions are not printed (the
summary still goes to standard error).

Options:
  --policy FILE     the policy (nvgre policy init / import)
  --host NAME       the host whose endpoint runs
${HELP.read}
${HELP.write}
${HELP.count}
${HELP.frames}
${HELP.format}
${HELP.keepPartial}
  --receive         the frames come from the wire
  --vsid N          the port VSID of every VM frame (default: the VSID of the host's lookup record
                    with the frame's source MAC)
  --json            one JSON object per frame instead of text
  -h, --help        show this help

Examples:
  nvgre simulate --policy policy.json --host host1 -r vm.pcap -w wire.pcap
  nvgre simulate --policy policy.json --host host2 --receive -r wire.pcap --json`;

type Result = TransmitResult | ReceiveResult;

function describeResult(r: Result): string {
  const parts: string[] = [r.action];
  if (r.vsid !== undefined) parts.push(`VSID ${r.vsid}`);
  if (r.vm !== undefined) parts.push(`VM ${r.vm}`);
  if ('frames' in r && r.frames.length > 0 && r.action !== 'pass') parts.push(`${r.frames.length} frame${r.frames.length === 1 ? '' : 's'} on the wire`);
  if (r.replies.length > 0) parts.push(`${r.replies.length} repl${r.replies.length === 1 ? 'y' : 'ies'}`);
  if (r.reason !== undefined) parts.push(`${r.reason}: ${r.message}`);
  return parts.join(', ');
}

export const simulate: Command = {
  name: 'simulate',
  summary: 'what a host of an HNV policy would do with each frame of a capture, and why',
  usage: USAGE,
  async run(argv) {
    const parsed = parse('simulate', argv, {
      ...READ_OPTIONS,
      ...WRITE_OPTIONS,
      policy: { type: 'string' },
      host: { type: 'string' },
      receive: { type: 'boolean' },
      vsid: { type: 'string' },
      json: { type: 'boolean' },
    });
    const { values } = parsed;
    if (values.help) {
      console.log(USAGE);
      return EXIT.OK;
    }
    const policyFile = stringOption(values.policy);
    const hostName = stringOption(values.host);
    const hasInput = values.read !== undefined || parsed.positionals.length > 0;
    if (policyFile === undefined || hostName === undefined || !hasInput) {
      throw usageError(`missing ${[policyFile === undefined ? '--policy FILE' : '', hostName === undefined ? '--host NAME' : '', !hasInput ? '-r FILE' : ''].filter(Boolean).join(', ')}; see "nvgre simulate --help".`);
    }
    // The output capture is optional: -w FILE, or a second positional.
    const writes = values.write !== undefined || parsed.positionals.length > (values.read !== undefined ? 0 : 1);
    const { input, output: outputPath } = inputAndOutput('simulate', parsed, writes);
    const output = writes ? outputPath : undefined;
    const format = formatOption(parsed);
    if (output === undefined && (format !== undefined || values['keep-partial'] !== undefined)) {
      throw usageError('--format and --keep-partial go with -w FILE; see "nvgre simulate --help".');
    }
    if (output === '-' && values.json === true) throw usageError('-w - writes the capture to standard output: --json has nowhere to go.');
    const selector = new Selector(selection(parsed));
    const vsid = intOption('vsid', values.vsid, 0, 0xffffff);
    const receiving = values.receive === true;
    const policy = readPolicy(policyFile);
    let nve;
    try {
      nve = createNve(policy, hostName);
    } catch (e) {
      throw usageError(policyError(policyFile, e).message.replace(/\.$/, '; see "nvgre simulate --help".'));
    }
    if (output !== undefined) checkOutputPath(output);
    // With -w -, standard output is the capture's: the per-frame decisions are not printed.
    const quiet = output === '-';
    const out = new Output();
    let written = 0;
    const counts = new Map<string, number>();
    const progress = new Progress('simulate');
    let n = 0;
    const links = new LinkFrames();
    const read = (capture: CaptureOutput | null) =>
      readRecords(
        input,
        async (records) => {
          for (const record of records) {
            if (selector.done) break;
            n++;
            if (!selector.take(n, record)) continue;
            let r: Result;
            // Any link type the library reads, as an Ethernet frame (docs/api.md "Link types").
            const frame = links.frame(record);
            if (frame === null) {
              const key = `skipped (${links.kind(record)})`;
              counts.set(key, (counts.get(key) ?? 0) + 1);
              continue;
            }
            if (receiving) {
              r = nve.receive(frame);
              if (r.action === 'deliver') {
                capture?.add(r.inner!, record, r.inner!.length);
                written++;
              }
            } else {
              const port = vsid !== undefined ? { vsid } : nve.portFor(frame);
              if (port === null) {
                counts.set('skipped (no VM of this host has the source MAC; use --vsid)', (counts.get('skipped (no VM of this host has the source MAC; use --vsid)') ?? 0) + 1);
                if (!quiet) out.line(values.json ? JSON.stringify({ frame: n, action: 'skipped', message: 'no VM of this host has the source MAC; give the port with --vsid' }) : `frame ${n}: skipped: no VM of host ${hostName} has its source MAC; give the port with --vsid`);
                continue;
              }
              r = nve.transmit(frame, port);
              for (const f of r.frames) {
                capture?.add(f, record, f.length);
                written++;
              }
            }
            const key = r.reason !== undefined ? `${r.action} ${r.reason}` : r.action;
            counts.set(key, (counts.get(key) ?? 0) + 1);
            if (quiet) continue;
            if (values.json) out.line(JSON.stringify({ frame: n, ...(r as unknown as { toJSON(): object }).toJSON() }));
            else {
              out.line(`frame ${n}: ${describeResult(r)}`);
              for (const s of r.trace) out.line(`    ${s.step}: ${s.detail}`);
            }
            await out.maybeFlush();
          }
          progress.frames = n;
        },
        progress,
        { stop: () => selector.done, ...(capture !== null ? { onInfo: (info) => capture.input(info) } : {}) },
      );
    if (output === undefined) await read(null);
    // What the endpoint sends or delivers is Ethernet whatever the input's link type.
    else await withCaptureOutput(output, async (capture) => read(capture), { format, keepPartial: values['keep-partial'] === true, linkType: 1 });
    await out.flush();
    const summary = [...counts].map(([k, c]) => `${k} ×${c}`).join(', ');
    const where = output === '-' ? 'standard output' : output;
    console.error(
      `simulate: host ${hostName}, ${n} frame${n === 1 ? '' : 's'}${selector.active ? ` (${selector.selected} selected)` : ''}${summary ? `: ${summary}` : ''}${output !== undefined ? `; wrote ${where}: ${written} frame${written === 1 ? '' : 's'}` : ''}.`,
    );
    return EXIT.OK;
  },
};
