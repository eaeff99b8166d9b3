/**
 * parseFrame: every layer of a frame, outer and inner, as a plain JSON-able object; recursive over
 * NVGRE (an inner frame may itself be NVGRE), bounded by a nesting limit (docs/nvgre.md §4 row 14,
 * CVE-2016-8666). Its `nvgre.violations` are the strict receiver's drop rows, in table order.
 */
import { assertBytes, u16 } from '../wire/bytes.js';
import { ETH, EtherType, isVlanTpid, readEthernet, type EthernetHeader } from '../wire/ethernet.js';
import { flowIdOf, isReservedVsid, readGre, vsidOf, type GreHeader, type KeyLayout } from '../wire/gre.js';
import { ICMP, readIcmp, type IcmpHeader } from '../wire/icmp.js';
import { IPV4, IpProtocol, readIpv4, type Ipv4Header } from '../wire/ipv4.js';
import { IPV6, newIpv6Chain, readIpv6Walk, type Ipv6Header } from '../wire/ipv6.js';
import { readTcp, type TcpHeader } from '../wire/tcp.js';
import { transportChecksumValid } from '../wire/transport.js';
import { UDP, readUdp, type UdpHeader } from '../wire/udp.js';
import { NvgreError, NvgreErrorCode, type NvgreErrorInfo } from '../wire/errors.js';


export interface ParsedNvgre {
  readonly vsid: number;
  readonly flowId: number;
  readonly key: number;
  /**
   * True when a strict receiver (`decapsulate` with its defaults) accepts this NVGRE packet: when
   * `violations` is empty.
   */
  readonly conformant: boolean;
  /**
   * Every row of the drop table (docs/nvgre.md §4) this packet breaks, in table order, so that the
   * first is the code strict `decapsulate` drops it with: `TRUNCATED` (inner frame shorter than an
   * Ethernet header), `BAD_CHECKSUM` (delivery IPv4 header checksum), `FRAGMENTED` (delivery IP
   * fragment), `GRE_VERSION`, `GRE_FLAGS` (R, Reserved0 bits 4–5, C, S), `RESERVED_VSID`,
   * `INNER_VLAN` (an 802.1Q/802.1ad tag on the inner frame, priority tags included). Empty when
   * conformant.
   */
  readonly violations: NvgreErrorCode[];
}

export type ParsedTransport =
  | ({ readonly protocol: 'tcp'; readonly checksumValid: boolean | null; readonly payloadLength: number } & TcpHeader)
  | ({ readonly protocol: 'udp'; readonly checksumValid: boolean | null; readonly payloadLength: number } & UdpHeader)
  | ({ readonly protocol: 'icmpv4' | 'icmpv6'; readonly checksumValid: boolean | null; readonly payloadLength: number } & IcmpHeader);

export interface ParsedFrame {
  /** Offset of this frame in the bytes given to parseFrame (0 for the outermost). */
  readonly offset: number;
  /** Bytes of this frame (for an inner frame: up to the end of the outer IP datagram). */
  readonly length: number;
  /** Encapsulation depth: 0 for the outermost frame. */
  readonly depth: number;
  readonly ethernet: EthernetHeader;
  readonly ip?: Ipv4Header | Ipv6Header;
  readonly gre?: GreHeader;
  /** Present when GRE carries Transparent Ethernet Bridging with a key (the NVGRE view of the key). */
  readonly nvgre?: ParsedNvgre;
  /** The encapsulated Ethernet frame (GRE protocol 0x6558). */
  readonly inner?: ParsedFrame;
  readonly transport?: ParsedTransport;
  /** Bytes after the last decoded header, up to the end of the datagram. */
  readonly payload: { readonly offset: number; readonly length: number };
  /** Bytes after the IP datagram (Ethernet padding or trailer); never part of an inner frame. */
  readonly trailerLength: number;
  /** With `partial: true`: where decoding stopped and why. */
  readonly error?: NvgreErrorInfo;
}

