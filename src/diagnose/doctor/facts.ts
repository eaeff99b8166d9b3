/**
 * What the doctor and stats read from one captured frame, once: the outer IP header, the GRE header and
 * key, the inner packet's addresses, ports and checksum state (and whether a wrong checksum is a Tx
 * offload seed), DNS ids, and an underlay ICMP error's quoted packet. One reusable {@link FrameFacts}
 * per reader: nothing is allocated per frame but the address strings.
 *
 * The walk is tolerant where the decoders are strict: a datagram cut by the snaplen still gives its
 * headers (only checksums over missing bytes are not judged), and a malformed inner header leaves the
 * outer facts in place. Never throws on any bytes.
 */
import { u16, u32 } from '../../wire/bytes.js';
import { fold, onesComplementSum } from '../../wire/checksum.js';
import { formatIp } from '../../wire/address.js';
import { AddressNames } from './names.js';
import { ETH, EtherType, isVlanTpid } from '../../wire/ethernet.js';
import { GRE, greHeaderLength } from '../../wire/gre.js';
import { IPV4, IpProtocol } from '../../wire/ipv4.js';
import { IPV6, newIpv6Chain, walkIpv6 } from '../../wire/ipv6.js';
import { TCP } from '../../wire/tcp.js';
import { UDP } from '../../wire/udp.js';
import { pseudoHeaderSum } from '../../wire/transport.js';
import { LinkNormalizer, type LinkProblem } from '../../capture/linktype.js';

/**
 * A checksum's state. `seed` / `seed-nolen`: the field holds the pseudo-header sum with / without the
 * length, what a host leaves for Tx checksum offload to complete (docs/offload.md §8); `zero`: an IPv4
 * header checksum of 0, what a host leaves for the NIC; `none`: no checksum (UDP over IPv4 with 0, or
 * no such header); `unverifiable`: cut by the snaplen, or a fragment.
 */
export type ChecksumState = 'none' | 'ok' | 'seed' | 'seed-nolen' | 'zero' | 'bad' | 'unverifiable';

/** A captured record as the doctor and stats take it (a {@link CaptureRecord} is one). */
export interface DiagnoseRecord {
  /** LINKTYPE_* (default 1, Ethernet). */
  readonly linkType?: number;
  readonly data: Uint8Array;
  /** Default: none (times are then 0). */
  readonly timestamp?: { readonly seconds: number; readonly nanoseconds: number };
  /** Default: data.length. */
  readonly originalLength?: number;
}

/** One IP header, tolerantly. */
interface IpRead {
  version: 0 | 4 | 6;
  offset: number;
  headerLength: number;
  /** Claimed datagram length (IPv4 Total Length; IPv6 40 + Payload Length). */
  length: number;
  /** End of the datagram within the captured bytes. */
  end: number;
  cut: boolean;
  protocol: number;
  /** Upper-layer header offset; -1 for a non-first fragment or an unreadable extension chain. */
  upper: number;
  fragment: boolean;
  mf: boolean;
  fragmentOffset: number;
  df: boolean;
  dstOffset: number;
}

const chain = newIpv6Chain();

