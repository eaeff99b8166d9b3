/**
 * The doctor on every capture of the corpus (test/corpus/README.md): each finding it reports is listed
 * here with the reason it is right, and a capture with nothing NVGRE-specific wrong gets only the info
 * that says what else it holds. Also: the same scenario written as Ethernet, Linux cooked (SLL, SLL2)
 * and raw IP gives the same findings; and memory stays within the caps.
 */
import { describe, expect, it } from 'vitest';
import { createDoctor, diagnose, diagnoseStream, readCapture, writePcap, writePcapng, type DoctorReport } from '../../src/index.js';
import { corpusCaptures } from '../helpers/corpus.js';
import { CA, PA, dns, leaveSeed, nvgre, ping, tcp, timed } from '../scenarios/doctor-frames.js';
import { LINK_TYPES, asLinkType } from './link-records.js';

const brief = (r: DoctorReport) => r.findings.map((f) => `${f.severity} ${f.code} ${JSON.stringify(f.subject)} ${JSON.stringify(f.evidence.firstFrames)}`);

/** Every corpus capture's findings, each with why it is expected. */
const EXPECTED: Readonly<Record<string, readonly string[]>> = {
  // Plain, nested and C/K/S GRE carrying IPv4 or IPv6, ERSPAN, PPTP, keepalives: none of it is NVGRE.
  'packetnet/gre_all_options.pcap': ['info OTHER_GRE {"kind":"IPv4-in-GRE"} [1,2,3,4,5]'],
  'packetnet/gre_custom_protocol.pcap': ['info OTHER_GRE {"kind":"ERSPAN type I/II"} [1]'],
  'packetnet/gre_ipv6.pcap': ['info OTHER_GRE {"kind":"IPv6-in-GRE"} [1]'],
  'ryu/gre_full_options.pcap': ['info OTHER_GRE {"kind":"IPv4-in-GRE"} [1]'],
  'ryu/gre_no_option.pcap': ['info OTHER_GRE {"kind":"IPv4-in-GRE"} [1]'],
  'tcpdump/erspan-type-ii-1.pcap': ['info OTHER_GRE {"kind":"ERSPAN type I/II"} [1]'],
  'tcpdump/pptp.pcap': ['info OTHER_GRE {"kind":"PPTP (enhanced GRE, version 1)"} [16]'],
  'tcpdump/various_gre.pcap': [
    'info OTHER_GRE {"kind":"GRE protocol 0x8909"} [11,16,25,26,27]',
    'info OTHER_GRE {"kind":"GRE keepalives (protocol 0)"} [12,17,42,47,65]',
    'info OTHER_GRE {"kind":"CDP-in-GRE"} [49,63]',
  ],
  'zeek/gre-sample.pcap': ['info OTHER_GRE {"kind":"IPv4-in-GRE"} [1,2,3,4,5]'],
  'zeek/gre-within-gre.pcap': ['info OTHER_GRE {"kind":"IPv4-in-GRE"} [1,2,3,4,5]'],
  // Snaplen 48 cut both records; frame 2's GRE (protocol 0x3030) is not NVGRE.
  'tcpdump/gre-heapoverflow-2.pcap': ['info SNAPLEN_CUT {} [1,2]', 'info OTHER_GRE {"kind":"GRE protocol 0x3030"} [2]'],
  // Synthetic NVGRE with every checksum 0x0000 (TCP 0 is no seed: wrong), and DF clear.
  'packetnet/gre_nvgre.pcap': [
    'error TX_CHECKSUM_FAULT {"sender":"100.0.17.1","protocol":"tcp"} [1]',
    'error TX_CHECKSUM_FAULT {"sender":"100.0.17.1","protocol":"ipv4"} [1]',
    'error TX_CHECKSUM_FAULT {"sender":"100.0.17.1","protocol":"outer-ipv4"} [1]',
    'warning OUTER_DF_CLEAR {"sender":"100.0.17.1"} [1]',
  ],
  // Key 0x00000064: VSID 0 (reserved), and an inner 802.1Q tag; low24 reads VSID 100, also reserved.
  'ryu/gre_nvgre_option.pcap': ['error CONFORMANCE {"lintCode":"RESERVED_VSID"} [1]', 'error CONFORMANCE {"lintCode":"INNER_VLAN"} [1]'],
  // Frame 7: key 0x0000FDE8 is reserved VSID 0xFD in RFC 7637 but VSID 65000 in the draft's layout; DF clear.
  'pcapplusplus/GrePackets.pcap': [
    'error CONFORMANCE {"lintCode":"RESERVED_VSID"} [7]',
    'warning DRAFT_KEY_LAYOUT {"sender":"1.2.3.4","vsid":65000} [7]',
    'warning OUTER_DF_CLEAR {"sender":"1.2.3.4"} [7]',
    'info OTHER_GRE {"kind":"PPTP (enhanced GRE, version 1)"} [1,2]',
    'info OTHER_GRE {"kind":"IPv4-in-GRE"} [3,4,5]',
  ],
  // GRE protocol 0x6558 claims NVGRE, but a Linux gretap has no key: no VSID.
  'suricata-verify/bug-2576-01/temp6.pcap': ['error CONFORMANCE {"lintCode":"NO_KEY"} [1,2,3,4,5]'],
};