export interface ParseFrameOptions {
  /** Most NVGRE headers decoded in one frame (default 4); one more gives `NESTING_LIMIT`. */
  readonly maxDepth?: number;
  /** Return the layers that decoded plus `error` instead of throwing (etherparse's "lax" mode). */
  readonly partial?: boolean;
  /**
   * Verify the TCP/UDP/ICMP checksums (default true). They cover the whole payload, so they are most of
   * a parse's time for a full-size frame; with `false` every transport `checksumValid` is null (not
   * checked), as tshark and Scapy dissect by default. IPv4 header checksums are always verified.
   */
  readonly transportChecksums?: boolean;
  /** How the key carries the VSID (docs/nvgre.md §7): `'rfc7637'` (default) or `'low24'`, as decapsulate reads it. */
  readonly keyLayout?: KeyLayout;
}

export const HARD_MAX_DEPTH = 64;

type Mutable = Record<string, unknown>;

/** Error layer names of the outer frame (depth 0) and of inner frames. */
const OUTER_LAYERS = { eth: 'outer-ethernet', ipv4: 'outer-ipv4', ipv6: 'outer-ipv6' } as const;
const INNER_LAYERS = { eth: 'inner-ethernet', ipv4: 'inner-ipv4', ipv6: 'inner-ipv6' } as const;

// One IPv6 chain for all levels: parseLevel copies out what it needs right after the walk, before
// it recurses (the collected `headers` array is fresh per walk and handed to the caller).
const ipv6Chain = newIpv6Chain();

function parseLevel(
  bytes: Uint8Array,
  offset: number,
  end: number,
  depth: number,
  maxDepth: number,
  partial: boolean,
  verifyTransport: boolean,
  layout: KeyLayout,
): ParsedFrame {
  const out: Mutable = { offset, length: end - offset, depth };
  const n = depth === 0 ? OUTER_LAYERS : INNER_LAYERS;
  let payloadOffset = offset;
  let payloadEnd = end;
  try {
    const eth = readEthernet(bytes, offset, end, n.eth);
    out.ethernet = eth;
    payloadOffset = offset + eth.headerLength;
    const ipOffset = payloadOffset;
    let ipVersion: 0 | 4 | 6 = 0;
    let upper = -1; // offset of the upper-layer header; -1 when absent (non-first fragment)
    let fragment = false;
    let protocol = -1;
    let dstOffset = 0;
    if (eth.etherType === EtherType.IPV4) {
      const ip = readIpv4(bytes, ipOffset, end, n.ipv4);
      out.ip = ip;
      ipVersion = 4;
      payloadEnd = ipOffset + ip.totalLength;
      payloadOffset = ipOffset + ip.headerLength;
      protocol = ip.protocol;
      fragment = ip.moreFragments || ip.fragmentOffset !== 0;
      upper = ip.fragmentOffset === 0 ? payloadOffset : -1;
      dstOffset = ipOffset + IPV4.DST;
    } else if (eth.etherType === EtherType.IPV6) {
      const ip = readIpv6Walk(bytes, ipOffset, end, n.ipv6, ipv6Chain);
      out.ip = ip;
      ipVersion = 6;
      payloadEnd = ipOffset + IPV6.HEADER_LENGTH + ip.payloadLength;
      protocol = ip.upperProtocol;
      upper = ip.upperOffset;
      fragment = ip.fragment !== null;
      // The walk's totals: every extension header listed, and the pseudo-header destination.
      payloadOffset = ipOffset + IPV6.HEADER_LENGTH + ipv6Chain.extensionLength;
      dstOffset = ipv6Chain.finalDestinationOffset;
    }
    out.trailerLength = end - payloadEnd;
    if (ipVersion !== 0 && upper >= 0) {
      if (protocol === IpProtocol.GRE) {
        const gre = readGre(bytes, upper, payloadEnd, 'gre');
        out.gre = gre;
        payloadOffset = upper + gre.headerLength;
        if (gre.protocol === EtherType.TEB && gre.key !== null) {
          const checksumBad = ipVersion === 4 && !(out.ip as Ipv4Header).checksumValid;
          out.nvgre = nvgreView(gre, bytes, payloadOffset, payloadEnd, checksumBad, fragment, layout);
        }
        // An inner frame is decoded only from a complete datagram (fragments: reassemble first).
        if (gre.protocol === EtherType.TEB && !fragment) {
          // This is NVGRE header number depth + 1; maxDepth of them decode, one more does not.
          if (depth >= maxDepth) {
            throw new NvgreError(
              NvgreErrorCode.NESTING_LIMIT,
              'gre',
              upper,
              `Ethernet-in-GRE nested more than ${maxDepth} deep; refusing to decode further (docs/nvgre.md §4 row 14, CVE-2016-8666)`,
            );
          }
          const inner = parseLevel(bytes, payloadOffset, payloadEnd, depth + 1, maxDepth, partial, verifyTransport, layout);
          out.inner = inner;
          payloadOffset = payloadEnd;
          if (inner.error) out.error = inner.error;
        }
      } else if (protocol === IpProtocol.TCP || protocol === IpProtocol.UDP || protocol === IpProtocol.ICMP || protocol === IpProtocol.ICMPV6) {
        // A fragment's checksum covers bytes it does not hold: null, as when verification is off.
        const t = parseTransport(bytes, protocol, upper, payloadEnd, ipVersion, ipOffset, dstOffset, verifyTransport && !fragment);
        out.transport = t;
        payloadOffset = upper + (t.protocol === 'tcp' ? t.headerLength : UDP.HEADER_LENGTH);
      }
    }
  } catch (e) {
    if (!partial || !(e instanceof NvgreError)) throw e;
    out.error = e.toInfo();
    if (out.ethernet === undefined) {
      out.payload = { offset, length: 0 };
      out.trailerLength = 0;
      return out as unknown as ParsedFrame;
    }
  }
  out.trailerLength ??= 0;
  out.payload = { offset: payloadOffset, length: Math.max(0, payloadEnd - payloadOffset) };
  return out as unknown as ParsedFrame;
}

