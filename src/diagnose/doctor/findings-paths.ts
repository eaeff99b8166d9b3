/**
 * Findings about the capture and the paths (docs/doctor.md §2, §6–§8, §10): frames that could not be
 * read, MTU and fragmentation, FlowID entropy, the conformance summary, ordinary GRE, and the caps.
 */
import { IPV4 } from '../../wire/ipv4.js';
import { IPV6 } from '../../wire/ipv6.js';
import { GRE } from '../../wire/gre.js';
import { ETH } from '../../wire/ethernet.js';
import { Tally } from './bounded.js';
import type { Observer } from './state.js';
import { bitsetCount, makeFinding, plural, popcount } from './make.js';
import { DoctorCode, type DoctorFinding } from './types.js';

export interface PathContext {
  readonly o: Observer;
  readonly mtu: number;
  readonly minFlows: number;
  readonly examples: number;
  readonly maxFlows: number;
  readonly maxPairs: number;
  readonly policyOverflow: number;
  readonly keyLayout: 'rfc7637' | 'low24';
}

/** Outer IP + GRE + inner Ethernet: what NVGRE adds to an inner IP packet (42 over IPv4, 62 over IPv6). */
function overhead(v: 0 | 4 | 6): number {
  return (v === 6 ? IPV6.HEADER_LENGTH : IPV4.MIN_HEADER_LENGTH) + GRE.NVGRE_LENGTH + ETH.HEADER_LENGTH;
}

function capture(c: PathContext, out: DoctorFinding[]): void {
  for (const [reason, t] of c.o.unreadable) {
    out.push(
      makeFinding(DoctorCode.UNREADABLE_FRAMES, {
        subject: { kind: reason },
        diagnosis: `${plural(t.count, 'frame')} could not be read (${reason}), so nothing in them was checked: this capture is not known to be clean.`,
        tally: t,
        cause: reason.startsWith('link type')
          ? `The capture's interface has ${reason}, which this tool does not read (it reads Ethernet, Linux cooked SLL and SLL2, raw IP and NULL/LOOP).`
          : 'Records shorter than their own link-layer header: a damaged capture or a snaplen below the link header.',
        fix: 'Capture on an Ethernet interface, or with tcpdump -i any (Linux cooked), with a snaplen of at least 128 bytes (-s 0 keeps whole frames).',
        refs: 'docs/api.md "Link types"',
      }),
    );
  }
  if (c.o.snaplenCut.count > 0) {
    out.push(
      makeFinding(DoctorCode.SNAPLEN_CUT, {
        diagnosis: `${plural(c.o.snaplenCut.count, 'frame was', 'frames were')} cut by the capture's snaplen: their headers were read, but checksums over the missing bytes could not be judged.`,
        tally: c.o.snaplenCut,
        cause: 'The capture kept only the first bytes of each frame (tcpdump -s, dumpcap -s).',
        fix: 'Capture with -s 0 to keep whole frames when checksums matter.',
        refs: '',
      }),
    );
  }
}

