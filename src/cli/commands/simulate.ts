import { createNve, writePcap, type ReceiveResult, type TransmitResult } from '../../index.js';
import { intOption, parse, positionals, stringOption } from '../args.js';
import type { Command } from '../command.js';
import { EXIT, usageError } from '../errors.js';
import { Output, Progress, readRecords } from '../io.js';
import { LinkFrames } from '../link.js';
import { policyError, readPolicy, writeFileAtomic } from './policy.js';

const USAGE = `Usage: nvgre simulate --policy policy.json --host NAME -r IN [-w OUT] [--receive] [--vsid N] [--json]

Runs a capture through the endpoint of one host of an HNV policy (docs/nve.md §5–§6) and prints each
decision with its trace: which customer route, lookup record and provider route it used, or why it
dropped the frame (NO_PROVIDER_ROUTE, POLICY_MISMATCH, …; docs/nve.md §7).

Without --receive, IN holds frames from the host's VMs and OUT gets what the host sends on the wire.
With --receive, IN holds frames from the wire and OUT gets what the host delivers to its VMs.

Options:
  --policy FILE    the policy (nvgre policy init / import)
  --host NAME      the host whose endpoint runs
  -r FILE          the capture to read (pcap or pcapng; - for standard input)
  -w FILE          write a pcap of the frames sent (or delivered, with --receive); - for standard output
  --receive        the frames come from the wire
  --vsid N         the port VSID of every VM frame (default: the VSID of the host's lookup record with
                   the frame's source MAC)
  --json           one JSON object per frame instead of text
  -h, --help       show this help

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
    const { values, positionals: pos } = parse('simulate', argv, {
      policy: { type: 'string' },
      host: { type: 'string' },
      read: { type: 'string', short: 'r' },
      write: { type: 'string', short: 'w' },
      receive: { type: 'boolean' },
      vsid: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (values.help) {
      console.log(USAGE);
      return EXIT.OK;
    }
    positionals('simulate', pos, []);
    const policyFile = stringOption(values.policy);
    const hostName = stringOption(values.host);
    const input = stringOption(values.read);
    if (policyFile === undefined || hostName === undefined || input === undefined) {
      throw usageError(`missing ${[policyFile === undefined ? '--policy FILE' : '', hostName === undefined ? '--host NAME' : '', input === undefined ? '-r FILE' : ''].filter(Boolean).join(', ')}; see "nvgre simulate --help".`);
    }
    const vsid = intOption('vsid', values.vsid, 0, 0xffffff);
    const output = stringOption(values.write);
    const receiving = values.receive === true;
    const policy = readPolicy(policyFile);
    let nve;
    try {
      nve = createNve(policy, hostName);
    } catch (e) {
      throw usageError(policyError(policyFile, e).message.replace(/\.$/, '; see "nvgre simulate --help".'));
    }
    const out = new Output();
    const written: Uint8Array[] = [];
    const counts = new Map<string, number>();
    const progress = new Progress('simulate');
    let n = 0;
    const links = new LinkFrames();
    await readRecords(
      input,
      async (records) => {
        for (const record of records) {
          n++;
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
            if (r.action === 'deliver') written.push(r.inner!.slice());
          } else {
            const port = vsid !== undefined ? { vsid } : nve.portFor(frame);
            if (port === null) {
              counts.set('skipped (no VM of this host has the source MAC; use --vsid)', (counts.get('skipped (no VM of this host has the source MAC; use --vsid)') ?? 0) + 1);
              out.line(values.json ? JSON.stringify({ frame: n, action: 'skipped', message: 'no VM of this host has the source MAC; give the port with --vsid' }) : `frame ${n}: skipped: no VM of host ${hostName} has its source MAC; give the port with --vsid`);
              continue;
            }
            r = nve.transmit(frame, port);
            for (const f of r.frames) written.push(f);
          }
          const key = r.reason !== undefined ? `${r.action} ${r.reason}` : r.action;
          counts.set(key, (counts.get(key) ?? 0) + 1);
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
    );
    await out.flush();
    if (output !== undefined) {
      const bytes = writePcap(written);
      if (output === '-') process.stdout.write(bytes);
      else writeFileAtomic(output, bytes);
    }
    const summary = [...counts].map(([k, c]) => `${k} ×${c}`).join(', ');
    console.error(`simulate: host ${hostName}, ${n} frame${n === 1 ? '' : 's'}${summary ? `: ${summary}` : ''}${output !== undefined && output !== '-' ? `; wrote ${output}: ${written.length} frame${written.length === 1 ? '' : 's'}` : ''}.`);
    return EXIT.OK;
  },
};