/**
 * The NVGRE view of a GRE header that carries Transparent Ethernet Bridging with a key, with the rows
 * of the drop table (docs/nvgre.md §4) the packet breaks, in table order: the rows strict
 * decapsulation (src/tunnel/decapsulate.ts) evaluates, read from the same bytes, so that
 * `conformant` is its verdict. The inner frame is `bytes[inner, end)`; `checksumBad` and `fragment`
 * describe the delivery IP header.
 */
function nvgreView(gre: GreHeader, bytes: Uint8Array, inner: number, end: number, checksumBad: boolean, fragment: boolean, layout: KeyLayout): ParsedNvgre {
  const key = gre.key!;
  const violations: NvgreErrorCode[] = [];
  // Only a GRE version 0 payload is an inner Ethernet frame, judged by rows 1 and 13.
  const innerLength = gre.version === 0 ? end - inner : -1;
  // Row 1: the inner frame holds at least an Ethernet header.
  if (innerLength >= 0 && innerLength < ETH.HEADER_LENGTH) violations.push(NvgreErrorCode.TRUNCATED);
  if (checksumBad) violations.push(NvgreErrorCode.BAD_CHECKSUM); // row 2
  if (fragment) violations.push(NvgreErrorCode.FRAGMENTED); // row 3
  if (gre.version !== 0) violations.push(NvgreErrorCode.GRE_VERSION); // row 4
  // Rows 5, 9, 10: R or Reserved0 bits 4–5; the C and S words NVGRE forbids.
  if (gre.routingPresent || (gre.reserved0 & 0x180) !== 0 || gre.checksumPresent || gre.sequencePresent) violations.push(NvgreErrorCode.GRE_FLAGS);
  if (layout === 'low24' && key >>> 24 !== 0) violations.push(NvgreErrorCode.RESERVED_KEY_BITS); // low24's zero high byte (§7)
  if (isReservedVsid(vsidOf(key, layout))) violations.push(NvgreErrorCode.RESERVED_VSID); // row 11
  // Row 13: any 802.1Q/802.1ad tag on the inner frame, a priority tag too (strict receivers accept none).
  if (innerLength >= ETH.HEADER_LENGTH && isVlanTpid(u16(bytes, inner + ETH.TYPE))) violations.push(NvgreErrorCode.INNER_VLAN);
  return { vsid: vsidOf(key, layout), flowId: flowIdOf(key, layout), key, conformant: violations.length === 0, violations };
}