function mtu(c: PathContext, out: DoctorFinding[]): void {
  for (const u of c.o.underlay.map.values()) {
    if (!((!u.v6 && u.type === 3 && u.code === 4) || (u.v6 && u.type === 2))) continue;
    const largest = Math.max(u.quotedLength, c.o.pairs.get(`${u.quotedSrc}>${u.quotedDst}`)?.maxOuter ?? 0);
    const oh = overhead(u.v6 ? 6 : 4);
    out.push(
      makeFinding(DoctorCode.UNDERLAY_FRAG_NEEDED, {
        subject: { sender: u.quotedSrc, receiver: u.quotedDst, reporter: u.reporter },
        diagnosis: `${u.reporter} says the path from ${u.quotedSrc} to ${u.quotedDst} carries only ${u.mtu || 'an unstated number of'} bytes (${u.v6 ? 'ICMPv6 "packet too big"' : 'ICMP "fragmentation needed"'}), but NVGRE packets of ${largest} bytes are sent with DF: they are dropped.`,
        tally: u.frames,
        counts: { pathMtu: u.mtu, largestPacket: largest },
        details: u.mtu > 0 ? [`Largest inner IP packet that fits: ${u.mtu - oh} bytes (path MTU ${u.mtu} − ${oh} bytes of NVGRE overhead).`] : [],
        cause: 'A link of the provider network has a smaller MTU than the NVGRE packets need (a path without jumbo frames).',
        fix: `Raise the MTU of every link between ${u.quotedSrc} and ${u.quotedDst} to at least ${largest} bytes, or lower the VMs' MTU${u.mtu > 0 ? ` to ${u.mtu - oh}` : ''}.`,
        refs: `RFC 7637 §4.4; ${u.v6 ? 'RFC 8201' : 'RFC 1191'}`,
      }),
    );
  }
  for (const [k, p] of c.o.pairs.map) {
    const [x, y] = k.split('>') as [string, string];
    if (p.fragments.count > 0) {
      const oh = overhead(p.outerVersion);
      out.push(
        makeFinding(DoctorCode.OUTER_FRAGMENTS, {
          subject: { sender: x, receiver: y },
          diagnosis: `${plural(p.fragments.count, 'outer IP fragment')} of NVGRE packets from ${x} to ${y}${p.fragmentedSize > 0 ? ` (up to ${p.fragmentedSize} bytes before fragmentation)` : ''}: RFC 7637 forbids fragmenting NVGRE, and receivers may drop the fragments.`,
          tally: p.fragments,
          counts: { fragments: p.fragments.count, largestPacket: p.fragmentedSize },
          details: p.fragmentedSize > 0 ? [`An underlay MTU of ${p.fragmentedSize} bytes carries them whole; or inner IP packets of at most ${c.mtu - oh} bytes fit ${c.mtu}.`] : [],
          cause: 'NVGRE packets larger than the underlay MTU, sent with DF clear (or fragmented by the sender itself).',
          fix: `Raise the underlay MTU to at least ${p.fragmentedSize > 0 ? p.fragmentedSize : `the VM MTU + ${oh}`} bytes, or lower the VMs' MTU to ${c.mtu - oh}; set DF on the outer header.`,
          refs: 'RFC 7637 §4.4',
        }),
      );
    }
    if (p.overMtu.count > 0) {
      const oh = overhead(p.outerVersion);
      const need = p.maxOuter;
      out.push(
        makeFinding(DoctorCode.INNER_MTU_EXCEEDED, {
          subject: { sender: x, receiver: y },
          diagnosis: `${plural(p.overMtu.count, 'NVGRE packet')} from ${x} to ${y} ${p.overMtu.count === 1 ? 'is' : 'are'} larger than the ${c.mtu}-byte underlay MTU: inner IP packets of up to ${p.maxInner} bytes + ${oh} bytes of NVGRE overhead${p.maxInnerTags > 0 ? ` + ${4 * p.maxInnerTags} of inner tags` : ''} = ${need} bytes.`,
          tally: p.overMtu,
          counts: { packets: p.overMtu.count, largestInner: p.maxInner, largestOuter: need },
          details: [`An underlay IP MTU of at least ${need} bytes carries them (an Ethernet frame of ${need + ETH.HEADER_LENGTH}, + 4 per outer VLAN tag); or inner packets of at most ${c.mtu - oh} bytes fit ${c.mtu}.`],
          cause: `The VMs use a ${p.maxInner >= 1500 ? '1500-byte or larger' : 'large'} MTU and NVGRE adds ${oh} bytes, more than a ${c.mtu}-byte underlay carries: unless it has jumbo frames, these packets are dropped (DF set) or fragmented.`,
          fix: `Give the provider network an MTU of at least ${need} bytes (jumbo frames on every PA link), or set the VMs' MTU to ${c.mtu - oh}; if the underlay already carries them, pass --mtu with its MTU.`,
          refs: 'RFC 7637 §4.4; docs/nvgre.md §5',
        }),
      );
    }
    if (p.superframes.count > 0) {
      out.push(
        makeFinding(DoctorCode.GSO_SUPERFRAMES, {
          subject: { sender: x, receiver: y },
          diagnosis: `${plural(p.superframes.count, 'inner TCP packet')} from ${x} to ${y} of up to ${p.maxSuperframe} bytes look like GSO/TSO superframes captured on the sending host before the NIC segmented them: normal, they are not on the wire at that size.`,
          tally: p.superframes,
          counts: { packets: p.superframes.count, largest: p.maxSuperframe },
          cause: 'Large send offload (LSO/TSO/GSO): the stack hands the NIC one large segment and the NIC cuts it to the MSS after the capture point.',
          fix: 'Nothing; capture on the wire to see the segments.',
          refs: 'docs/offload.md §10',
        }),
      );
    }
  }
  for (const [address, s] of c.o.senders.map) {
    if (s.dfClear.count === 0) continue;
    out.push(
      makeFinding(DoctorCode.OUTER_DF_CLEAR, {
        subject: { sender: address },
        diagnosis: `${address} sends ${plural(s.dfClear.count, 'NVGRE packet')} over IPv4 with DF clear, so an underlay router may fragment them, which RFC 7637 forbids.`,
        tally: s.dfClear,
        counts: { packets: s.dfClear.count },
        cause: 'The encapsulator does not set DF on the outer IPv4 header.',
        fix: `Set DF on ${address}'s outer headers (this library does by default), and make the underlay MTU fit the NVGRE packets.`,
        refs: 'RFC 7637 §4.4',
      }),
    );
  }
}

