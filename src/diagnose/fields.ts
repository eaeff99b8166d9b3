/**
 * The field model: every named value of a decoded frame (`vsid`, `outer.ip.ttl`, `inner.tcp.flags.syn`,
 * `drop`, `lint`, …), one definition each. The display filter (`filter.ts`) reads fields by these names,
 * the field tree of `nvgre decode -V` (`tree.ts`) lists them under their layers, and the JSON output
 * carries them by name — so a field shown is a field a filter can test, with the same value.
 *
 * A field is absent when its layer is (no `inner.tcp.seq` in a UDP frame). Some fields hold several
 * values (`inner.port`: source and destination; `lint`: every finding's code; `outer.vlan`: every tag).
 */
import { formatIpv4, formatIpv6 } from '../wire/address.js';
import { u16, u32 } from '../wire/bytes.js';
import { ETH, EtherType } from '../wire/ethernet.js';
import { NvgreErrorCode } from '../wire/errors.js';
import { GRE } from '../wire/gre.js';
import { IPV4, IpProtocol } from '../wire/ipv4.js';
import { IPV6 } from '../wire/ipv6.js';
import type { IpLayout } from '../wire/layout.js';
import { TCP } from '../wire/tcp.js';
import { UDP } from '../wire/udp.js';
import type { LayerStatus } from '../offload/report.js';
import { LintCode, LINT_SEVERITY } from './lint.js';
import type { FrameView } from './frame-view.js';

/**
 * `number`: an unsigned integer; `boolean`; `ip`: an IPv4 or IPv6 address (4 or 16 bytes); `mac`: 6
 * bytes; `code`: a word from a fixed list (`codes`), such as an error code or a checksum status.
 */
export type FieldType = 'number' | 'boolean' | 'ip' | 'mac' | 'code';

export type FieldValue = number | boolean | string | Uint8Array;

/** What a field reads from a frame: one value, several, or undefined when absent. */
export type FieldGetter = (v: FrameView) => FieldValue | readonly FieldValue[] | undefined;

export interface FrameField {
  /** The filter name, e.g. `outer.ip.ttl`. */
  readonly name: string;
  readonly type: FieldType;
  /** One line for docs/filter.md and completion. */
  readonly description: string;
  /** Other names for the same field (`outer.ttl` for `outer.ip.ttl`). */
  readonly aliases: readonly string[];
  /** `code` fields: the words it can hold. */
  readonly codes?: readonly string[];
  /** Internal: reads the value. */
  readonly get: FieldGetter;
}

const CHECKSUM_STATUSES: readonly LayerStatus[] = ['ok', 'bad', 'partial', 'absent', 'not-applicable', 'unverifiable', 'skipped'];

// ---------------------------------------------------------------------------------------------
// Readers (every read is bounded by the captured bytes)

function fits(v: FrameView, o: number, n: number): boolean {
  return o >= 0 && o + n <= v.bytes.length;
}

function bytesAt(v: FrameView, o: number, n: number): Uint8Array | undefined {
  return fits(v, o, n) ? v.bytes.subarray(o, o + n) : undefined;
}

const outerEth = (v: FrameView) => v.layout.outerEthernetLength > 0;
const innerEth = (v: FrameView) => v.inner;

function outerIp(v: FrameView): IpLayout | undefined {
  const ip = v.layout.outerIp;
  return ip.version !== 0 ? ip : undefined;
}

function innerIp(v: FrameView): IpLayout | undefined {
  const ip = v.layout.innerIp;
  return v.inner && ip.version !== 0 ? ip : undefined;
}

/** The inner transport protocol when its header starts inside the captured bytes, else -1. */
function innerTransport(v: FrameView): number {
  const l = v.layout;
  if (!v.inner || l.transportIp !== l.innerIp || l.transportOffset < 0 || l.transportOffset >= v.bytes.length) return -1;
  return l.transportProtocol;
}

