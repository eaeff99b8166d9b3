/**
 * IPv6 fixed header (RFC 8200 §3) and extension-header chain walk (§4): Hop-by-Hop Options (0, only
 * directly after the fixed header, §4.1), Routing (43, §4.4), Fragment (44, §4.5), Destination Options
 * (60, §4.6) and Authentication Header (51, RFC 4302 §2.2). Finds the upper-layer protocol, its
 * offset, any fragment, and the final destination that the pseudo-header uses (§8.1).
 */
import { formatIpv6, putAddress } from './address.js';
import { put16, put32, u16, u32 } from './bytes.js';
import { NvgreError, NvgreErrorCode, truncated, type Layer } from './errors.js';
import { IpProtocol } from './ipv4.js';

/** Field map of the fixed header. */
export const IPV6 = {
  VER_TC_FL: 0,
  PAYLOAD_LENGTH: 4,
  NEXT_HEADER: 6,
  HOP_LIMIT: 7,
  SRC: 8,
  DST: 24,
  HEADER_LENGTH: 40,
  ADDRESS_LENGTH: 16,
} as const;

/** Extension header fields (offsets from the extension header start). */
export const IPV6_EXT = {
  NEXT_HEADER: 0,
  HDR_EXT_LEN: 1,
  ROUTING_TYPE: 2,
  SEGMENTS_LEFT: 3,
  /** Type 0 / Type 2 routing headers: addresses start after 8 bytes. */
  ROUTING_ADDRESSES: 8,
  /** SRH (RFC 8754 §2): Last Entry at 4, Segment List[0] at 8. */
  SRH_LAST_ENTRY: 4,
  FRAGMENT_OFFSET_FLAGS: 2,
  FRAGMENT_ID: 4,
  FRAGMENT_LENGTH: 8,
  FRAGMENT_M: 0x0001,
  FRAGMENT_OFFSET_MASK: 0xfff8,
} as const;

export const RoutingType = { SOURCE_ROUTE: 0, MOBILE_IPV6: 2, SEGMENT_ROUTING: 4 } as const;

/** Most extension headers walked before the chain is declared malformed (bounded work on hostile input). */
export const MAX_EXTENSION_HEADERS = 64;

export interface Ipv6ExtensionHeader {
  readonly type: number;
  /** Offset from the start of the bytes given to the walker. */
  readonly offset: number;
  readonly length: number;
}

/** Result of walking the chain. All offsets are absolute (into the same byte array). */
export interface Ipv6Chain {
  /** Upper-layer protocol (TCP 6, UDP 17, ICMPv6 58, GRE 47, No Next Header 59, …). */
  upperProtocol: number;
  /** Offset of the upper-layer header, or -1 when a non-first fragment carries no upper-layer header. */
  upperOffset: number;
  /** Offset of the Fragment header, or -1. */
  fragmentOffset: number;
  /** Fragment Offset field in bytes (0 for the first fragment). */
  fragmentDataOffset: number;
  moreFragments: boolean;
  /** Offset of the address the pseudo-header uses as destination (RFC 8200 §8.1). */
  finalDestinationOffset: number;
  /** Bytes of extension headers walked (between the fixed header and upperOffset). */
  extensionLength: number;
  headers: Ipv6ExtensionHeader[] | null;
}

export function newIpv6Chain(): Ipv6Chain {
  return {
    upperProtocol: 0,
    upperOffset: 0,
    fragmentOffset: -1,
    fragmentDataOffset: 0,
    moreFragments: false,
    finalDestinationOffset: 0,
    extensionLength: 0,
    headers: null,
  };
}

/**
 * Validates the fixed header at `offset` and returns the end of the datagram
 * (`offset + 40 + Payload Length`), which must not exceed `end`.
 */
export function checkIpv6(bytes: Uint8Array, offset: number, end: number, layer: Layer): number {
  const avail = end - offset;
  if (avail < IPV6.HEADER_LENGTH) throw truncated(layer, offset, IPV6.HEADER_LENGTH, avail, 'IPv6 header');
  const version = bytes[offset]! >>> 4;
  if (version !== 6) {
    throw new NvgreError(NvgreErrorCode.BAD_IP_HEADER, layer, offset, `IP version is ${version}, expected 6 for EtherType 0x86DD`);
  }
  const total = IPV6.HEADER_LENGTH + u16(bytes, offset + IPV6.PAYLOAD_LENGTH);
  if (total > avail) throw truncated(layer, offset, total, avail, `IPv6 datagram (Payload Length ${total - IPV6.HEADER_LENGTH})`);
  // Payload Length 0 with a Hop-by-Hop Jumbo Payload option (RFC 2675) is not supported.
  return offset + total;
}