function entropy(c: PathContext, out: DoctorFinding[]): void {
  if (c.keyLayout === 'low24') return; // the low24 layout has no FlowID
  for (const [k, p] of c.o.pairs.map) {
    if (p.flows < c.minFlows) continue;
    const ids = bitsetCount(p.flowIds);
    if (ids.count !== 1) continue;
    const [x, y] = k.split('>') as [string, string];
    const paths = [popcount(p.ecmpOuterKey), popcount(p.ecmpInner)];
    const queues = [popcount(p.rssOuter), popcount(p.rssInner)];
    out.push(
      makeFinding(DoctorCode.FLOWID_CONSTANT, {
        subject: { sender: x, receiver: y },
        diagnosis: `All ${p.flows} inner flows from ${x} to ${y} carry FlowID ${ids.first}: an ECMP fabric that hashes the outer header and the key puts them on ${paths[0] === 1 ? 'one path' : `${paths[0]} paths`} of 8, and a NIC that hashes only the outer header on ${queues[0] === 1 ? 'one RSS queue' : `${queues[0]} RSS queues`} of 8.`,
        tally: p.frames,
        counts: { flows: p.flows, flowIds: ids.count, flowId: ids.first, ecmpPathsOuterKey: paths[0]!, ecmpPathsInner: paths[1]!, rssQueuesOuter: queues[0]!, rssQueuesInner: queues[1]! },
        details: [
          `nvgre ecmp: ${paths[0]} of 8 paths hashing outer addresses + key, ${paths[1]} of 8 hashing the inner flow.`,
          `nvgre rss --compare-outer: ${queues[0]} of 8 queues on an outer-only NIC, ${queues[1]} of 8 with NVGRE-aware RSS (inner 4-tuple).`,
        ],
        cause: `The encapsulating host at ${x} does not generate a FlowID (RFC 7637 allows 0), so every flow between the two hosts has the same outer header and key.`,
        fix: `Generate a per-flow FlowID at ${x}'s encapsulator (this library: flowId 'hash' or 'toeplitz'), or have the fabric hash the inner headers and enable NVGRE-aware RSS/VMQ on the receiving NIC.`,
        refs: 'RFC 7637 §3.2, §4.1; docs/nvgre.md §6; docs/rss.md §8, §11',
      }),
    );
  }
}

const CONFORMANCE_WORDS: Readonly<Record<string, string>> = {
  RESERVED_VSID: 'carry a reserved VSID (0–0xFFF), which RFC 7637 receivers drop',
  VENDOR_VSID: 'carry VSID 0xFFFFFF, reserved for vendor-specific use',
  INNER_VLAN: 'carry an 802.1Q/802.1ad tag on the inner frame, which RFC 7637 receivers drop',
  INNER_PRIORITY_TAG: 'carry an inner 802.1Q priority tag (draft-era senders), which RFC 7637 receivers drop',
  GRE_CHECKSUM_PRESENT: 'have the GRE C bit set, which NVGRE forbids',
  GRE_CHECKSUM_BAD: 'have a GRE checksum that does not verify',
  GRE_SEQUENCE_PRESENT: 'have the GRE S bit set, which NVGRE forbids',
  GRE_RESERVED_BITS: 'have GRE Reserved0 bits 1, 4 or 5 set, which receivers must discard',
  GRE_RESERVED_IGNORED_BITS: 'have non-zero GRE Reserved0 bits 6–12 (ignored by receivers, but senders must send 0)',
  GRE_VERSION: 'claim NVGRE (protocol 0x6558) with a GRE version other than 0',
  NO_KEY: 'are Ethernet over GRE without a key (plain gretap): no VSID',
  RESERVED_KEY_BITS: 'have a key whose high byte is set, which the low24 layout reserves',
  NESTED_NVGRE: 'carry NVGRE inside NVGRE',
  NESTING_LIMIT: 'nest NVGRE deeper than decoders follow',
  TTL_ZERO: 'have an outer TTL of 0',
  TTL_ONE: 'have an outer TTL of 1 (they die at the first router)',
  TRUNCATED: 'are malformed: a header runs past the end of the packet',
  BAD_LENGTH: 'have an IP length field that contradicts the header',
  BAD_IP_HEADER: 'have a malformed IP header',
  IPV6_UDP_ZERO_CHECKSUM: 'carry inner UDP over IPv6 with checksum 0, which is invalid there',
  INNER_FRAGMENT: 'carry inner IP fragments (their transport checksums are judged only after reassembly)',
};