/**
 * The source (`dst` false) or destination address of `ip` as text, or `'?'` when it lies beyond the
 * captured bytes: the text of the `*.ip.src` / `*.ip.dst` field without making a view of the address
 * (the one-line summary shows four addresses a frame).
 */
export function addressText(v: FrameView, ip: IpLayout, dst: boolean): string {
  if (ip.version === 4) {
    const o = ip.offset + (dst ? IPV4.DST : IPV4.SRC);
    return fits(v, o, 4) ? formatIpv4(v.bytes, o) : '?';
  }
  const o = ip.offset + (dst ? IPV6.DST : IPV6.SRC);
  return fits(v, o, 16) ? formatIpv6(v.bytes, o) : '?';
}

/** Offset of a whole TCP header (20 bytes at least) of the inner frame, else -1. */
export function tcpAt(v: FrameView): number {
  const o = v.layout.transportOffset;
  return innerTransport(v) === IpProtocol.TCP && fits(v, o, TCP.MIN_HEADER_LENGTH) && v.layout.transportEnd - o >= TCP.MIN_HEADER_LENGTH ? o : -1;
}

function udpAt(v: FrameView): number {
  const o = v.layout.transportOffset;
  return innerTransport(v) === IpProtocol.UDP && fits(v, o, UDP.HEADER_LENGTH) && v.layout.transportEnd - o >= UDP.HEADER_LENGTH ? o : -1;
}

export function icmpAt(v: FrameView): number {
  const p = innerTransport(v);
  const o = v.layout.transportOffset;
  return (p === IpProtocol.ICMP || p === IpProtocol.ICMPV6) && fits(v, o, 4) && v.layout.transportEnd - o >= 4 ? o : -1;
}

/** Ports of an inner TCP or UDP header (4 bytes at least), else -1. */
export function portsAt(v: FrameView): number {
  const p = innerTransport(v);
  const o = v.layout.transportOffset;
  return (p === IpProtocol.TCP || p === IpProtocol.UDP) && fits(v, o, 4) && v.layout.transportEnd - o >= 4 ? o : -1;
}

/** Offset of an inner ARP packet for IPv4 over Ethernet (28 bytes), else -1. */
function arpAt(v: FrameView): number {
  if (!v.inner || v.layout.innerEtherType !== EtherType.ARP) return -1;
  const o = v.layout.innerEthernetOffset + v.layout.innerEthernetLength;
  return fits(v, o, 28) && o + 28 <= v.layout.innerEnd && v.bytes[o + 4] === 6 && v.bytes[o + 5] === 4 ? o : -1;
}

/** TCP/UDP payload bytes (what tshark calls Len), or undefined. */
export function payloadLength(v: FrameView): number | undefined {
  const t = tcpAt(v);
  if (t >= 0) {
    const n = v.layout.transportEnd - t - (v.bytes[t + TCP.DATA_OFFSET]! >>> 4) * 4;
    return n >= 0 ? n : undefined;
  }
  const u = udpAt(v);
  return u >= 0 ? v.layout.transportEnd - u - UDP.HEADER_LENGTH : undefined;
}

/** The VLAN tags (TCI words) of an Ethernet header at `start` with `count` tags. */
function tags(v: FrameView, start: number, count: number, read: (tci: number, tpid: number) => FieldValue): FieldValue[] | undefined {
  if (count === 0) return undefined;
  const out: FieldValue[] = [];
  for (let i = 0; i < count; i++) {
    const t = start + ETH.TYPE + i * ETH.TAG_LENGTH;
    out.push(read(u16(v.bytes, t + 2), u16(v.bytes, t)));
  }
  return out;
}