function isExtension(nh: number): boolean {
  return (
    nh === IpProtocol.HOP_BY_HOP ||
    nh === IpProtocol.IPV6_ROUTING ||
    nh === IpProtocol.IPV6_FRAGMENT ||
    nh === IpProtocol.IPV6_DEST_OPTS ||
    nh === IpProtocol.AH
  );
}

/**
 * Walks the extension-header chain of the IPv6 datagram at `offset` ending at `end` (from
 * {@link checkIpv6}) and fills `out`. Throws `TRUNCATED` / `BAD_IP_HEADER` on a malformed chain.
 * Pass `collect` to record each header (parseFrame does; hot paths do not).
 */
export function walkIpv6(bytes: Uint8Array, offset: number, end: number, layer: Layer, out: Ipv6Chain, collect = false): Ipv6Chain {
  let nh = bytes[offset + IPV6.NEXT_HEADER]!;
  let o = offset + IPV6.HEADER_LENGTH;
  out.fragmentOffset = -1;
  out.fragmentDataOffset = 0;
  out.moreFragments = false;
  out.finalDestinationOffset = offset + IPV6.DST;
  out.headers = collect ? [] : null;
  let count = 0;
  while (isExtension(nh)) {
    if (nh === IpProtocol.HOP_BY_HOP && o !== offset + IPV6.HEADER_LENGTH) {
      throw new NvgreError(NvgreErrorCode.BAD_IP_HEADER, layer, o, 'a Hop-by-Hop Options header may only follow the fixed IPv6 header (RFC 8200 §4.1)');
    }
    if (++count > MAX_EXTENSION_HEADERS) {
      throw new NvgreError(NvgreErrorCode.BAD_IP_HEADER, layer, o, `more than ${MAX_EXTENSION_HEADERS} IPv6 extension headers; refusing to walk further`);
    }
    if (end - o < 8) throw truncated(layer, o, 8, end - o, `IPv6 extension header ${nh}`);
    let len: number;
    if (nh === IpProtocol.IPV6_FRAGMENT) len = IPV6_EXT.FRAGMENT_LENGTH;
    else if (nh === IpProtocol.AH) len = (bytes[o + IPV6_EXT.HDR_EXT_LEN]! + 2) * 4; // RFC 4302 §2.2
    else len = (bytes[o + IPV6_EXT.HDR_EXT_LEN]! + 1) * 8;
    if (end - o < len) throw truncated(layer, o, len, end - o, `IPv6 extension header ${nh}`);
    if (nh === IpProtocol.IPV6_ROUTING) routingFinalDestination(bytes, o, len, out);
    if (collect) out.headers!.push({ type: nh, offset: o, length: len });
    const next = bytes[o + IPV6_EXT.NEXT_HEADER]!;
    if (nh === IpProtocol.IPV6_FRAGMENT) {
      const field = u16(bytes, o + IPV6_EXT.FRAGMENT_OFFSET_FLAGS);
      out.fragmentOffset = o;
      out.fragmentDataOffset = field & IPV6_EXT.FRAGMENT_OFFSET_MASK;
      out.moreFragments = (field & IPV6_EXT.FRAGMENT_M) !== 0;
      if (out.fragmentDataOffset !== 0) {
        // Not the first fragment: what follows is fragment data, not a header (§4.5).
        out.upperProtocol = next;
        out.upperOffset = -1;
        out.extensionLength = o + len - offset - IPV6.HEADER_LENGTH;
        return out;
      }
    }
    nh = next;
    o += len;
  }
  out.upperProtocol = nh;
  out.upperOffset = o;
  out.extensionLength = o - offset - IPV6.HEADER_LENGTH;
  return out;
}

/**
 * Routing header with Segments Left > 0 seen at the originator: the pseudo-header uses the final
 * destination (RFC 8200 §8.1): the last address of a Type 0 route, the home address of a Type 2
 * header (RFC 6275 §6.4), Segment List[0] of an SRH (RFC 8754 §2). Other types: the Destination field.
 */
function routingFinalDestination(bytes: Uint8Array, o: number, len: number, out: Ipv6Chain): void {
  const segmentsLeft = bytes[o + IPV6_EXT.SEGMENTS_LEFT]!;
  if (segmentsLeft === 0) return;
  const type = bytes[o + IPV6_EXT.ROUTING_TYPE]!;
  const addrBytes = len - IPV6_EXT.ROUTING_ADDRESSES;
  if (addrBytes < IPV6.ADDRESS_LENGTH) return;
  if (type === RoutingType.SOURCE_ROUTE || type === RoutingType.MOBILE_IPV6) {
    const n = Math.floor(addrBytes / IPV6.ADDRESS_LENGTH);
    out.finalDestinationOffset = o + IPV6_EXT.ROUTING_ADDRESSES + (n - 1) * IPV6.ADDRESS_LENGTH;
  } else if (type === RoutingType.SEGMENT_ROUTING) {
    out.finalDestinationOffset = o + IPV6_EXT.ROUTING_ADDRESSES;
  }
}