/** "carry a ..." → "carries a ..." for one frame. */
function singular(phrase: string, n: number): string {
  if (n !== 1) return phrase;
  const [verb, ...rest] = phrase.split(' ');
  const one: Readonly<Record<string, string>> = { carry: 'carries', have: 'has', are: 'is', claim: 'claims', nest: 'nests', break: 'breaks' };
  return [one[verb!] ?? verb, ...rest].join(' ');
}

function conformance(c: PathContext, out: DoctorFinding[]): void {
  for (const [code, { tally, severity }] of c.o.conformance) {
    out.push(
      makeFinding(DoctorCode.CONFORMANCE, {
        subject: { lintCode: code },
        severity,
        diagnosis: `${plural(tally.count, 'frame')} of Ethernet over GRE (protocol 0x6558) ${singular(CONFORMANCE_WORDS[code] ?? `break the rule of lint code ${code}`, tally.count)} (lint ${code}).`,
        tally,
        cause: code === 'RESERVED_VSID' ? 'A sender using reserved VSIDs, or one writing the draft-era key layout (see the key-layout findings, if any).' : 'The encapsulating host or a device on the path builds frames that break RFC 7637 (or the GRE and IP rules it inherits).',
        fix: `Run nvgre lint --frames ${tally.first.join(',')} on the capture for the byte offset and rule of each, and fix the encapsulator.`,
        refs: 'RFC 7637 §3, §4; docs/api.md "Lint"',
      }),
    );
  }
  for (const [kind, t] of c.o.otherGre.map) {
    out.push(
      makeFinding(DoctorCode.OTHER_GRE, {
        subject: { kind },
        diagnosis: `${plural(t.count, 'frame')} of ${kind}, not NVGRE: not judged as NVGRE.`,
        tally: t,
        cause: 'Other GRE tunnels share the capture (only GRE with protocol 0x6558 is NVGRE).',
        fix: 'Nothing for NVGRE; nvgre lint --all-gre judges every GRE packet as NVGRE if that is what was meant.',
        refs: 'RFC 7637 §3.2; RFC 2784',
      }),
    );
  }
}

function limits(c: PathContext, out: DoctorFinding[]): void {
  const o = c.o;
  const untracked = o.untracked + c.policyOverflow;
  if (untracked === 0) return;
  const parts: string[] = [];
  if (o.flows.overflow > 0) parts.push(`${o.flows.overflow} frames of inner flows beyond the first ${c.maxFlows}`);
  if (o.pairs.overflow + o.senders.overflow > 0) parts.push(`${o.pairs.overflow + o.senders.overflow} frames of provider addresses or pairs beyond the first ${c.maxPairs}`);
  if (o.dnsPending.overflow > 0) parts.push(`${o.dnsPending.overflow} DNS queries beyond ${c.maxPairs} in flight`);
  if (o.vsids.overflow + o.underlay.overflow + c.policyOverflow > 0) parts.push(`${o.vsids.overflow + o.underlay.overflow + c.policyOverflow} other items beyond ${c.maxPairs}`);
  out.push(
    makeFinding(DoctorCode.TRACKING_LIMIT, {
      diagnosis: `The capture has more than the doctor tracks at once (${parts.join('; ')}): findings about what was not tracked may be missing or undercounted.`,
      tally: new Tally(),
      counts: { untracked, maxFlows: c.maxFlows, maxPairs: c.maxPairs },
      cause: 'Memory is bounded by the caps on tracked flows and hosts, not by the capture size.',
      fix: 'Raise the caps (--max-flows, --max-pairs), or split the capture (editcap -c, or nvgre -Y filters) and run the doctor on each part.',
      refs: '',
    }),
  );
}

/** The path and capture findings. */
export function pathFindings(c: PathContext): { capture: DoctorFinding[]; paths: DoctorFinding[]; conformance: DoctorFinding[]; limits: DoctorFinding[] } {
  const cap: DoctorFinding[] = [];
  const paths: DoctorFinding[] = [];
  const conf: DoctorFinding[] = [];
  const lim: DoctorFinding[] = [];
  capture(c, cap);
  mtu(c, paths);
  entropy(c, paths);
  conformance(c, conf);
  limits(c, lim);
  return { capture: cap, paths, conformance: conf, limits: lim };
}