function ipFields(prefix: 'outer' | 'inner', ipOf: (v: FrameView) => IpLayout | undefined): FrameField[] {
  const v4 = (v: FrameView) => {
    const ip = ipOf(v);
    return ip?.version === 4 ? ip.offset : -1;
  };
  const v6 = (v: FrameView) => {
    const ip = ipOf(v);
    return ip?.version === 6 ? ip.offset : -1;
  };
  const p = `${prefix}.ip`;
  const where = prefix === 'outer' ? 'outer (delivery)' : 'inner';
  const src = (v: FrameView) => {
    const ip = ipOf(v);
    return ip === undefined ? undefined : ip.version === 4 ? bytesAt(v, ip.offset + IPV4.SRC, 4) : bytesAt(v, ip.offset + IPV6.SRC, 16);
  };
  const dst = (v: FrameView) => {
    const ip = ipOf(v);
    return ip === undefined ? undefined : ip.version === 4 ? bytesAt(v, ip.offset + IPV4.DST, 4) : bytesAt(v, ip.offset + IPV6.DST, 16);
  };
  const tc = (v: FrameView): number | undefined => {
    const ip = ipOf(v);
    if (ip === undefined) return undefined;
    return ip.version === 4 ? v.bytes[ip.offset + IPV4.TOS]! : (u16(v.bytes, ip.offset) >>> 4) & 0xff;
  };
  const ff = (v: FrameView): number | undefined => {
    const o = v4(v);
    return o >= 0 ? u16(v.bytes, o + IPV4.FLAGS_FRAGMENT) : undefined;
  };
  const short = prefix; // outer.ttl, inner.src, …
  return [
    field(`${p}.version`, 'number', `IP version of the ${where} header (4 or 6)`, (v) => ipOf(v)?.version),
    field(`${prefix}.ipv4`, 'boolean', `the ${where} header is IPv4`, (v) => (ipOf(v)?.version === 4 ? true : undefined)),
    field(`${prefix}.ipv6`, 'boolean', `the ${where} header is IPv6`, (v) => (ipOf(v)?.version === 6 ? true : undefined)),
    field(`${p}.hdr_len`, 'number', 'IP header length in bytes (IPv6: with extension headers)', (v) => ipOf(v)?.headerLength),
    field(`${p}.dscp`, 'number', 'DSCP (6 bits of the TOS / Traffic Class)', (v) => (tc(v) === undefined ? undefined : tc(v)! >>> 2), [`${short}.dscp`]),
    field(`${p}.ecn`, 'number', 'ECN (2 bits: 0 Not-ECT, 1 ECT(1), 2 ECT(0), 3 CE)', (v) => (tc(v) === undefined ? undefined : tc(v)! & 3), [`${short}.ecn`]),
    field(`${p}.len`, 'number', 'length of the IP datagram in bytes (IPv4 Total Length; IPv6 40 + Payload Length)', (v) => {
      const ip = ipOf(v);
      return ip === undefined ? undefined : ip.end - ip.offset;
    }),
    field(`${p}.id`, 'number', 'IPv4 Identification', (v) => (v4(v) >= 0 ? u16(v.bytes, v4(v) + IPV4.ID) : undefined)),
    field(`${p}.flags`, 'number', 'IPv4 flags (3 bits: reserved, DF, MF)', (v) => (ff(v) === undefined ? undefined : ff(v)! >>> 13)),
    field(`${p}.df`, 'boolean', "IPv4 Don't Fragment", (v) => (ff(v) === undefined ? undefined : (ff(v)! & IPV4.FLAG_DF) !== 0), [`${short}.df`]),
    field(`${p}.mf`, 'boolean', 'IPv4 More Fragments', (v) => (ff(v) === undefined ? undefined : (ff(v)! & IPV4.FLAG_MF) !== 0)),
    field(`${p}.frag_offset`, 'number', 'IPv4 fragment offset in bytes', (v) => (ff(v) === undefined ? undefined : (ff(v)! & IPV4.FRAGMENT_OFFSET_MASK) * 8)),
    field(`${p}.fragment`, 'boolean', 'the datagram is a fragment (IPv4 MF or offset, IPv6 Fragment header)', (v) => ipOf(v)?.fragment),
    field(`${p}.ttl`, 'number', 'IPv4 TTL or IPv6 Hop Limit', (v) => {
      const ip = ipOf(v);
      return ip === undefined ? undefined : v.bytes[ip.offset + (ip.version === 4 ? IPV4.TTL : IPV6.HOP_LIMIT)];
    }, [`${short}.ttl`]),
    field(`${p}.proto`, 'number', 'upper-layer protocol (after IPv6 extension headers): 6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6, 47 GRE', (v) => ipOf(v)?.protocol, [`${short}.proto`]),
    field(`${p}.checksum`, 'number', 'IPv4 header checksum as stored', (v) => (v4(v) >= 0 ? u16(v.bytes, v4(v) + IPV4.CHECKSUM) : undefined)),
    field(`${p}.flow_label`, 'number', 'IPv6 flow label (20 bits)', (v) => (v6(v) >= 0 ? u32(v.bytes, v6(v)) & 0xfffff : undefined), [`${short}.flow_label`]),
    field(`${p}.plen`, 'number', 'IPv6 Payload Length', (v) => (v6(v) >= 0 ? u16(v.bytes, v6(v) + IPV6.PAYLOAD_LENGTH) : undefined)),
    field(`${p}.src`, 'ip', `${where} source address`, src, [`${short}.src`]),
    field(`${p}.dst`, 'ip', `${where} destination address`, dst, [`${short}.dst`]),
    field(`${p}.addr`, 'ip', `${where} source or destination address`, (v) => {
      const s = src(v);
      const d = dst(v);
      return s === undefined || d === undefined ? undefined : [s, d];
    }, [`${short}.addr`]),
  ];
}

