/**
 * Link types: where the outer IP header of a captured record starts, for every link type a capture of
 * NVGRE traffic is commonly taken with (docs/api.md "Link types"):
 *
 * | LINKTYPE | value | link-layer header before the network header |
 * |---|---|---|
 * | `ETHERNET` | 1 | 14 bytes (+ 4 per 802.1Q/802.1ad tag); the only one with MAC addresses |
 * | `NULL` | 0 | 4-byte address family, in the capturing host's byte order (BSD loopback) |
 * | `RAW` | 101 | none: IPv4 or IPv6, told apart by the version nibble |
 * | `LOOP` | 108 | 4-byte address family, network byte order (OpenBSD loopback) |
 * | `LINUX_SLL` | 113 | 16 bytes, EtherType at 14 (`tcpdump -i any`, libpcap before 1.10) |
 * | `IPV4` | 228 | none: IPv4 only |
 * | `IPV6` | 229 | none: IPv6 only |
 * | `LINUX_SLL2` | 276 | 20 bytes, EtherType at 0 (`tcpdump -i any`, libpcap 1.10 and later) |
 *
 * Every other part of the library reads a frame from its outer Ethernet header. Rather than teach each
 * of them a second entry point, a record of another link type is *normalised*: its network-layer bytes
 * are copied behind a synthetic 14-byte Ethernet header (both MACs 00:00:00:00:00:00, the EtherType the
 * link layer names) in a buffer the normaliser reuses. Decapsulation, lint, parseFrame, the checksum
 * and RSS code then see an ordinary frame, and the same frame captured on any link type gives the same
 * verdicts. Two things differ, and the normaliser says so: byte offsets (`delta` converts an offset in
 * the normalised frame to one in the record), and the outer MAC addresses, which the record never had
 * (`synthetic`: show "no outer MAC", never the zeros).
 */
import { assertBytes, assertInt, typedArraySet, u16 } from '../wire/bytes.js';
import { ETH, EtherType, isVlanTpid } from '../wire/ethernet.js';

/** The LINKTYPE_* values read here (https://www.tcpdump.org/linktypes.html). */
export const LinkType = {
  NULL: 0,
  ETHERNET: 1,
  RAW: 101,
  LOOP: 108,
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
} as const;

/** Why a record has no outer IP header the library can read. */
export interface LinkProblem {
  /**
   * `UNSUPPORTED_LINK_TYPE`: a link type this library does not read (the record cannot be judged at
   * all: never "clean"); `TRUNCATED`: the record is shorter than its link-layer header; `NOT_IP`: the
   * link layer carries something other than IPv4 or IPv6 (ARP, STP, LLC, ...): readable, not NVGRE.
   */
  readonly code: 'UNSUPPORTED_LINK_TYPE' | 'TRUNCATED' | 'NOT_IP';
  /** One sentence. */
  readonly message: string;
}

/** Where a record's outer IP header is ({@link locateOuterIp}). */
export interface OuterIpLocation {
  /** Byte offset of the outer IP header in the record's data; -1 when there is none (see `problem`). */
  readonly offset: number;
  /** 4 or 6; 0 when there is no outer IP header. */
  readonly version: 0 | 4 | 6;
  /** The EtherType the link layer names (for link types without one: 0x0800 or 0x86DD, or 0). */
  readonly etherType: number;
  /** True only for Ethernet records: the others have no outer MAC addresses. */
  readonly hasMac: boolean;
  /** Bytes of link-layer header (Ethernet: 14, 18 or 22); -1 when unknown (unsupported, truncated). */
  readonly linkHeaderLength: number;
  /** Null when `version` is 4 or 6. */
  readonly problem: LinkProblem | null;
}

