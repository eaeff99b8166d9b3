/**
 * Rx checksum offload emulation (docs/offload.md §9): validates the outer IPv4 header, the inner IPv4
 * header and the innermost TCP/UDP checksum of an NVGRE frame (or the headers of a plain frame) and
 * reports them per layer and as the NDIS receive flags. ICMPv4/ICMPv6 are verified too (library
 * extension; no NDIS flag). Read only.
 *
 * Hot path: one walk into a module-level {@link FrameLayout}, one sum per checksum, no allocation
 * beyond the report, no string work unless an error is thrown. IPv4/NVGRE/IPv4/TCP frames of
 * {@link V4V4.KERNEL_MIN} bytes or more: one call of the SIMD module (wire/checksum-simd-v4v4.ts).
 */
import { assertBytes, u16 } from '../wire/bytes.js';
import { fold, onesComplementSum } from '../wire/checksum.js';
import { simdVerifyV4V4 } from '../wire/checksum-simd.js';
import { IpProtocol, ipv4BaseHeaderSum, ipv4ChecksumValid } from '../wire/ipv4.js';
import { FrameLayout, walkFrame, type IpLayout, type WalkOptions } from '../wire/layout.js';
import { TCP } from '../wire/tcp.js';
import { pseudoHeaderSum, transportChecksumField, transportChecksumValid } from '../wire/transport.js';
import { UDP } from '../wire/udp.js';
import { Wire } from '../wire/wire.js';
import { capabilitiesCover } from './ndis.js';
import {
  argError,
  checkBooleanOption,
  checkEnumOption,
  checkIntOption,
  Ipv4Code,
  TransportIndex,
  makeReport,
  makeReportFromCodes,
  reportFrom,
  nblFlagsOf,
  optionsObject,
  transportName,
  type ChecksumReport,
  type LayerStatus,
  type NblFlagsFrom,
  type TransportProtocol,
} from './report.js';

export interface VerifyChecksumsOptions {
  /** Which headers `nblFlags` describes. Default `'inner'` (docs/offload.md §9 library rule). */
  readonly nblFlagsFrom?: NblFlagsFrom;
  /**
   * Label a TCP/UDP checksum field that equals a pseudo-header seed (with or without the L4 length,
   * docs/offload.md §8) as `'partial'` instead of `'bad'`, as a capture taken before Tx offload shows it
   * (docs/offload.md §16 #10). A partial checksum sets neither NDIS L4 flag. Default false.
   */
  readonly partialAsSeed?: boolean;
  /**
   * UDP destination ports for which an IPv6 UDP checksum of 0 is accepted (RFC 6935 zero-checksum
   * mode, applicability RFC 6936): reported `'absent'` with neither flag instead of `'bad'`.
   */
  readonly udpZeroChecksumPorts?: ReadonlySet<number> | readonly number[];
  /**
   * `EncapsulatedPacketTaskOffload` with `NDIS_ENCAPSULATION_TYPE_GRE_MAC` enabled (docs/offload.md §7).
   * Default true. When false an NVGRE frame is validated like a plain packet: outer IPv4 only;
   * `innerIpv4` and the GRE transport are `'not-applicable'`.
   */
  readonly encapsulatedPacketTaskOffload?: boolean;
  /**
   * `ReceiveChecksumOffloadSupported` bits ({@link EncapsulatedOffloadCapability}). An NVGRE frame whose
   * outer/inner IP versions are not covered is validated like a plain packet (Rx never fails a frame).
   */
  readonly capabilities?: number;
  /** Also treat GRE with C/S words at their RFC 2890 offsets as NVGRE (docs/offload.md §9 library rule). Default false. */
  readonly lenient?: boolean;
}

const layout = new FrameLayout();