function ethFields(prefix: 'outer' | 'inner', present: (v: FrameView) => boolean, start: (v: FrameView) => number, count: (v: FrameView) => number, type: (v: FrameView) => number): FrameField[] {
  const where = prefix === 'outer' ? 'outer' : 'inner';
  const tagged = (read: (tci: number, tpid: number) => FieldValue) => (v: FrameView) => (present(v) ? tags(v, start(v), count(v), read) : undefined);
  return [
    field(`${prefix}.eth.dst`, 'mac', `${where} Ethernet destination MAC`, (v) => (present(v) ? bytesAt(v, start(v) + ETH.DST, 6) : undefined)),
    field(`${prefix}.eth.src`, 'mac', `${where} Ethernet source MAC`, (v) => (present(v) ? bytesAt(v, start(v) + ETH.SRC, 6) : undefined)),
    field(`${prefix}.eth.addr`, 'mac', `${where} Ethernet source or destination MAC`, (v) =>
      present(v) ? [bytesAt(v, start(v) + ETH.SRC, 6)!, bytesAt(v, start(v) + ETH.DST, 6)!] : undefined,
    ),
    field(`${prefix}.vlan`, 'number', `VLAN ID of each ${where} 802.1Q/802.1ad tag (absent when untagged)`, tagged((tci) => tci & 0x0fff), [`${prefix}.vlan.id`]),
    field(`${prefix}.vlan.pcp`, 'number', `priority (PCP) of each ${where} tag`, tagged((tci) => tci >>> 13)),
    field(`${prefix}.vlan.dei`, 'boolean', `drop eligible (DEI) bit of each ${where} tag`, tagged((tci) => (tci & 0x1000) !== 0)),
    field(`${prefix}.vlan.tpid`, 'number', `TPID of each ${where} tag (0x8100 802.1Q, 0x88a8 802.1ad)`, tagged((_tci, tpid) => tpid)),
    field(`${prefix}.eth.type`, 'number', `${where} EtherType after the tags (0x0800 IPv4, 0x86dd IPv6, 0x0806 ARP)`, (v) => (present(v) ? type(v) : undefined)),
  ];
}