function readIp(b: Uint8Array, et: number, o: number, end: number, out: IpRead): boolean {
  out.version = 0;
  if (et === EtherType.IPV4) {
    if (end - o < IPV4.MIN_HEADER_LENGTH || b[o]! >>> 4 !== 4) return false;
    const hl = (b[o]! & 0x0f) * 4;
    if (hl < IPV4.MIN_HEADER_LENGTH || end - o < hl) return false;
    const length = u16(b, o + IPV4.TOTAL_LENGTH);
    if (length < hl) return false;
    const ff = u16(b, o + IPV4.FLAGS_FRAGMENT);
    out.version = 4;
    out.offset = o;
    out.headerLength = hl;
    out.length = length;
    out.end = Math.min(end, o + length);
    out.cut = o + length > end;
    out.protocol = b[o + IPV4.PROTOCOL]!;
    out.mf = (ff & IPV4.FLAG_MF) !== 0;
    out.fragmentOffset = (ff & IPV4.FRAGMENT_OFFSET_MASK) * 8;
    out.fragment = out.mf || out.fragmentOffset !== 0;
    out.df = (ff & IPV4.FLAG_DF) !== 0;
    out.upper = out.fragmentOffset === 0 ? o + hl : -1;
    out.dstOffset = o + IPV4.DST;
    return true;
  }
  if (et === EtherType.IPV6) {
    if (end - o < IPV6.HEADER_LENGTH || b[o]! >>> 4 !== 6) return false;
    const length = IPV6.HEADER_LENGTH + u16(b, o + IPV6.PAYLOAD_LENGTH);
    out.version = 6;
    out.offset = o;
    out.length = length;
    out.end = Math.min(end, o + length);
    out.cut = o + length > end;
    out.df = true;
    out.mf = false;
    out.fragmentOffset = 0;
    try {
      walkIpv6(b, o, out.end, 'ipv6', chain);
      out.protocol = chain.upperProtocol;
      out.upper = chain.upperOffset;
      out.headerLength = IPV6.HEADER_LENGTH + chain.extensionLength;
      out.fragment = chain.fragmentOffset >= 0;
      out.dstOffset = chain.finalDestinationOffset;
      if (out.fragment) {
        const f = u16(b, chain.fragmentOffset + 2);
        out.mf = (f & 1) !== 0;
        out.fragmentOffset = f & 0xfff8;
      }
    } catch {
      out.protocol = b[o + IPV6.NEXT_HEADER]!;
      out.upper = -1;
      out.headerLength = IPV6.HEADER_LENGTH;
      out.fragment = false;
      out.dstOffset = o + IPV6.DST;
    }
    return true;
  }
  return false;
}

function newIp(): IpRead {
  return { version: 0, offset: 0, headerLength: 0, length: 0, end: 0, cut: false, protocol: -1, upper: -1, fragment: false, mf: false, fragmentOffset: 0, df: false, dstOffset: 0 };
}

/** Zero has two one's-complement encodings (RFC 1071 §1). */
function sameSum(a: number, b: number): boolean {
  return a === b || ((a === 0 || a === 0xffff) && (b === 0 || b === 0xffff));
}

/** The facts of one frame; refilled by {@link FactReader.read}. */
export class FrameFacts {
  /** 1-based frame number. */
  number = 0;
  /** Seconds since the epoch (0 without timestamps). */
  time = 0;
  capturedLength = 0;
  originalLength = 0;
  /** The snaplen cut the frame. */
  cut = false;
  linkType = 1;
  /** Null when the record was turned into a frame (see {@link frame}). */
  linkProblem: LinkProblem | null = null;
  /** The frame as Ethernet (the normaliser's buffer for other link types: valid until the next read). */
  frame: Uint8Array = new Uint8Array(0);
  /** Offset in the record = offset in `frame` + delta. */
  delta = 0;

  outerVersion: 0 | 4 | 6 = 0;
  outerSrc = '';
  outerDst = '';
  outerProtocol = -1;
  /** Claimed outer IP datagram length. */
  outerLength = 0;
  outerVlans = 0;
  outerDf = false;
  outerFragment = false;
  outerMf = false;
  outerFragmentOffset = 0;
  outerHeaderLength = 0;
  /** The outer IPv4 header checksum (`none` over IPv6). */
  outerChecksum: ChecksumState = 'none';

  /** A GRE header was read (outer protocol 47, first fragment or whole). */
  gre = false;
  greFlags = 0;
  greProtocol = -1;
  /** GRE protocol 0x6558 (whatever the flags). */
  claimsNvgre = false;
  /** NVGRE as a lenient receiver reads it: version 0, K set, no R/reserved bits 4–5, protocol 0x6558. */
  nvgre = false;
  key = 0;

  innerVlans = 0;
  innerEtherType = -1;
  innerVersion: 0 | 4 | 6 = 0;
  innerSrc = '';
  innerDst = '';
  innerProtocol = -1;
  /** Claimed inner IP datagram length. */
  innerLength = 0;
  innerFragment = false;
  srcPort = -1;
  dstPort = -1;
  tcpFlags = 0;
  /** TCP segment payload bytes (-1 unknown). */
  tcpPayload = -1;
  icmpType = -1;
  icmpCode = -1;
  /** Inner IPv4 header checksum, and the inner transport checksum. */
  ipChecksum: ChecksumState = 'none';
  l4Checksum: ChecksumState = 'none';
  /** DNS over inner UDP port 53: the id, and whether it is a response; -1 when not DNS. */
  dnsId = -1;
  dnsResponse = false;