function validate(o: VerifyChecksumsOptions): void {
  checkEnumOption(o.nblFlagsFrom, 'options.nblFlagsFrom', NBL_FROM);
  checkBooleanOption(o.partialAsSeed, 'options.partialAsSeed');
  checkBooleanOption(o.encapsulatedPacketTaskOffload, 'options.encapsulatedPacketTaskOffload');
  checkBooleanOption(o.lenient, 'options.lenient');
  checkIntOption(o.capabilities, 'options.capabilities', 0, 15);
  const ports = o.udpZeroChecksumPorts;
  if (ports !== undefined && !Array.isArray(ports) && typeof (ports as { has?: unknown }).has !== 'function') {
    throw argError('options.udpZeroChecksumPorts must be an array or a Set of port numbers');
  }
}

const NBL_FROM: readonly string[] = ['inner', 'outer'];
const LENIENT: WalkOptions = { lenient: true };

/** IPv4 header status; headers have been length-checked by the walk. */
function ipv4Status(bytes: Uint8Array, ip: IpLayout): LayerStatus {
  return ipv4ChecksumValid(bytes, ip.offset, ip.headerLength) ? 'ok' : 'bad';
}

/** Zero has two one's-complement encodings (RFC 1071 §1). */
function sameSum(a: number, b: number): boolean {
  return a === b || ((a === 0 || a === 0xffff) && (b === 0 || b === 0xffff));
}

/** True when the field holds a Tx-offload seed: the folded pseudo-header sum with or without the length (docs/offload.md §8). */
function isSeed(bytes: Uint8Array, ip: IpLayout, protocol: number, field: number, l4Length: number): boolean {
  const v = ip.version as 4 | 6;
  const stored = u16(bytes, field);
  return (
    sameSum(stored, fold(pseudoHeaderSum(bytes, v, ip.offset, ip.dstOffset, protocol, l4Length))) ||
    sameSum(stored, fold(pseudoHeaderSum(bytes, v, ip.offset, ip.dstOffset, protocol, 0)))
  );
}

function zeroPortAllowed(ports: VerifyChecksumsOptions['udpZeroChecksumPorts'], port: number): boolean {
  if (ports === undefined) return false;
  return Array.isArray(ports) ? (ports as readonly number[]).includes(port) : (ports as ReadonlySet<number>).has(port);
}

/**
 * Verifies every checksum the NIC would (outer IPv4 header, inner IPv4 header, innermost TCP/UDP;
 * plus ICMPv4/ICMPv6) and returns per-layer statuses, the NDIS receive flags and `nblFlags`. The IPv6
 * pseudo-header uses the final destination, upper-layer length and upper-layer Next Header
 * (RFC 8200 §8.1). Fragments are `'unverifiable'` (no L4 flag). UDP/IPv4 checksum 0 is `'absent'`
 * (no flag); UDP/IPv6 checksum 0 is `'bad'` unless its port is in `udpZeroChecksumPorts`.
 *
 * Throws `NvgreError` (`TRUNCATED`, `BAD_IP_HEADER`, `BAD_LENGTH`) when an Ethernet or IP header that
 * is present does not fit; a truncated transport header is reported `'unverifiable'`, not thrown.
 */
export function verifyChecksums(frame: Uint8Array, options?: VerifyChecksumsOptions): ChecksumReport {
  // The commonest call, no options and a long IPv4/NVGRE/IPv4/TCP frame, in a body small enough for
  // V8 to inline into the caller's loop: behind the call of the whole function (too large to inline)
  // the module's call cost about 10 ns more, a sixth of verifying a 1500-byte frame.
  if (options === undefined && frame instanceof Uint8Array) {
    const report = kernelV4V4(frame);
    if (report !== null) return report;
  }
  return verifyAny(frame, options);
}

