import { FrameView, buildFrame, createEncapsulator, frameSummary, segment, type EncapsulateOptions, type FrameSpec } from '../../index.js';
import { parse, positionals, stringOption } from '../args.js';
import { CaptureOutput, checkOutputPath } from '../capture-output.js';
import type { Command } from '../command.js';
import { EXIT, usageError } from '../errors.js';
import { Output } from '../io.js';
import { formatOption } from '../select.js';

const USAGE = `Usage: nvgre demo [-w FILE] [--format pcap|pcapng]

Crafts a handful of NVGRE frames (outer IPv4 and IPv6, with and without an outer VLAN tag; inner
TCP, UDP/DNS, ICMP, ICMPv6 and ARP; mixed outer/inner IP versions; one large TCP send segmented by
LSOv2 emulation), writes them to nvgre-demo.pcap in the current directory, and prints the same
summary as "nvgre decode". Open the file in Wireshark or run "nvgre decode nvgre-demo.pcap --json".

Options:
  -w, --out FILE    write FILE instead of nvgre-demo.pcap ("-" = standard output, binary; the
                    summary then goes to stderr)
  --format F        pcap (default) or pcapng
  -h, --help        show this help`;

const GET = 'GET / HTTP/1.1\r\nHost: tenant1.example\r\n\r\n';

const MAC = { nveA: '00:15:5d:00:0a:01', nveB: '00:15:5d:00:0b:01', vm1: '52:54:00:00:01:01', vm2: '52:54:00:00:01:02' };

function inner(spec: FrameSpec): Uint8Array {
  return buildFrame({ ethernet: { src: MAC.vm1, dst: MAC.vm2 }, ...spec });
}

/** A DNS query for `name` (RFC 1035 §4.1), type A, recursion desired. */
function dnsQuery(id: number, name: string): Uint8Array {
  const labels = name.split('.').flatMap((l) => [l.length, ...Array.from(l, (c) => c.charCodeAt(0))]);
  return Uint8Array.from([id >>> 8, id & 0xff, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, ...labels, 0, 0, 1, 0, 1]);
}

/** ARP request (RFC 826) for 10.0.0.2 from 10.0.0.1. */
function arpRequest(): Uint8Array {
  return Uint8Array.from([0, 1, 0x08, 0x00, 6, 4, 0, 1, 0x52, 0x54, 0, 0, 1, 1, 10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 10, 0, 0, 2]);
}