  /** An underlay ICMP error (the outer packet is ICMP) quoting a GRE packet; type -1 when not. */
  underlayIcmpType = -1;
  underlayIcmpCode = -1;
  /** The quoted GRE packet's addresses, and the MTU a "fragmentation needed" / "packet too big" names (0 if none). */
  quotedSrc = '';
  quotedDst = '';
  quotedLength = 0;
  underlayMtu = 0;
}

/**
 * Reads records into a {@link FrameFacts}. `keyLayout` does not matter here: the raw key is kept and
 * each consumer reads it in the layouts it compares.
 */
export class FactReader {
  readonly facts = new FrameFacts();
  private readonly normalizer = new LinkNormalizer();
  private readonly outer = newIp();
  private readonly inner = newIp();
  /** One string per address (names.ts): the state's maps are keyed by them. */
  private readonly names = new AddressNames();

  /** Reads record number `number` (1-based). */
  read(record: DiagnoseRecord | Uint8Array, number: number): FrameFacts {
    const f = this.facts;
    const data = record instanceof Uint8Array ? record : record.data;
    const linkType = record instanceof Uint8Array ? 1 : (record.linkType ?? 1);
    const ts = record instanceof Uint8Array ? undefined : record.timestamp;
    f.number = number;
    f.time = ts === undefined ? 0 : ts.seconds + ts.nanoseconds / 1e9;
    f.capturedLength = data.length;
    f.originalLength = record instanceof Uint8Array ? data.length : Math.max(data.length, record.originalLength ?? data.length);
    f.cut = f.originalLength > f.capturedLength;
    f.linkType = linkType;
    this.reset(f);
    const frame = this.normalizer.toEthernet(linkType, data);
    if (frame === null) {
      f.linkProblem = this.normalizer.problem;
      f.frame = new Uint8Array(0);
      return f;
    }
    f.linkProblem = null;
    f.frame = frame;
    f.delta = this.normalizer.delta;
    this.walk(frame);
    return f;
  }

  private reset(f: FrameFacts): void {
    f.delta = 0;
    f.outerVersion = 0;
    f.outerSrc = f.outerDst = '';
    f.outerProtocol = -1;
    f.outerLength = f.outerVlans = f.outerFragmentOffset = f.outerHeaderLength = 0;
    f.outerDf = f.outerFragment = f.outerMf = false;
    f.gre = f.claimsNvgre = f.nvgre = false;
    f.greFlags = f.key = 0;
    f.greProtocol = -1;
    f.innerVlans = 0;
    f.innerEtherType = -1;
    f.innerVersion = 0;
    f.innerSrc = f.innerDst = '';
    f.innerProtocol = f.srcPort = f.dstPort = f.icmpType = f.icmpCode = f.tcpPayload = f.dnsId = -1;
    f.innerLength = f.tcpFlags = 0;
    f.innerFragment = f.dnsResponse = false;
    f.ipChecksum = f.l4Checksum = f.outerChecksum = 'none';
    f.underlayIcmpType = f.underlayIcmpCode = -1;
    f.quotedSrc = f.quotedDst = '';
    f.quotedLength = f.underlayMtu = 0;
  }