/** {@link verifyChecksums} of any frame with any options: argument checks, fast paths, the general walk. */
function verifyAny(frame: Uint8Array, options: VerifyChecksumsOptions | undefined): ChecksumReport {
  assertBytes(frame, 'frame');
  const o = optionsObject(options, 'options');
  if (o !== undefined) validate(o);
  if (
    o === undefined ||
    (o.partialAsSeed !== true && o.udpZeroChecksumPorts === undefined && o.encapsulatedPacketTaskOffload !== false && o.capabilities === undefined)
  ) {
    const nblOuter = o?.nblFlagsFrom === 'outer';
    // Without options verifyChecksums has tried the module already: a second try would copy the frame again.
    const fast = verifyNvgreV4V4Tcp(frame, nblOuter, o === undefined) ?? fastVerify(frame, nblOuter);
    if (fast !== null) return fast;
  }
  walkFrame(frame, layout, 0, frame.length, o?.lenient === true ? LENIENT : undefined);
  const outer = layout.outerIp;
  let encapsulated = layout.encapsulated;
  if (encapsulated && o !== undefined) {
    if (o.encapsulatedPacketTaskOffload === false) encapsulated = false;
    else if (o.capabilities !== undefined && !capabilitiesCover(o.capabilities, outer.version, layout.innerIp.version)) encapsulated = false;
  }
  const outerStatus: LayerStatus = outer.version === 4 ? ipv4Status(frame, outer) : 'absent';
  let innerStatus: LayerStatus = 'absent';
  if (layout.encapsulated && layout.innerIp.version === 4) innerStatus = encapsulated ? ipv4Status(frame, layout.innerIp) : 'not-applicable';
  const tip = encapsulated ? layout.transportIp : outer;

  let protocol: TransportProtocol = 'none';
  let status: LayerStatus = 'absent';
  if (tip.version !== 0) {
    protocol = transportName(tip.protocol, tip.version);
    if (protocol === 'none') status = 'absent';
    else if (typeof protocol === 'number') status = 'not-applicable';
    else if (tip.fragment || tip.upperOffset < 0) status = 'unverifiable';
    else status = transportStatus(frame, tip, o);
  }
  return makeReport(encapsulated, outerStatus, innerStatus, protocol, status, nblFlagsOf(layout, tip, o?.nblFlagsFrom));
}

function transportStatus(bytes: Uint8Array, ip: IpLayout, o: VerifyChecksumsOptions | undefined): LayerStatus {
  const protocol = ip.protocol;
  const off = ip.upperOffset;
  const avail = ip.end - off;
  const v = ip.version as 4 | 6;
  let len = avail;
  if (protocol === IpProtocol.UDP) {
    if (avail < UDP.HEADER_LENGTH) return 'unverifiable';
    len = u16(bytes, off + UDP.LENGTH);
    if (len < UDP.HEADER_LENGTH || len > avail) return 'unverifiable';
    if (u16(bytes, off + UDP.CHECKSUM) === 0) {
      // RFC 768: 0 = not computed; RFC 8200 §8.1: invalid over IPv6 unless RFC 6935 zero-checksum mode.
      if (v === 4 || zeroPortAllowed(o?.udpZeroChecksumPorts, u16(bytes, off + UDP.DST_PORT))) return 'absent';
      return 'bad';
    }
  } else if (protocol === IpProtocol.TCP) {
    if (avail < TCP.MIN_HEADER_LENGTH) return 'unverifiable';
  } else if (avail < 4) {
    return 'unverifiable'; // ICMP type, code, checksum
  }
  if (transportChecksumValid(bytes, v, ip.offset, ip.dstOffset, protocol, off, len)) return 'ok';
  if (o?.partialAsSeed === true && (protocol === IpProtocol.TCP || protocol === IpProtocol.UDP)) {
    if (isSeed(bytes, ip, protocol, off + transportChecksumField(protocol), len)) return 'partial';
  }
  return 'bad';
}

// ---------------------------------------------------------------------------------------------
// Fast paths. The common shapes — outer Ethernet (± one 802.1Q tag), IPv4 or extension-free IPv6,
// conformant NVGRE (first word 0x20006558), untagged inner Ethernet, IPv4 or extension-free IPv6,
// TCP/UDP/ICMP; or the same without the tunnel — are verified without the general walk (one pass
// over the headers, no calls but the payload sum); the commonest of them, IPv4 in IPv4 without
// options carrying TCP, at constant offsets first. Anything else (fragments, extension headers,
// tags, malformed or truncated headers, non-IP, options that change the semantics) returns null and
// takes the general path, which owns every error and corner case. All paths give identical reports
// (test/offload/checksums.test.ts, test/offload/verify-fast-path.test.ts).