/**
 * The transport layer as `{ protocol, ...header, payloadLength, checksumValid }`, written out as
 * literals: an object spread copies through a slow generic path, and the key order (which JSON
 * output shows) is the same — the header's keys in the order its reader creates them.
 * `checksumValid` is null unless `verify` (a complete datagram, and verification not turned off).
 */
function parseTransport(
  bytes: Uint8Array,
  protocol: number,
  o: number,
  end: number,
  ipVersion: 4 | 6,
  ipOffset: number,
  dstOffset: number,
  verify: boolean,
): ParsedTransport {
  if (protocol === IpProtocol.TCP) {
    const h = readTcp(bytes, o, end, 'tcp');
    return {
      protocol: 'tcp',
      srcPort: h.srcPort,
      dstPort: h.dstPort,
      seq: h.seq,
      ack: h.ack,
      headerLength: h.headerLength,
      flags: h.flags,
      ns: h.ns,
      window: h.window,
      checksum: h.checksum,
      urgentPointer: h.urgentPointer,
      options: h.options,
      payloadLength: end - o - h.headerLength,
      checksumValid: verify ? transportChecksumValid(bytes, ipVersion, ipOffset, dstOffset, protocol, o, end - o) : null,
    };
  }
  if (protocol === IpProtocol.UDP) {
    const h = readUdp(bytes, o, end, 'udp');
    const absent = h.checksum === 0 && ipVersion === 4;
    return {
      protocol: 'udp',
      srcPort: h.srcPort,
      dstPort: h.dstPort,
      length: h.length,
      checksum: h.checksum,
      payloadLength: h.length - UDP.HEADER_LENGTH,
      checksumValid:
        !verify || absent ? null : h.checksum === 0 ? false : transportChecksumValid(bytes, ipVersion, ipOffset, dstOffset, protocol, o, h.length),
    };
  }
  const h = readIcmp(bytes, o, end, protocol === IpProtocol.ICMP ? 'icmpv4' : 'icmpv6');
  return {
    protocol: protocol === IpProtocol.ICMP ? 'icmpv4' : 'icmpv6',
    type: h.type,
    code: h.code,
    checksum: h.checksum,
    rest: h.rest,
    payloadLength: end - o - ICMP.HEADER_LENGTH,
    checksumValid: verify ? transportChecksumValid(bytes, ipVersion, ipOffset, dstOffset, protocol, o, end - o) : null,
  };
}

/**
 * Decodes every layer of `frame`: outer Ethernet (+tags), IP, GRE/NVGRE, the inner frame (recursively,
 * up to `maxDepth` NVGRE levels), and TCP/UDP/ICMP with checksum validity. Policy violations (reserved
 * VSID, C/S bits) are reported in `nvgre.violations`, not thrown; malformed or truncated headers throw
 * `NvgreError` (or, with `partial: true`, end the decode with `error`).
 */
export function parseFrame(frame: Uint8Array, options?: ParseFrameOptions): ParsedFrame {
  assertBytes(frame, 'frame');
  if (options !== undefined && (options === null || typeof options !== 'object')) throw new TypeError(`options must be an object, got ${String(options)}`);
  const maxDepth = options?.maxDepth ?? 4;
  if (!Number.isInteger(maxDepth) || maxDepth < 1 || maxDepth > HARD_MAX_DEPTH) {
    throw new RangeError(`options.maxDepth must be an integer from 1 to ${HARD_MAX_DEPTH}, got ${String(maxDepth)}`);
  }
  const transportChecksums = options?.transportChecksums;
  if (transportChecksums !== undefined && typeof transportChecksums !== 'boolean') {
    throw new TypeError(`options.transportChecksums must be a boolean, got ${typeof transportChecksums}`);
  }
  const layout = options?.keyLayout ?? 'rfc7637';
  if (layout !== 'rfc7637' && layout !== 'low24') throw new TypeError(`options.keyLayout must be 'rfc7637' or 'low24', got ${String(layout)}`);
  return parseLevel(frame, 0, frame.length, 0, maxDepth, options?.partial === true, transportChecksums !== false, layout);
}