function field(name: string, type: FieldType, description: string, get: FieldGetter, aliases: readonly string[] = [], codes?: readonly string[]): FrameField {
  return codes === undefined ? { name, type, description, aliases, get } : { name, type, description, aliases, codes, get };
}

const tcpFlag = (bit: number) => (v: FrameView) => (tcpAt(v) >= 0 ? (v.bytes[tcpAt(v) + TCP.FLAGS]! & bit) !== 0 : undefined);

const ERROR_CODES: readonly string[] = Object.values(NvgreErrorCode);
const LINT_CODES: readonly string[] = Object.values(LintCode);

/** Every field, in the order the field tree shows them. */
export const FRAME_FIELDS: readonly FrameField[] = [
  // Frame
  field('frame.number', 'number', 'frame number in the capture (1-based)', (v) => v.number),
  field('frame.len', 'number', 'frame length on the wire', (v) => v.originalLength),
  field('frame.cap_len', 'number', 'bytes captured', (v) => v.bytes.length),
  // Outer Ethernet and IP
  ...ethFields('outer', outerEth, () => 0, (v) => v.layout.outerVlanCount, (v) => v.layout.outerEtherType),
  ...ipFields('outer', outerIp),
  // NVGRE
  field('nvgre', 'boolean', 'the frame is NVGRE (decoded leniently: also when a strict receiver drops it)', (v) => v.nvgre),
  field('gre.flags', 'number', 'the GRE flags and version word', (v) => (v.nvgre ? v.greFlags : undefined)),
  field('gre.c', 'boolean', 'GRE Checksum Present bit (not allowed in NVGRE)', (v) => (v.nvgre && v.greFlags !== undefined ? (v.greFlags & GRE.FLAG_C) !== 0 : undefined)),
  field('gre.k', 'boolean', 'GRE Key Present bit (always set in NVGRE)', (v) => (v.nvgre && v.greFlags !== undefined ? (v.greFlags & GRE.FLAG_K) !== 0 : undefined)),
  field('gre.s', 'boolean', 'GRE Sequence Number Present bit (not allowed in NVGRE)', (v) => (v.nvgre && v.greFlags !== undefined ? (v.greFlags & GRE.FLAG_S) !== 0 : undefined)),
  field('gre.version', 'number', 'GRE version (0)', (v) => (v.nvgre && v.greFlags !== undefined ? v.greFlags & GRE.VERSION_MASK : undefined)),
  field('gre.proto', 'number', 'GRE protocol type (0x6558, Transparent Ethernet Bridging)', (v) => (v.nvgre && v.layout.greOffset >= 0 ? u16(v.bytes, v.layout.greOffset + GRE.PROTOCOL) : undefined)),
  field('key', 'number', 'the 32-bit GRE key', (v) => v.key, ['nvgre.key']),
  field('vsid', 'number', 'Virtual Subnet ID (24 bits)', (v) => v.vsid, ['nvgre.vsid']),
  field('flowid', 'number', 'FlowID (8 bits; 0 under the low24 key layout)', (v) => v.flowId, ['nvgre.flowid']),
  field('key_layout', 'code', 'how the key was read: rfc7637 (VSID << 8 | FlowID) or low24 (draft-00)', (v) => (v.nvgre ? v.keyLayout : undefined), ['nvgre.key_layout'], ['rfc7637', 'low24']),
  field('drop', 'code', 'why a strict RFC 7637 receiver drops the frame (an error code); absent when it accepts it', (v) => v.drop ?? undefined, ['nvgre.violation'], ERROR_CODES),
  // Inner Ethernet, IP, transport
  ...ethFields('inner', innerEth, (v) => v.layout.innerEthernetOffset, (v) => v.layout.innerVlanCount, (v) => v.layout.innerEtherType),
  field('inner.arp', 'boolean', 'the inner frame is ARP', (v) => (v.inner && v.layout.innerEtherType === EtherType.ARP ? true : undefined)),
  field('inner.arp.opcode', 'number', 'ARP operation (1 request, 2 reply)', (v) => (arpAt(v) >= 0 ? u16(v.bytes, arpAt(v) + 6) : undefined)),
  field('inner.arp.src.mac', 'mac', 'ARP sender hardware address', (v) => (arpAt(v) >= 0 ? bytesAt(v, arpAt(v) + 8, 6) : undefined)),
  field('inner.arp.src.ip', 'ip', 'ARP sender protocol address', (v) => (arpAt(v) >= 0 ? bytesAt(v, arpAt(v) + 14, 4) : undefined)),
  field('inner.arp.dst.mac', 'mac', 'ARP target hardware address', (v) => (arpAt(v) >= 0 ? bytesAt(v, arpAt(v) + 18, 6) : undefined)),
  field('inner.arp.dst.ip', 'ip', 'ARP target protocol address', (v) => (arpAt(v) >= 0 ? bytesAt(v, arpAt(v) + 24, 4) : undefined)),
  ...ipFields('inner', innerIp),
  field('inner.tcp', 'boolean', 'the inner transport is TCP', (v) => (innerTransport(v) === IpProtocol.TCP ? true : undefined)),
  field('inner.udp', 'boolean', 'the inner transport is UDP', (v) => (innerTransport(v) === IpProtocol.UDP ? true : undefined)),
  field('inner.icmp', 'boolean', 'the inner transport is ICMP or ICMPv6', (v) => (innerTransport(v) === IpProtocol.ICMP || innerTransport(v) === IpProtocol.ICMPV6 ? true : undefined)),
  field('inner.icmpv6', 'boolean', 'the inner transport is ICMPv6', (v) => (innerTransport(v) === IpProtocol.ICMPV6 ? true : undefined)),
  field('inner.srcport', 'number', 'inner TCP or UDP source port', (v) => (portsAt(v) >= 0 ? u16(v.bytes, portsAt(v)) : undefined)),
  field('inner.dstport', 'number', 'inner TCP or UDP destination port', (v) => (portsAt(v) >= 0 ? u16(v.bytes, portsAt(v) + 2) : undefined)),
  field('inner.port', 'number', 'inner TCP or UDP source or destination port', (v) => (portsAt(v) >= 0 ? [u16(v.bytes, portsAt(v)), u16(v.bytes, portsAt(v) + 2)] : undefined)),
  field('inner.tcp.seq', 'number', 'TCP sequence number', (v) => (tcpAt(v) >= 0 ? u32(v.bytes, tcpAt(v) + TCP.SEQ) : undefined)),
  field('inner.tcp.ack', 'number', 'TCP acknowledgment number', (v) => (tcpAt(v) >= 0 ? u32(v.bytes, tcpAt(v) + TCP.ACK) : undefined)),
  field('inner.tcp.hdr_len', 'number', 'TCP header length in bytes', (v) => (tcpAt(v) >= 0 ? (v.bytes[tcpAt(v) + TCP.DATA_OFFSET]! >>> 4) * 4 : undefined)),
  field('inner.tcp.flags', 'number', 'TCP flags byte (CWR ECE URG ACK PSH RST SYN FIN)', (v) => (tcpAt(v) >= 0 ? v.bytes[tcpAt(v) + TCP.FLAGS] : undefined)),
  field('inner.tcp.flags.cwr', 'boolean', 'TCP CWR flag', tcpFlag(0x80)),
  field('inner.tcp.flags.ece', 'boolean', 'TCP ECE flag', tcpFlag(0x40)),
  field('inner.tcp.flags.urg', 'boolean', 'TCP URG flag', tcpFlag(0x20)),
  field('inner.tcp.flags.ack', 'boolean', 'TCP ACK flag', tcpFlag(0x10)),
  field('inner.tcp.flags.psh', 'boolean', 'TCP PSH flag', tcpFlag(0x08)),
  field('inner.tcp.flags.rst', 'boolean', 'TCP RST flag', tcpFlag(0x04)),
  field('inner.tcp.flags.syn', 'boolean', 'TCP SYN flag', tcpFlag(0x02)),
  field('inner.tcp.flags.fin', 'boolean', 'TCP FIN flag', tcpFlag(0x01)),
  field('inner.tcp.window', 'number', 'TCP window', (v) => (tcpAt(v) >= 0 ? u16(v.bytes, tcpAt(v) + TCP.WINDOW) : undefined)),
  field('inner.tcp.checksum', 'number', 'TCP checksum as stored', (v) => (tcpAt(v) >= 0 ? u16(v.bytes, tcpAt(v) + TCP.CHECKSUM) : undefined)),
  field('inner.tcp.urgent', 'number', 'TCP urgent pointer', (v) => (tcpAt(v) >= 0 ? u16(v.bytes, tcpAt(v) + TCP.URGENT) : undefined)),
  field('inner.udp.length', 'number', 'UDP Length field', (v) => (udpAt(v) >= 0 ? u16(v.bytes, udpAt(v) + UDP.LENGTH) : undefined)),
  field('inner.udp.checksum', 'number', 'UDP checksum as stored (0: none, IPv4)', (v) => (udpAt(v) >= 0 ? u16(v.bytes, udpAt(v) + UDP.CHECKSUM) : undefined)),
  field('inner.icmp.type', 'number', 'ICMP / ICMPv6 type', (v) => (icmpAt(v) >= 0 ? v.bytes[icmpAt(v)] : undefined)),
  field('inner.icmp.code', 'number', 'ICMP / ICMPv6 code', (v) => (icmpAt(v) >= 0 ? v.bytes[icmpAt(v) + 1] : undefined)),
  field('inner.icmp.checksum', 'number', 'ICMP / ICMPv6 checksum as stored', (v) => (icmpAt(v) >= 0 ? u16(v.bytes, icmpAt(v) + 2) : undefined)),
  field('payload', 'number', 'inner TCP or UDP payload bytes (what tshark calls Len)', payloadLength, ['inner.payload']),
  // Verdicts
  field('csum.ok', 'boolean', 'no checksum of the frame is bad (outer IPv4, inner IPv4, inner TCP/UDP/ICMP)', (v) => {
    const c = v.checksums;
    return c === null ? undefined : c.outerIpv4 !== 'bad' && c.innerIpv4 !== 'bad' && c.transport.status !== 'bad';
  }),
  field('csum.outer_ip', 'code', 'status of the outer IPv4 header checksum (ok, bad, absent, …)', (v) => v.checksums?.outerIpv4, [], CHECKSUM_STATUSES),
  field('csum.inner_ip', 'code', 'status of the inner IPv4 header checksum', (v) => v.checksums?.innerIpv4, [], CHECKSUM_STATUSES),
  field('csum.transport', 'code', 'status of the inner TCP/UDP/ICMP checksum', (v) => v.checksums?.transport.status, [], CHECKSUM_STATUSES),
  field('lint', 'code', 'the code of each lint finding (nvgre lint)', (v) => (v.findings.length === 0 ? undefined : v.findings.map((f) => f.code)), [], LINT_CODES),
  field('lint.error', 'boolean', 'some lint finding is an error (a conformant receiver drops the frame)', (v) => v.findings.some((f) => LINT_SEVERITY[f.code] === 'error')),
];

const BY_NAME = new Map<string, FrameField>();
for (const f of FRAME_FIELDS) {
  BY_NAME.set(f.name, f);
  for (const a of f.aliases) BY_NAME.set(a, f);
}

/** The field named `name` (or one of its aliases), or undefined. */
export function frameField(name: string): FrameField | undefined {
  return BY_NAME.get(name);
}

/** Every name a filter accepts (fields and aliases), sorted. */
export function frameFieldNames(): string[] {
  return [...BY_NAME.keys()].sort();
}