/**
 * What the fast path needs beyond the wire numbers (wire/wire.ts): copies of `NblFlag` bits and the
 * bytes an ICMP header needs for its checksum, as a const enum the build inlines (pinned by
 * test/offload/verify-fast-path.test.ts).
 */
export const enum FastPath {
  /** Type, code and checksum. */
  ICMP_MIN_HEADER = 4,
  IS_IPV4 = 0x200,
  IS_IPV6 = 0x400,
  IS_TCP = 0x800,
  IS_UDP = 0x1000,
}

/** The report for a frame of the common shapes (see above), or null: the general path decides. */
function fastVerify(b: Uint8Array, nblOuter: boolean): ChecksumReport | null {
  const len = b.length;
  if (len < Wire.ETH_HEADER + Wire.IPV4_MIN_HEADER) return null;
  let o = Wire.ETH_HEADER;
  let et = (b[12]! << 8) | b[13]!;
  if (et === Wire.TPID_VLAN) {
    et = (b[16]! << 8) | b[17]!;
    o += Wire.VLAN_TAG;
  }
  if (et === Wire.TPID_VLAN || et === Wire.TPID_QINQ) return null;
  let end = len;
  let encapsulated = false;
  let outerVersion = 0;
  let outerProtocol = 0;
  let outerCode = Ipv4Code.ABSENT;
  let innerCode = Ipv4Code.ABSENT;
  // The IP header at o (EtherType et), then once more for the inner frame when it is NVGRE.
  for (;;) {
    const avail = end - o;
    let version: number;
    let protocol: number;
    let upper: number;
    /** IPv4: the sum of the source and destination address words (header sum and pseudo-header). */
    let addresses = 0;
    if (et === Wire.ETHERTYPE_IPV4) {
      if (avail < Wire.IPV4_MIN_HEADER) return null;
      // The fixed header as 16-bit words, each read once (RFC 791 §3.1).
      const w0 = (b[o]! << 8) | b[o + 1]!; // version, IHL, DSCP/ECN
      const total = (b[o + 2]! << 8) | b[o + 3]!;
      const id = (b[o + 4]! << 8) | b[o + 5]!;
      const ff = (b[o + 6]! << 8) | b[o + 7]!; // flags, fragment offset
      const ttlProtocol = (b[o + 8]! << 8) | b[o + 9]!;
      const checksum = (b[o + 10]! << 8) | b[o + 11]!;
      addresses = ((b[o + 12]! << 8) | b[o + 13]!) + ((b[o + 14]! << 8) | b[o + 15]!) + ((b[o + 16]! << 8) | b[o + 17]!) + ((b[o + 18]! << 8) | b[o + 19]!);
      const hl = (w0 >>> 6) & 0x3c; // IHL · 4
      if (w0 >>> 12 !== 4 || hl < Wire.IPV4_MIN_HEADER || avail < hl) return null;
      if (total < hl || total > avail) return null;
      if ((ff & Wire.IPV4_MF_OFFSET) !== 0) return null; // a fragment
      // Header checksum (RFC 1071: all words, the checksum included, sum to 0xFFFF).
      let sum = w0 + total + id + ff + ttlProtocol + checksum + addresses;
      for (let k = o + Wire.IPV4_MIN_HEADER; k < o + hl; k += 2) sum += (b[k]! << 8) | b[k + 1]!;
      sum = (sum & 0xffff) + (sum >>> 16);
      sum = (sum & 0xffff) + (sum >>> 16);
      const code = sum === 0xffff ? Ipv4Code.OK : Ipv4Code.BAD;
      if (encapsulated) innerCode = code;
      else outerCode = code;
      version = 4;
      end = o + total;
      protocol = ttlProtocol & 0xff;
      upper = o + hl;
    } else if (et === Wire.ETHERTYPE_IPV6) {
      if (avail < Wire.IPV6_HEADER || b[o]! >>> 4 !== 6) return null;
      const total = Wire.IPV6_HEADER + ((b[o + 4]! << 8) | b[o + 5]!);
      if (total > avail) return null;
      protocol = b[o + 6]!; // no extension headers on the fast path
      if (protocol !== Wire.PROTOCOL_TCP && protocol !== Wire.PROTOCOL_UDP && protocol !== Wire.PROTOCOL_ICMPV6 && protocol !== Wire.PROTOCOL_GRE) return null;
      version = 6;
      end = o + total;
      upper = o + Wire.IPV6_HEADER;
    } else return null;
    if (!encapsulated) {
      outerVersion = version;
      outerProtocol = protocol;
      if (protocol === Wire.PROTOCOL_GRE) {
        const g = upper;
        if (end - g < Wire.NVGRE_HEADER + Wire.ETH_HEADER) return null;
        if (((b[g]! << 8) | b[g + 1]!) !== Wire.NVGRE_FIRST_WORD_HI || ((b[g + 2]! << 8) | b[g + 3]!) !== Wire.NVGRE_FIRST_WORD_LO) return null;
        encapsulated = true;
        const ie = g + Wire.NVGRE_HEADER;
        et = (b[ie + 12]! << 8) | b[ie + 13]!;
        o = ie + Wire.ETH_HEADER;
        continue;
      }
    }
    let l4 = end - upper;
    let transport: TransportIndex;
    if (protocol === Wire.PROTOCOL_TCP) {
      if (l4 < Wire.TCP_MIN_HEADER) return null;
      transport = TransportIndex.TCP;
    } else if (protocol === Wire.PROTOCOL_UDP) {
      if (l4 < Wire.UDP_HEADER) return null;
      l4 = (b[upper + 4]! << 8) | b[upper + 5]!;
      if (l4 < Wire.UDP_HEADER || l4 > end - upper) return null;
      transport = TransportIndex.UDP;
    } else if (protocol === Wire.PROTOCOL_ICMP && version === 4) {
      if (l4 < FastPath.ICMP_MIN_HEADER) return null;
      transport = TransportIndex.ICMPV4;
    } else if (protocol === Wire.PROTOCOL_ICMPV6 && version === 6) {
      if (l4 < FastPath.ICMP_MIN_HEADER) return null;
      transport = TransportIndex.ICMPV6;
    } else return null;
    const nv = nblOuter ? outerVersion : version;
    const np = nblOuter ? outerProtocol : protocol;
    const nbl = (nv === 4 ? FastPath.IS_IPV4 : FastPath.IS_IPV6) | (np === Wire.PROTOCOL_TCP ? FastPath.IS_TCP : np === Wire.PROTOCOL_UDP ? FastPath.IS_UDP : 0);
    if (transport === TransportIndex.UDP && b[upper + 6] === 0 && b[upper + 7] === 0) {
      if (version === 6) return null; // the general path decides (zero-checksum ports)
      return makeReportFromCodes(encapsulated, outerCode, innerCode, transport, false, true, nbl); // RFC 768: no checksum
    }
    // Pseudo-header (RFC 9293 §3.1, RFC 768, RFC 8200 §8.1); ICMPv4 has none (RFC 792).
    let pseudo = 0;
    if (version === 4) {
      if (protocol !== Wire.PROTOCOL_ICMP) pseudo = addresses + protocol + l4;
    } else {
      pseudo = protocol + l4;
      const a = o + 8;
      for (let k = 0; k < 32; k += 2) pseudo += (b[a + k]! << 8) | b[a + k + 1]!;
    }
    const ok = onesComplementSum(b, upper, l4, pseudo) === 0xffff;
    return makeReportFromCodes(encapsulated, outerCode, innerCode, transport, ok, false, nbl);
  }
}