  private walk(b: Uint8Array): void {
    const f = this.facts;
    const end = b.length;
    if (end < ETH.HEADER_LENGTH) return;
    let t = ETH.TYPE;
    let tags = 0;
    while (tags < ETH.MAX_TAGS && isVlanTpid(u16(b, t))) {
      if (end < t + ETH.TAG_LENGTH + 2) return;
      t += ETH.TAG_LENGTH;
      tags++;
    }
    f.outerVlans = tags;
    const o = this.outer;
    if (!readIp(b, u16(b, t), t + 2, end, o)) return;
    f.outerVersion = o.version;
    // The outer destination as routed: the fixed header's (not an IPv6 routing header's final one).
    f.outerSrc = this.names.name(b, o.offset + (o.version === 4 ? IPV4.SRC : IPV6.SRC), o.version as 4 | 6);
    f.outerDst = this.names.name(b, o.offset + (o.version === 4 ? IPV4.DST : IPV6.DST), o.version as 4 | 6);
    f.outerProtocol = o.protocol;
    f.outerLength = o.length;
    f.outerDf = o.df;
    f.outerFragment = o.fragment;
    f.outerMf = o.mf;
    f.outerFragmentOffset = o.fragmentOffset;
    f.outerHeaderLength = o.headerLength;
    if (o.version === 4) {
      f.outerChecksum = onesComplementSum(b, o.offset, o.headerLength) === 0xffff ? 'ok' : u16(b, o.offset + IPV4.CHECKSUM) === 0 ? 'zero' : 'bad';
    }
    if (o.protocol === IpProtocol.GRE && o.upper >= 0 && o.end - o.upper >= GRE.BASE_LENGTH) {
      this.gre(b, o);
    } else if ((o.protocol === IpProtocol.ICMP || o.protocol === IpProtocol.ICMPV6) && o.upper >= 0 && !o.fragment) {
      this.underlayIcmp(b, o);
    }
  }

  private gre(b: Uint8Array, o: IpRead): void {
    const f = this.facts;
    const g = o.upper;
    const flags = u16(b, g);
    f.gre = true;
    f.greFlags = flags;
    f.greProtocol = u16(b, g + GRE.PROTOCOL);
    f.claimsNvgre = f.greProtocol === EtherType.TEB;
    const hl = greHeaderLength(flags);
    const keyed = (flags & GRE.FLAG_K) !== 0;
    if (!keyed || o.end - g < hl) return;
    f.key = u32(b, g + GRE.BASE_LENGTH + ((flags & GRE.FLAG_C) !== 0 ? GRE.OPTION_LENGTH : 0));
    f.nvgre = f.claimsNvgre && (flags & GRE.VERSION_MASK) === 0 && (flags & (GRE.FLAG_R | GRE.RESERVED0_DISCARD)) === 0;
    if (!f.nvgre || o.fragment) return; // a first fragment holds the key, and only the start of the inner frame
    const ie = g + hl;
    const end = o.end;
    if (end - ie < ETH.HEADER_LENGTH) return;
    let t = ie + ETH.TYPE;
    let tags = 0;
    while (tags < ETH.MAX_TAGS && isVlanTpid(u16(b, t))) {
      if (end < t + ETH.TAG_LENGTH + 2) return;
      t += ETH.TAG_LENGTH;
      tags++;
    }
    f.innerVlans = tags;
    f.innerEtherType = u16(b, t);
    const i = this.inner;
    if (!readIp(b, f.innerEtherType, t + 2, end, i)) return;
    f.innerVersion = i.version;
    f.innerSrc = this.names.name(b, i.offset + (i.version === 4 ? IPV4.SRC : IPV6.SRC), i.version as 4 | 6);
    f.innerDst = this.names.name(b, i.version === 4 ? i.offset + IPV4.DST : i.offset + IPV6.DST, i.version as 4 | 6);
    f.innerProtocol = i.protocol;
    f.innerLength = i.length;
    f.innerFragment = i.fragment;
    const complete = !i.cut && !o.cut;
    if (i.version === 4) {
      const stored = u16(b, i.offset + IPV4.CHECKSUM);
      f.ipChecksum = onesComplementSum(b, i.offset, i.headerLength) === 0xffff ? 'ok' : stored === 0 ? 'zero' : 'bad';
    }
    if (i.upper < 0) return;
    this.transport(b, i, complete);
  }