/** A short name of a link type for messages: `Linux cooked (SLL, 113)`. */
export function linkTypeName(linkType: number): string {
  assertInt(linkType, 'linkType', 0, 0xffffffff);
  switch (linkType) {
    case LinkType.NULL:
      return 'BSD loopback (NULL, 0)';
    case LinkType.ETHERNET:
      return 'Ethernet (1)';
    case LinkType.RAW:
      return 'raw IP (RAW, 101)';
    case LinkType.LOOP:
      return 'OpenBSD loopback (LOOP, 108)';
    case LinkType.LINUX_SLL:
      return 'Linux cooked (SLL, 113)';
    case LinkType.IPV4:
      return 'raw IPv4 (IPV4, 228)';
    case LinkType.IPV6:
      return 'raw IPv6 (IPV6, 229)';
    case LinkType.LINUX_SLL2:
      return 'Linux cooked v2 (SLL2, 276)';
    default:
      return `link type ${linkType}`;
  }
}

/** True for the link types {@link locateOuterIp} reads. */
export function isSupportedLinkType(linkType: number): boolean {
  switch (linkType) {
    case LinkType.NULL:
    case LinkType.ETHERNET:
    case LinkType.RAW:
    case LinkType.LOOP:
    case LinkType.LINUX_SLL:
    case LinkType.IPV4:
    case LinkType.IPV6:
    case LinkType.LINUX_SLL2:
      return true;
    default:
      return false;
  }
}

/** BSD address families of IPv6 (Linux 10, Windows 23, NetBSD/OpenBSD 24, FreeBSD 28, Darwin 30). */
function isInet6Family(af: number): boolean {
  return af === 10 || af === 23 || af === 24 || af === 28 || af === 30;
}

const SLL_PROTOCOL = 14;
const SLL_HEADER = 16;
const SLL2_PROTOCOL = 0;
const SLL2_HEADER = 20;
const AF_HEADER = 4;
const AF_INET = 2;
const MIN_ETHERTYPE = 0x0600;

function problem(code: LinkProblem['code'], message: string, etherType = 0, linkHeaderLength = -1, hasMac = false): OuterIpLocation {
  return { offset: -1, version: 0, etherType, hasMac, linkHeaderLength, problem: { code, message } };
}

function found(offset: number, version: 4 | 6, etherType: number, hasMac: boolean): OuterIpLocation {
  return { offset, version, etherType, hasMac, linkHeaderLength: offset, problem: null };
}

function truncatedLink(linkType: number, need: number, have: number): OuterIpLocation {
  return problem('TRUNCATED', `the record holds ${have} bytes, fewer than the ${need}-byte ${linkTypeName(linkType)} header`);
}

/** The network layer after an EtherType at `offset` (VLAN tags walked, as after an Ethernet header). */
function afterEtherType(linkType: number, data: Uint8Array, typeOffset: number, hasMac: boolean): OuterIpLocation {
  let t = typeOffset;
  let et = u16(data, t);
  for (let tags = 0; tags < ETH.MAX_TAGS && isVlanTpid(et); tags++) {
    if (data.length < t + ETH.TAG_LENGTH + 2) return truncatedLink(linkType, t + ETH.TAG_LENGTH + 2, data.length);
    t += ETH.TAG_LENGTH;
    et = u16(data, t);
  }
  const offset = t + 2;
  if (et === EtherType.IPV4) return found(offset, 4, et, hasMac);
  if (et === EtherType.IPV6) return found(offset, 6, et, hasMac);
  const what = et < MIN_ETHERTYPE ? `an 802.3 length or Linux protocol number 0x${et.toString(16).padStart(4, '0')}` : `EtherType 0x${et.toString(16).padStart(4, '0')}`;
  return problem('NOT_IP', `the ${linkTypeName(linkType)} header names ${what}, not IPv4 or IPv6: not NVGRE`, et, offset, hasMac);
}

/** Raw IP: the version nibble decides (`only` restricts it for LINKTYPE_IPV4 / IPV6). */
function rawIp(linkType: number, data: Uint8Array, offset: number, only: 0 | 4 | 6): OuterIpLocation {
  if (data.length <= offset) return truncatedLink(linkType, offset + 1, data.length);
  const v = data[offset]! >>> 4;
  if ((v === 4 || v === 6) && (only === 0 || only === v)) return found(offset, v, v === 4 ? EtherType.IPV4 : EtherType.IPV6, false);
  return problem('NOT_IP', `the ${linkTypeName(linkType)} record starts with IP version ${v}${only !== 0 ? `, not ${only}` : ''}: not an IP packet`, 0, offset);
}