/**
 * Byte offsets of the commonest shape — untagged Ethernet, IPv4 without options, NVGRE, untagged
 * inner Ethernet, IPv4 without options, TCP — which {@link verifyNvgreV4V4Tcp} reads at constant
 * offsets: V8 compiles those to fewer instructions than offsets computed from the headers.
 */
export const enum V4V4 {
  // Literals: the build inlines a const enum only when its members are plain numbers (members computed
  // from Wire's left a runtime object whose properties the hot path loaded). Pinned against Wire's
  // sizes by test/offload/verify-fast-path.test.ts.
  /** Wire.ETH_HEADER − 2 */
  OUTER_ETHERTYPE = 12,
  /** Wire.ETH_HEADER */
  OUTER_IP = 14,
  /** OUTER_IP + Wire.IPV4_MIN_HEADER */
  GRE = 34,
  /** GRE + Wire.NVGRE_HEADER + Wire.ETH_HEADER − 2 */
  INNER_ETHERTYPE = 54,
  /** GRE + Wire.NVGRE_HEADER + Wire.ETH_HEADER */
  INNER_IP = 56,
  /** INNER_IP + Wire.IPV4_MIN_HEADER */
  TCP = 76,
  /** Version 4, IHL 5 (RFC 791 §3.1). */
  VERSION_IHL = 0x45,
  /**
   * Frames from this many bytes are verified by the SIMD module (a TCP segment of 320 bytes or more,
   * where the sum would use the module anyway); shorter ones in TypeScript.
   */
  KERNEL_MIN = 416,
}