describe('doctor on the corpus captures', () => {
  const captures = corpusCaptures();

  it('covers every capture of the corpus', () => {
    expect(captures.map((c) => c.name).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const c of captures) {
    it(`${c.name}: ${EXPECTED[c.name]?.length ?? 0} finding(s), each explained`, async () => {
      const r = diagnose(readCapture(c.bytes).records);
      expect(brief(r)).toEqual(EXPECTED[c.name]);
      // Streaming gives the same report.
      const chunks = [c.bytes.subarray(0, 37), c.bytes.subarray(37)];
      expect(brief(await diagnoseStream(chunks))).toEqual(EXPECTED[c.name]);
    });
  }
});

describe('doctor: every link type gives the same findings', () => {
  /** The offload story plus a one-way tunnel: findings of several sections. */
  const frames = [
    nvgre(PA.H1, PA.H2, tcp(CA.A, CA.B, 40000, 80, 0x02)),
    nvgre(PA.H2, PA.H1, tcp(CA.B, CA.A, 80, 40000, 0x12)),
    nvgre(PA.H1, PA.H2, ping(CA.A, CA.B, 8, 1)),
    nvgre(PA.H2, PA.H1, ping(CA.B, CA.A, 0, 1)),
    leaveSeed(nvgre(PA.H1, PA.H2, dns(CA.A, CA.B, 7, false))),
    nvgre(PA.H1, PA.H3, ping(CA.A, CA.C, 8, 1)),
    nvgre(PA.H1, PA.H3, ping(CA.A, CA.C, 8, 2)),
  ];
  const ethernet = diagnose(timed(frames));

  it('the Ethernet capture has the findings of the story', () => {
    expect(ethernet.findings.map((f) => f.code)).toEqual(['TX_CHECKSUM_UDP_ONLY', 'ONE_WAY_TUNNEL']);
  });

  for (const t of ['LINUX_SLL', 'LINUX_SLL2', 'RAW', 'IPV4', 'NULL', 'LOOP'] as const) {
    it(`${t} (${LINK_TYPES[t]}), through pcap and pcapng`, () => {
      const data = frames.map((f) => asLinkType(f, t));
      for (const file of [writePcap(timed(data), { linkType: LINK_TYPES[t] }), writePcapng(timed(data), { interfaces: [{ linkType: LINK_TYPES[t] }] })]) {
        const r = diagnose(readCapture(file).records);
        expect(r.findings).toEqual(ethernet.findings);
        expect(r.summary).toEqual({ ...ethernet.summary, linkTypes: { [String(LINK_TYPES[t])]: frames.length } });
      }
    });
  }

  it('a link type nothing reads is never clean: UNREADABLE_FRAMES, an error', () => {
    const r = diagnose(readCapture(writePcap(timed(frames), { linkType: 127 })).records);
    expect(r.findings.map((f) => [f.severity, f.code, f.subject, f.evidence.frames])).toEqual([['error', 'UNREADABLE_FRAMES', { kind: 'link type 127' }, 7]]);
    expect(r.worst).toBe('error');
  });
});

describe('doctor: memory follows the caps, not the capture', () => {
  it('flows beyond maxFlows are counted as untracked and said so (TRACKING_LIMIT)', () => {
    const d = createDoctor({ maxFlows: 10, maxPairs: 4 });
    for (let i = 0; i < 2000; i++) d.add(nvgre(PA.H1, PA.H2, tcp(CA.A, CA.B, 10000 + i, 80, 0x18, 'x')));
    const r = d.report();
    expect(r.summary.flows).toBe(10);
    expect(r.limits).toEqual({ maxFlows: 10, maxPairs: 4, untracked: 1990 });
    expect(r.findings.map((f) => f.code)).toContain('TRACKING_LIMIT');
    expect(d.frames).toBe(2000);
  });

  it('a flow seen again is not new, one turned away is counted every time it comes back (the lookup index, state.ts)', () => {
    // 12 flows, each five times, interleaved: the first 10 are tracked, and each of the last 2 frames
    // of the other two is untracked each time it comes (an index that remembered refusals would count 2).
    const d = createDoctor({ maxFlows: 10, maxPairs: 4 });
    for (let round = 0; round < 5; round++) for (let i = 0; i < 12; i++) d.add(nvgre(PA.H1, PA.H2, tcp(CA.A, CA.B, 20000 + i, 80, 0x18, 'x')));
    const r = d.report();
    expect(r.summary.flows).toBe(10);
    expect(r.limits).toEqual({ maxFlows: 10, maxPairs: 4, untracked: 10 });
  });

  it('flows differ by every part of their key: VSID, protocol, each port, each address, each provider pair', () => {
    const d = createDoctor();
    const frames = [
      nvgre(PA.H1, PA.H2, tcp(CA.A, CA.B, 1000, 80, 0x18)),
      nvgre(PA.H1, PA.H2, tcp(CA.A, CA.B, 1000, 80, 0x18), { vsid: 5002 }),
      nvgre(PA.H1, PA.H2, { ipv4: { src: CA.A, dst: CA.B }, udp: { srcPort: 1000, dstPort: 80 }, payload: 'x' }),
      nvgre(PA.H1, PA.H2, tcp(CA.A, CA.B, 1001, 80, 0x18)),
      nvgre(PA.H1, PA.H2, tcp(CA.A, CA.B, 1000, 81, 0x18)),
      nvgre(PA.H1, PA.H2, tcp(CA.C, CA.B, 1000, 80, 0x18)),
      nvgre(PA.H1, PA.H2, tcp(CA.A, CA.C, 1000, 80, 0x18)),
      nvgre(PA.H1, PA.H3, tcp(CA.A, CA.B, 1000, 80, 0x18)),
      nvgre(PA.H3, PA.H2, tcp(CA.A, CA.B, 1000, 80, 0x18)),
      nvgre(PA.H1, PA.H2, ping(CA.A, CA.B, 8, 1)),
      nvgre(PA.H1, PA.H2, { ipv4: { src: CA.A, dst: CA.B, protocol: 99 }, payload: 'x' }),
    ];
    for (let round = 0; round < 3; round++) for (const f of frames) d.add(f);
    expect(d.report().summary.flows).toBe(frames.length);
  });

  it('a pair turned away is counted every time it comes back', () => {
    // One sender to five receivers, four frames each, interleaved: 3 pairs tracked, 2 × 4 frames not.
    const d = createDoctor({ maxPairs: 3 });
    for (let round = 0; round < 4; round++) for (let i = 1; i <= 5; i++) d.add(nvgre(PA.H1, `198.51.100.${i}`, ping(CA.A, CA.B, 8, round)));
    const r = d.report();
    expect(r.summary.pairs).toBe(3);
    expect(r.findings.find((f) => f.code === 'TRACKING_LIMIT')?.diagnosis).toMatch(/\b8 frames of provider addresses or pairs beyond the first 3/);
  });

  it('pairs beyond maxPairs are not tracked', () => {
    const d = createDoctor({ maxPairs: 3 });
    for (let i = 1; i <= 50; i++) d.add(nvgre(`198.51.100.${i}`, PA.H2, ping(CA.A, CA.B, 8, i)));
    const r = d.report();
    expect(r.summary.pairs).toBe(3);
    expect(r.summary.senders).toBe(3);
    expect(r.findings.find((f) => f.code === 'TRACKING_LIMIT')?.diagnosis).toMatch(/beyond the first 3/);
  });
});
