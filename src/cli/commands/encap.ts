import { NvgreError, createEncapsulator, type EncapsulateOptions, type Encapsulator, type KeyLayout } from '../../index.js';
import { intOption, parse, stringOption } from '../args.js';
import { checkOutputPath, withCaptureOutput } from '../capture-output.js';
import type { Command } from '../command.js';
import { EXIT, bareMessage, frameError, usageError } from '../errors.js';
import { Progress, readRecords } from '../io.js';
import { LinkFrames } from '../link.js';
import { HELP, READ_OPTIONS, Selector, WRITE_OPTIONS, formatOption, inputAndOutput, selection } from '../select.js';

const USAGE = `Usage: nvgre encap --vsid N --src-ip A --dst-ip B [options] <in> <out>
       nvgre encap --vsid N --src-ip A --dst-ip B [options] -r <in> -w <out>

Encapsulates every Ethernet frame of <in> (pcap or pcapng) in NVGRE and writes <out>.
The outer IP version follows --src-ip/--dst-ip. Inner 802.1Q tags are stripped (RFC 7637 §3.3).
Timestamps are kept. <out> appears only when every frame was encapsulated.

Options:
${HELP.read}
${HELP.write}
${HELP.count}
${HELP.frames}
${HELP.format}
${HELP.keepPartial}
  --vsid N          24-bit Virtual Subnet ID (decimal or 0x hex); 0-0xFFF and 0xFFFFFF are reserved
  --src-ip A        provider address of the encapsulating NVE (IPv4 or IPv6)
  --dst-ip B        provider address of the destination NVE (same IP version)
  --src-mac M       outer source MAC (default 02:00:00:00:00:01)
  --dst-mac M       outer destination MAC, the next hop (default 02:00:00:00:00:02)
  --flow-id F       FlowID: a number 0-255, "hash" (default: per-flow hash) or "zero"
  --key-layout L    write the key as rfc7637 (default: VSID << 8 | FlowID) or low24 (draft-00,
                    docs/nvgre.md §7: VSID in the low 24 bits, no FlowID; --flow-id defaults to zero)
  --vlan N          outer 802.1Q VLAN ID
  --ttl N           outer TTL / Hop Limit (default 64)
  --allow-reserved  allow a reserved VSID
  -h, --help        show this help

Example:
  nvgre encap --vsid 5001 --src-ip 192.0.2.1 --dst-ip 192.0.2.2 vm.pcap nvgre.pcap`;

export const encap: Command = {
  name: 'encap',
  summary: 'encapsulate every frame of a capture in NVGRE',
  usage: USAGE,
  async run(argv) {
    const parsed = parse('encap', argv, {
      ...READ_OPTIONS,
      ...WRITE_OPTIONS,
      vsid: { type: 'string' },
      'src-ip': { type: 'string' },
      'dst-ip': { type: 'string' },
      'src-mac': { type: 'string' },
      'dst-mac': { type: 'string' },
      'flow-id': { type: 'string' },
      'key-layout': { type: 'string' },
      vlan: { type: 'string' },
      ttl: { type: 'string' },
      'allow-reserved': { type: 'boolean' },
    });
    const { values } = parsed;
    if (values.help) {
      console.log(USAGE);
      return EXIT.OK;
    }
    const { input, output } = inputAndOutput('encap', parsed, true);
    const format = formatOption(parsed);
    const selector = new Selector(selection(parsed));
    for (const required of ['vsid', 'src-ip', 'dst-ip']) {
      if (values[required] === undefined) throw usageError(`--${required} is required; see "nvgre encap --help".`);
    }
    const vsid = intOption('vsid', values.vsid, 0, 0xffffff)!;
    const keyLayout = stringOption(values['key-layout']) ?? 'rfc7637';
    if (keyLayout !== 'rfc7637' && keyLayout !== 'low24') throw usageError(`--key-layout must be rfc7637 or low24, got "${keyLayout}".`);
    const low24 = keyLayout === 'low24';
    const flowText = stringOption(values['flow-id']) ?? (low24 ? 'zero' : 'hash');
    const flowId = flowText === 'hash' || flowText === 'zero' ? flowText : intOption('flow-id', flowText, 0, 255)!;
    if (low24 && flowId !== 'zero' && flowId !== 0) {
      throw usageError(`--key-layout low24 has no FlowID (the key's high byte is zero): --flow-id must be 0 or zero, got "${flowText}"; see "nvgre encap --help".`);
    }
    const vlan = intOption('vlan', values.vlan, 0, 4095);
    const ttl = intOption('ttl', values.ttl, 0, 255);
    const options: EncapsulateOptions = {
      vsid,
      flowId,
      srcIp: stringOption(values['src-ip'])!,
      dstIp: stringOption(values['dst-ip'])!,
      srcMac: stringOption(values['src-mac']) ?? '02:00:00:00:00:01',
      dstMac: stringOption(values['dst-mac']) ?? '02:00:00:00:00:02',
      ...(vlan !== undefined ? { vlan: { id: vlan } } : {}),
      ...(ttl !== undefined ? { ttl } : {}),
      allowReservedVsid: values['allow-reserved'] === true,
      keyLayout: keyLayout as KeyLayout,
    };
    let encapsulator: Encapsulator;
    try {
      encapsulator = createEncapsulator(options);
    } catch (e) {
      if (e instanceof NvgreError) {
        const flag: Record<string, string> = { srcIp: '--src-ip', dstIp: '--dst-ip', srcMac: '--src-mac', dstMac: '--dst-mac', 'vlan.id': '--vlan' };
        const text = bareMessage(e)
          .replace(/\b(srcIp|dstIp|srcMac|dstMac|vlan\.id)\b/g, (m) => flag[m] ?? m)
          .replace('pass allowReservedVsid: true', 'pass --allow-reserved');
        throw usageError(`${text}.`);
      }
      throw e;
    }
    checkOutputPath(output);
    const progress = new Progress('encap');
    const links = new LinkFrames();
    const written = await withCaptureOutput(output, async (out) => {
      let n = 0;
      await readRecords(
        input,
        (records) => {
          for (const r of records) {
            if (selector.done) break;
            n++;
            if (!selector.take(n, r)) continue;
            // A VM frame of any link type the library reads (raw IP gets a synthetic Ethernet header, zero MACs).
            const inner = links.frame(r);
            if (inner === null) throw frameError(input, n, r.fileOffset, new Error(`not encapsulated: ${links.why(r)}`));
            let frame: Uint8Array;
            try {
              frame = encapsulator.encapsulate(inner);
            } catch (e) {
              throw frameError(input, n, r.fileOffset, e);
            }
            out.add(frame, r, r.originalLength + (frame.length - r.data.length));
          }
          progress.frames = n;
        },
        progress,
        { stop: () => selector.done, onInfo: (info) => out.input(info) },
      );
      return out.frames;
      // NVGRE frames are Ethernet whatever the input's link type.
    }, { format, keepPartial: values['keep-partial'] === true, linkType: 1 });
    console.error(`encap: wrote ${output === '-' ? 'standard output' : output}: ${written} NVGRE frame${written === 1 ? '' : 's'} (VSID ${vsid}).`);
    return EXIT.OK;
  },
};