/**
 * The report of each result of the SIMD module's verifyV4V4 (bit 1 outer IPv4, 2 inner IPv4, 4 TCP
 * verifies), with nblFlags 0: each call copies one into a fresh report with its own nblFlags.
 */
const V4V4_REPORTS: readonly ChecksumReport[] = Array.from({ length: 8 }, (_, bits) =>
  makeReportFromCodes(true, (bits & 1) !== 0 ? Ipv4Code.OK : Ipv4Code.BAD, (bits & 2) !== 0 ? Ipv4Code.OK : Ipv4Code.BAD, TransportIndex.TCP, (bits & 4) !== 0, false, 0),
);

/**
 * True when the type, version/IHL and protocol bytes of `b` (at least `V4V4.TCP + 20` bytes long) are
 * those of the {@link V4V4} shape; its lengths and fragment fields are checked by the caller.
 */
function isV4V4Shape(b: Uint8Array): boolean {
  const o = V4V4.OUTER_IP;
  const i = V4V4.INNER_IP;
  return (
    ((b[V4V4.OUTER_ETHERTYPE]! << 8) | b[V4V4.OUTER_ETHERTYPE + 1]!) === Wire.ETHERTYPE_IPV4 &&
    b[o] === V4V4.VERSION_IHL &&
    b[o + Wire.IPV4_PROTOCOL] === Wire.PROTOCOL_GRE &&
    ((b[V4V4.GRE]! << 8) | b[V4V4.GRE + 1]!) === Wire.NVGRE_FIRST_WORD_HI &&
    ((b[V4V4.GRE + 2]! << 8) | b[V4V4.GRE + 3]!) === Wire.NVGRE_FIRST_WORD_LO &&
    ((b[V4V4.INNER_ETHERTYPE]! << 8) | b[V4V4.INNER_ETHERTYPE + 1]!) === Wire.ETHERTYPE_IPV4 &&
    b[i] === V4V4.VERSION_IHL &&
    b[i + Wire.IPV4_PROTOCOL] === Wire.PROTOCOL_TCP
  );
}

/**
 * The report of a frame of the {@link V4V4} shape and at least {@link V4V4.KERNEL_MIN} bytes, verified by
 * one call of the SIMD module with nblFlags from the inner headers; null for any other frame, or when
 * the module is off or unavailable ({@link verifyNvgreV4V4Tcp} decides then). Kept small: see
 * {@link verifyChecksums}.
 */