/**
 * Where the outer IP header of a captured record starts, and its version, for the link types of the
 * module table. Never throws on any bytes: a record it cannot place says why in `problem`. Ethernet
 * records walk up to two VLAN tags, as the rest of the library does.
 */
export function locateOuterIp(linkType: number, data: Uint8Array): OuterIpLocation {
  assertInt(linkType, 'linkType', 0, 0xffffffff);
  assertBytes(data, 'data');
  return locate(linkType, data);
}

function locate(linkType: number, data: Uint8Array): OuterIpLocation {
  switch (linkType) {
    case LinkType.ETHERNET:
      if (data.length < ETH.HEADER_LENGTH) return truncatedLink(linkType, ETH.HEADER_LENGTH, data.length);
      return afterEtherType(linkType, data, ETH.TYPE, true);
    case LinkType.LINUX_SLL:
      if (data.length < SLL_HEADER) return truncatedLink(linkType, SLL_HEADER, data.length);
      return afterEtherType(linkType, data, SLL_PROTOCOL, false);
    case LinkType.LINUX_SLL2: {
      if (data.length < SLL2_HEADER) return truncatedLink(linkType, SLL2_HEADER, data.length);
      // The protocol is at offset 0, but the network header starts after the whole 20-byte header.
      const et = u16(data, SLL2_PROTOCOL);
      if (et === EtherType.IPV4) return found(SLL2_HEADER, 4, et, false);
      if (et === EtherType.IPV6) return found(SLL2_HEADER, 6, et, false);
      if (isVlanTpid(et)) {
        if (data.length < SLL2_HEADER + ETH.TAG_LENGTH) return truncatedLink(linkType, SLL2_HEADER + ETH.TAG_LENGTH, data.length);
        // A tag the kernel left in the payload: TCI, then the EtherType.
        return afterEtherType(linkType, data, SLL2_HEADER + 2, false);
      }
      return problem('NOT_IP', `the ${linkTypeName(linkType)} header names ${et < MIN_ETHERTYPE ? 'Linux protocol number' : 'EtherType'} 0x${et.toString(16).padStart(4, '0')}, not IPv4 or IPv6: not NVGRE`, et, SLL2_HEADER);
    }
    case LinkType.RAW:
      return rawIp(linkType, data, 0, 0);
    case LinkType.IPV4:
      return rawIp(linkType, data, 0, 4);
    case LinkType.IPV6:
      return rawIp(linkType, data, 0, 6);
    case LinkType.NULL:
    case LinkType.LOOP: {
      if (data.length < AF_HEADER) return truncatedLink(linkType, AF_HEADER, data.length);
      // NULL is in the capturing host's byte order: a family is small, so the zero bytes tell the order.
      const be = ((data[0]! << 24) | (data[1]! << 16) | (data[2]! << 8) | data[3]!) >>> 0;
      const le = ((data[3]! << 24) | (data[2]! << 16) | (data[1]! << 8) | data[0]!) >>> 0;
      const af = linkType === LinkType.LOOP ? be : be <= 0xffff ? be : le;
      if (af === AF_INET) return found(AF_HEADER, 4, EtherType.IPV4, false);
      if (isInet6Family(af)) return found(AF_HEADER, 6, EtherType.IPV6, false);
      return problem('NOT_IP', `the ${linkTypeName(linkType)} header names address family ${af}, neither IPv4 (2) nor IPv6: not NVGRE`, 0, AF_HEADER);
    }
    default:
      return problem(
        'UNSUPPORTED_LINK_TYPE',
        `${linkTypeName(linkType)} is not a link type this tool reads (Ethernet, Linux cooked SLL/SLL2, raw IP, NULL/LOOP): the frame was not examined`,
      );
  }
}

/**
 * Turns records of any supported link type into Ethernet frames for the rest of the library (see the
 * module comment). One normaliser owns one buffer: the frame it returns for a non-Ethernet record is
 * valid until its next call.
 */