/** The demo frames, in capture order. */
export function demoFrames(): Uint8Array[] {
  const v4: EncapsulateOptions = { vsid: 5001, srcMac: MAC.nveA, dstMac: MAC.nveB, srcIp: '192.0.2.10', dstIp: '198.51.100.20' };
  const tenant1 = createEncapsulator(v4);
  const tenant2 = createEncapsulator({ vsid: 6002, srcMac: MAC.nveA, dstMac: MAC.nveB, srcIp: '2001:db8:a::10', dstIp: '2001:db8:b::20', flowLabel: 0x12345 });
  const mixed6 = createEncapsulator({ vsid: 7003, srcMac: MAC.nveA, dstMac: MAC.nveB, srcIp: '2001:db8:a::10', dstIp: '2001:db8:b::20' });
  const mixed4 = createEncapsulator({ ...v4, vsid: 7003, vlan: { id: 100, pcp: 3 } });
  const ip4 = { src: '10.0.0.1', dst: '10.0.0.2' };
  const ip6 = { src: 'fd00:6002::1', dst: 'fd00:6002::2' };
  const frames: Uint8Array[] = [
    tenant1.encapsulate(inner({ ipv4: { ...ip4, id: 1 }, tcp: { srcPort: 49152, dstPort: 80, seq: 1000, flags: 0x02 } })),
    tenant1.encapsulate(inner({ ipv4: { ...ip4, id: 2 }, tcp: { srcPort: 49152, dstPort: 80, seq: 1001, ack: 5001, flags: 0x18 }, payload: GET })),
    tenant1.encapsulate(inner({ ipv4: { ...ip4, id: 3 }, udp: { srcPort: 53000, dstPort: 53 }, payload: dnsQuery(0x1a2b, 'example.com') })),
    tenant1.encapsulate(inner({ ipv4: { ...ip4, id: 4 }, icmp: { type: 8, identifier: 0x4242, sequence: 1 }, payload: 'ping over NVGRE' })),
    tenant1.encapsulate(buildFrame({ ethernet: { src: MAC.vm1, dst: 'ff:ff:ff:ff:ff:ff', etherType: 0x0806 }, payload: arpRequest() })),
    tenant2.encapsulate(inner({ ipv6: ip6, tcp: { srcPort: 50000, dstPort: 443, seq: 7, flags: 0x02 } })),
    tenant2.encapsulate(inner({ ipv6: ip6, icmp: { type: 128, identifier: 7, sequence: 1 }, payload: 'ping6' })),
    mixed6.encapsulate(inner({ ipv4: { ...ip4, id: 5 }, udp: { srcPort: 50001, dstPort: 50002 }, payload: 'IPv4 inside IPv6' })),
    mixed4.encapsulate(inner({ ipv6: ip6, udp: { srcPort: 50003, dstPort: 50004 }, payload: 'IPv6 inside IPv4, outer VLAN 100' })),
  ];
  // One large TCP send, as a host hands it to an LSOv2-capable NIC, cut into MSS-sized segments
  // (1500-byte underlay: MSS 1418 for IPv4 in IPv4, docs/nvgre.md §5).
  const body = new Uint8Array(4000);
  for (let i = 0; i < body.length; i++) body[i] = 0x41 + (i % 26);
  const large = tenant1.encapsulate(inner({ ipv4: { ...ip4, id: 0x7ffe }, tcp: { srcPort: 49152, dstPort: 80, seq: 1001 + GET.length, ack: 5001, flags: 0x18 }, payload: body }));
  frames.push(...segment(large, { mss: 1418 }));
  return frames;
}

export const demo: Command = {
  name: 'demo',
  summary: 'craft sample NVGRE frames into nvgre-demo.pcap and decode them',
  usage: USAGE,
  async run(argv) {
    const parsed = parse('demo', argv, { out: { type: 'string', short: 'w' }, write: { type: 'string' }, format: { type: 'string' } });
    const { values, positionals: pos } = parsed;
    if (values.help) {
      console.log(USAGE);
      return EXIT.OK;
    }
    positionals('demo', pos, []);
    if (values.out !== undefined && values.write !== undefined) throw usageError('give -w (--out) once; see "nvgre demo --help".');
    const file = stringOption(values.out) ?? stringOption(values.write) ?? 'nvgre-demo.pcap';
    const format = formatOption(parsed) ?? 'pcap';
    checkOutputPath(file);
    const frames = demoFrames();
    const capture = new CaptureOutput(file, { format });
    try {
      for (const f of frames) capture.add(f);
      capture.commit();
    } catch (e) {
      capture.abort();
      throw e;
    }
    const toStdout = file === '-';
    const lines: string[] = [];
    const view = new FrameView();
    frames.forEach((f, i) => lines.push(`${String(i + 1).padStart(6)}  ${frameSummary(view.load(f, { number: i + 1 }))}`));
    const where = toStdout ? 'standard output' : file;
    lines.push(`-- wrote ${where}: ${frames.length} NVGRE frames, ${capture.bytes} bytes (frames 10-12: one 4000-byte TCP send segmented at MSS 1418)`);
    if (!toStdout) lines.push(`   next: "nvgre decode ${file} --json", "nvgre lint ${file}", or open it in Wireshark`);
    if (toStdout) {
      process.stderr.write(lines.join('\n') + '\n');
      return EXIT.OK;
    }
    const out = new Output();
    for (const l of lines) out.line(l);
    await out.flush();
    return EXIT.OK;
  },
};