function kernelV4V4(b: Uint8Array): ChecksumReport | null {
  if (b.length < V4V4.KERNEL_MIN || !isV4V4Shape(b)) return null;
  const bits = simdVerifyV4V4(b);
  return bits >= 0 ? reportFrom(V4V4_REPORTS[bits]!, FastPath.IS_IPV4 | FastPath.IS_TCP) : null;
}

/**
 * {@link fastVerify} for the {@link V4V4} shape only, and its exact result; null for anything else.
 * `kernelTried`: {@link kernelV4V4} already had this frame, so the module is not asked again.
 */
function verifyNvgreV4V4Tcp(b: Uint8Array, nblOuter: boolean, kernelTried = false): ChecksumReport | null {
  const len = b.length;
  if (len < V4V4.TCP + Wire.TCP_MIN_HEADER || !isV4V4Shape(b)) return null;
  const o = V4V4.OUTER_IP;
  const i = V4V4.INNER_IP;
  // nblFlags: outer IPv4 carrying GRE, or inner IPv4 carrying TCP (docs/offload.md §9).
  const nbl = nblOuter ? FastPath.IS_IPV4 : FastPath.IS_IPV4 | FastPath.IS_TCP;
  if (len >= V4V4.KERNEL_MIN && !kernelTried) {
    // The rest in one call of the SIMD module (wire/checksum-simd-v4v4.ts), which copies the frame in as
    // the TCP sum would: lengths, fragments, both header sums, pseudo-header and TCP sum.
    const bits = simdVerifyV4V4(b);
    if (bits === -1) return null;
    if (bits >= 0) return reportFrom(V4V4_REPORTS[bits]!, nbl);
  }
  // Total lengths within the buffer and the outer datagram, room for the TCP header; no fragments.
  const outerTotal = (b[o + Wire.IPV4_TOTAL_LENGTH]! << 8) | b[o + Wire.IPV4_TOTAL_LENGTH + 1]!;
  const innerTotal = (b[i + Wire.IPV4_TOTAL_LENGTH]! << 8) | b[i + Wire.IPV4_TOTAL_LENGTH + 1]!;
  const innerEnd = i + innerTotal;
  if (outerTotal > len - o || innerEnd > o + outerTotal || innerTotal < Wire.IPV4_MIN_HEADER + Wire.TCP_MIN_HEADER) return null;
  const outerFf = (b[o + Wire.IPV4_FLAGS_FRAGMENT]! << 8) | b[o + Wire.IPV4_FLAGS_FRAGMENT + 1]!;
  const innerFf = (b[i + Wire.IPV4_FLAGS_FRAGMENT]! << 8) | b[i + Wire.IPV4_FLAGS_FRAGMENT + 1]!;
  if (((outerFf | innerFf) & Wire.IPV4_MF_OFFSET) !== 0) return null;
  const outerCode = ipv4BaseHeaderSum(b, o) === 0xffff ? Ipv4Code.OK : Ipv4Code.BAD;
  const innerCode = ipv4BaseHeaderSum(b, i) === 0xffff ? Ipv4Code.OK : Ipv4Code.BAD;
  // TCP over the pseudo-header (RFC 9293 §3.1): source and destination address words, protocol, length.
  const l4 = innerEnd - V4V4.TCP;
  const a = i + Wire.IPV4_SRC;
  const pseudo = ((b[a]! << 8) | b[a + 1]!) + ((b[a + 2]! << 8) | b[a + 3]!) + ((b[a + 4]! << 8) | b[a + 5]!) + ((b[a + 6]! << 8) | b[a + 7]!) + Wire.PROTOCOL_TCP + l4;
  const ok = onesComplementSum(b, V4V4.TCP, l4, pseudo) === 0xffff;
  return makeReportFromCodes(true, outerCode, innerCode, TransportIndex.TCP, ok, false, nbl);
}