  private transport(b: Uint8Array, i: IpRead, complete: boolean): void {
    const f = this.facts;
    const p = i.protocol;
    const o = i.upper;
    const avail = i.end - o;
    const v = i.version as 4 | 6;
    let field = -1;
    let l4Length = i.offset + i.length - o;
    if (p === IpProtocol.TCP) {
      if (avail < TCP.MIN_HEADER_LENGTH) return;
      f.srcPort = u16(b, o);
      f.dstPort = u16(b, o + 2);
      f.tcpFlags = b[o + TCP.FLAGS]! & 0x3f;
      const dataOffset = (b[o + TCP.DATA_OFFSET]! >>> 4) * 4;
      f.tcpPayload = Math.max(0, l4Length - dataOffset);
      field = o + TCP.CHECKSUM;
    } else if (p === IpProtocol.UDP) {
      if (avail < UDP.HEADER_LENGTH) return;
      f.srcPort = u16(b, o);
      f.dstPort = u16(b, o + 2);
      const ulen = u16(b, o + UDP.LENGTH);
      if (ulen >= UDP.HEADER_LENGTH && ulen <= l4Length) l4Length = ulen;
      field = o + UDP.CHECKSUM;
      if ((f.srcPort === 53 || f.dstPort === 53) && avail >= UDP.HEADER_LENGTH + 4) {
        f.dnsId = u16(b, o + UDP.HEADER_LENGTH);
        f.dnsResponse = (b[o + UDP.HEADER_LENGTH + 2]! & 0x80) !== 0;
      }
      if (u16(b, field) === 0 && v === 4) {
        f.l4Checksum = 'none';
        return;
      }
    } else if (p === IpProtocol.ICMP || p === IpProtocol.ICMPV6) {
      if (avail < 4) return;
      f.icmpType = b[o]!;
      f.icmpCode = b[o + 1]!;
      field = o + 2;
    } else {
      return;
    }
    if (!complete || i.fragment || l4Length > i.end - o) {
      f.l4Checksum = 'unverifiable';
      return;
    }
    const pseudo = pseudoHeaderSum(b, v, i.offset, i.dstOffset, p, l4Length);
    if (onesComplementSum(b, o, l4Length, pseudo) === 0xffff) {
      f.l4Checksum = 'ok';
      return;
    }
    f.l4Checksum = 'bad';
    if (p === IpProtocol.TCP || p === IpProtocol.UDP) {
      const stored = u16(b, field);
      if (sameSum(stored, fold(pseudo))) f.l4Checksum = 'seed';
      else if (sameSum(stored, fold(pseudoHeaderSum(b, v, i.offset, i.dstOffset, p, 0)))) f.l4Checksum = 'seed-nolen';
    }
  }

  /** ICMP destination unreachable / time exceeded / packet too big quoting a GRE packet. */
  private underlayIcmp(b: Uint8Array, o: IpRead): void {
    const f = this.facts;
    const c = o.upper;
    if (o.end - c < 8) return;
    const type = b[c]!;
    const v6 = o.protocol === IpProtocol.ICMPV6;
    const error = v6 ? type >= 1 && type <= 4 : type === 3 || type === 11 || type === 12;
    if (!error) return;
    const qo = c + 8;
    const qv = o.end - qo >= 1 ? b[qo]! >>> 4 : 0;
    // The quoted packet is usually cut (RFC 792: its header and 8 bytes): only its header is read.
    if (qv === 4) {
      if (o.end - qo < IPV4.MIN_HEADER_LENGTH || b[qo + IPV4.PROTOCOL] !== IpProtocol.GRE) return;
    } else if (qv === 6) {
      if (o.end - qo < IPV6.HEADER_LENGTH || b[qo + IPV6.NEXT_HEADER] !== IpProtocol.GRE) return;
    } else {
      return;
    }
    f.underlayIcmpType = type;
    f.underlayIcmpCode = b[c + 1]!;
    f.quotedSrc = formatIp(b, qo + (qv === 4 ? IPV4.SRC : IPV6.SRC), qv);
    f.quotedDst = formatIp(b, qo + (qv === 4 ? IPV4.DST : IPV6.DST), qv);
    f.quotedLength = qv === 4 ? u16(b, qo + IPV4.TOTAL_LENGTH) : IPV6.HEADER_LENGTH + u16(b, qo + IPV6.PAYLOAD_LENGTH);
    if (!v6 && type === 3 && f.underlayIcmpCode === 4) f.underlayMtu = u16(b, c + 6);
    else if (v6 && type === 2) f.underlayMtu = u32(b, c + 4);
  }
}