export class LinkNormalizer {
  /** Offset in the record = offset in the returned frame + `delta` (0 for Ethernet records). */
  delta = 0;
  /** True when the returned frame's outer Ethernet header is synthetic (the record had no MAC addresses). */
  synthetic = false;
  /** Why the latest call returned null. */
  problem: LinkProblem | null = null;
  /** Where the latest record's outer IP header was. */
  location: OuterIpLocation | null = null;
  private buffer = new Uint8Array(2048);
  private header = new Uint8Array(0);

  /**
   * The record as an Ethernet frame: the record's own bytes when it is Ethernet (zero copy), else a
   * synthetic Ethernet header and the record's network-layer bytes, in this normaliser's buffer. Null
   * (with `problem`) when the record has no network layer an Ethernet header can name: an unsupported
   * link type, a record shorter than its link-layer header, or a non-IP payload with no EtherType
   * (LLC, an unknown address family). A non-IP payload that has an EtherType (ARP behind SLL) is
   * returned, so it reads as "not NVGRE" exactly as it would from an Ethernet capture.
   */
  toEthernet(linkType: number, data: Uint8Array): Uint8Array | null {
    assertInt(linkType, 'linkType', 0, 0xffffffff);
    assertBytes(data, 'data');
    const at = locate(linkType, data);
    this.location = at;
    this.problem = null;
    this.delta = 0;
    this.synthetic = false;
    // Ethernet records are handed over as they are (every reader reports a short or non-IP frame itself).
    if (linkType === LinkType.ETHERNET) return data;
    let etherType: number;
    let payload: number;
    if (at.problem === null) {
      etherType = at.etherType;
      payload = at.offset;
      // Tags inside an SLL payload: keep them, behind their TPID (as an Ethernet header carries them).
      if (linkType === LinkType.LINUX_SLL || linkType === LinkType.LINUX_SLL2) {
        const first = linkType === LinkType.LINUX_SLL ? SLL_HEADER : SLL2_HEADER;
        const named = u16(data, linkType === LinkType.LINUX_SLL ? SLL_PROTOCOL : SLL2_PROTOCOL);
        if (isVlanTpid(named)) {
          etherType = named;
          payload = first;
        }
      }
    } else if (at.problem.code === 'NOT_IP' && at.etherType >= MIN_ETHERTYPE) {
      etherType = at.etherType;
      payload = linkType === LinkType.LINUX_SLL ? SLL_HEADER : linkType === LinkType.LINUX_SLL2 ? SLL2_HEADER : at.linkHeaderLength;
    } else {
      this.problem = at.problem;
      return null;
    }
    const length = ETH.HEADER_LENGTH + data.length - payload;
    if (this.buffer.length < length) this.buffer = new Uint8Array(Math.max(length, this.buffer.length * 2));
    const b = this.buffer;
    b.fill(0, 0, ETH.TYPE);
    b[ETH.TYPE] = etherType >>> 8;
    b[ETH.TYPE + 1] = etherType & 0xff;
    typedArraySet.call(b, data.subarray(payload), ETH.HEADER_LENGTH);
    this.header = data.slice(0, payload);
    this.delta = payload - ETH.HEADER_LENGTH;
    this.synthetic = true;
    return b.subarray(0, length);
  }

  /**
   * The inverse for writers: a frame derived from the latest normalised record (checksums filled, say)
   * back in the record's link type — the record's own link-layer header, then the frame's bytes after
   * its synthetic Ethernet header. A new array; an Ethernet record's frame is returned as it is.
   */
  toRecord(frame: Uint8Array): Uint8Array {
    assertBytes(frame, 'frame');
    if (!this.synthetic) return frame;
    if (frame.length < ETH.HEADER_LENGTH) throw new RangeError(`frame must hold at least its ${ETH.HEADER_LENGTH}-byte Ethernet header, got ${frame.length} bytes`);
    const out = new Uint8Array(this.header.length + frame.length - ETH.HEADER_LENGTH);
    typedArraySet.call(out, this.header, 0);
    typedArraySet.call(out, frame.subarray(ETH.HEADER_LENGTH), this.header.length);
    return out;
  }
}

/** A {@link LinkNormalizer}: one per reader (its buffer is reused record after record). */
export function createLinkNormalizer(): LinkNormalizer {
  return new LinkNormalizer();
}