export interface Ipv6Header {
  readonly version: 6;
  readonly trafficClass: number;
  readonly dscp: number;
  readonly ecn: number;
  readonly flowLabel: number;
  readonly payloadLength: number;
  readonly nextHeader: number;
  readonly hopLimit: number;
  readonly src: string;
  readonly dst: string;
  /** Extension headers in chain order (type, absolute offset, length). */
  readonly extensionHeaders: Ipv6ExtensionHeader[];
  readonly upperProtocol: number;
  /** Absolute offset of the upper-layer header, -1 for a non-first fragment. */
  readonly upperOffset: number;
  readonly fragment: { readonly offset: number; readonly moreFragments: boolean; readonly id: number } | null;
  /** The destination the pseudo-header uses (differs from `dst` with a Routing header). */
  readonly finalDestination: string;
}

export function readIpv6(bytes: Uint8Array, offset = 0, end = bytes.length, layer: Layer = 'ipv6'): Ipv6Header {
  return readIpv6Walk(bytes, offset, end, layer, newIpv6Chain());
}

/**
 * {@link readIpv6} that leaves the walked chain in `chain` too (parseFrame reuses its offsets
 * instead of walking the extension headers again). Internal: not part of the package exports.
 */
export function readIpv6Walk(bytes: Uint8Array, offset: number, end: number, layer: Layer, chain: Ipv6Chain): Ipv6Header {
  const dgEnd = checkIpv6(bytes, offset, end, layer);
  walkIpv6(bytes, offset, dgEnd, layer, chain, true);
  const w = u32(bytes, offset);
  const tc = (w >>> 20) & 0xff;
  const dst = formatIpv6(bytes, offset + IPV6.DST);
  return {
    version: 6,
    trafficClass: tc,
    dscp: tc >>> 2,
    ecn: tc & 3,
    flowLabel: w & 0xfffff,
    payloadLength: u16(bytes, offset + IPV6.PAYLOAD_LENGTH),
    nextHeader: bytes[offset + IPV6.NEXT_HEADER]!,
    hopLimit: bytes[offset + IPV6.HOP_LIMIT]!,
    src: formatIpv6(bytes, offset + IPV6.SRC),
    dst,
    extensionHeaders: chain.headers ?? [],
    upperProtocol: chain.upperProtocol,
    upperOffset: chain.upperOffset,
    fragment:
      chain.fragmentOffset < 0
        ? null
        : { offset: chain.fragmentDataOffset, moreFragments: chain.moreFragments, id: u32(bytes, chain.fragmentOffset + IPV6_EXT.FRAGMENT_ID) },
    // Without a Routing header (the usual case) the final destination is the Destination field.
    finalDestination: chain.finalDestinationOffset === offset + IPV6.DST ? dst : formatIpv6(bytes, chain.finalDestinationOffset),
  };
}

export interface Ipv6Fields {
  readonly src: Uint8Array;
  readonly dst: Uint8Array;
  /** Next Header of the fixed header. */
  readonly nextHeader: number;
  /** Bytes after the fixed header (extension headers included). */
  readonly payloadLength: number;
  readonly dscp?: number;
  readonly ecn?: number;
  readonly flowLabel?: number;
  readonly hopLimit?: number;
}

/** Writes the 40-byte fixed header; returns 40. */
export function writeIpv6(target: Uint8Array, offset: number, f: Ipv6Fields): number {
  const tc = (((f.dscp ?? 0) << 2) | ((f.ecn ?? 0) & 3)) & 0xff;
  put32(target, offset, ((6 << 28) | (tc << 20) | ((f.flowLabel ?? 0) & 0xfffff)) >>> 0);
  put16(target, offset + IPV6.PAYLOAD_LENGTH, f.payloadLength);
  target[offset + IPV6.NEXT_HEADER] = f.nextHeader;
  target[offset + IPV6.HOP_LIMIT] = f.hopLimit ?? 64;
  putAddress(target, offset + IPV6.SRC, f.src, 16);
  putAddress(target, offset + IPV6.DST, f.dst, 16);
  return IPV6.HEADER_LENGTH;
}
