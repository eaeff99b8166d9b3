/**
 * Rx checksum offload emulation (OFFLOAD.md §9): validates the outer IPv4 header, the inner IPv4
 * header and the innermost TCP/UDP checksum of an NVGRE frame (or the headers of a plain frame) and
 * reports them per layer and as the NDIS receive flags. ICMPv4/ICMPv6 are verified too (library
 * extension; no NDIS flag). Read only.
 *
 * Hot path: one walk into a module-level {@link FrameLayout}, one sum per checksum, no allocation
 * beyond the report, no string work unless an error is thrown.
 */
import { assertBytes, u16 } from '../bytes.js';
import { fold, onesComplementSum } from '../checksum.js';
import { IpProtocol, ipv4ChecksumValid } from '../codec/ipv4.js';
import { FrameLayout, walkFrame, type IpLayout, type WalkOptions } from '../codec/layout.js';
import { TCP } from '../codec/tcp.js';
import { pseudoHeaderSum, transportChecksumField, transportChecksumValid } from '../codec/transport.js';
import { UDP } from '../codec/udp.js';
import { capabilitiesCover } from './ndis.js';
import {
  argError,
  checkBooleanOption,
  checkEnumOption,
  checkIntOption,
  NblFlag,
  makeReport,
  nblFlagsOf,
  optionsObject,
  transportName,
  type ChecksumReport,
  type LayerStatus,
  type NblFlagsFrom,
  type TransportProtocol,
} from './report.js';

export interface VerifyChecksumsOptions {
  /** Which headers `nblFlags` describes. Default `'inner'` (OFFLOAD.md §9 library rule). */
  readonly nblFlagsFrom?: NblFlagsFrom;
  /**
   * Label a TCP/UDP checksum field that equals a pseudo-header seed (with or without the L4 length,
   * OFFLOAD.md §8) as `'partial'` instead of `'bad'`, as a capture taken before Tx offload shows it
   * (OFFLOAD.md §16 #10). A partial checksum sets neither NDIS L4 flag. Default false.
   */
  readonly partialAsSeed?: boolean;
  /**
   * UDP destination ports for which an IPv6 UDP checksum of 0 is accepted (RFC 6935 zero-checksum
   * mode, applicability RFC 6936): reported `'absent'` with neither flag instead of `'bad'`.
   */
  readonly udpZeroChecksumPorts?: ReadonlySet<number> | readonly number[];
  /**
   * `EncapsulatedPacketTaskOffload` with `NDIS_ENCAPSULATION_TYPE_GRE_MAC` enabled (OFFLOAD.md §7).
   * Default true. When false an NVGRE frame is validated like a plain packet: outer IPv4 only;
   * `innerIpv4` and the GRE transport are `'not-applicable'`.
   */
  readonly encapsulatedPacketTaskOffload?: boolean;
  /**
   * `ReceiveChecksumOffloadSupported` bits ({@link EncapsulatedOffloadCapability}). An NVGRE frame whose
   * outer/inner IP versions are not covered is validated like a plain packet (Rx never fails a frame).
   */
  readonly capabilities?: number;
  /** Also treat GRE with C/S words at their RFC 2890 offsets as NVGRE (OFFLOAD.md §9 library rule). Default false. */
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

/** True when the field holds a Tx-offload seed: the folded pseudo-header sum with or without the length (OFFLOAD.md §8). */
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
  assertBytes(frame, 'frame');
  const o = optionsObject(options, 'options');
  if (o !== undefined) validate(o);
  if (
    o === undefined ||
    (o.partialAsSeed !== true && o.udpZeroChecksumPorts === undefined && o.encapsulatedPacketTaskOffload !== false && o.capabilities === undefined)
  ) {
    const fast = fastVerify(frame, o?.nblFlagsFrom === 'outer');
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
// Fast path. The common shapes — outer Ethernet (± one 802.1Q tag), IPv4 or extension-free IPv6,
// conformant NVGRE (first word 0x20006558), untagged inner Ethernet, IPv4 or extension-free IPv6,
// TCP/UDP/ICMP; or the same without the tunnel — are verified without the general walk (one pass,
// few calls). Anything else (fragments, extension headers, tags, malformed or truncated headers,
// non-IP, options that change the semantics) returns null and takes the general path, which owns
// every error and corner case. Both paths give identical reports (test/offload/verify.test.ts).

const TPID_VLAN = 0x8100;
const TPID_QINQ = 0x88a8;
const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const NVGRE_FIRST_WORD_HI = 0x2000;
const NVGRE_FIRST_WORD_LO = 0x6558;

// Scratch results of fastIp (module-level: no allocation).
let fVersion = 0;
let fEnd = 0;
let fProtocol = 0;
let fUpper = 0;

/** Parses an IP header the fast path accepts; false → general path. */
function fastIp(b: Uint8Array, et: number, o: number, end: number): boolean {
  const avail = end - o;
  if (et === ETHERTYPE_IPV4) {
    if (avail < 20) return false;
    const vihl = b[o]!;
    const hl = (vihl & 0x0f) << 2;
    if (vihl >>> 4 !== 4 || hl < 20 || avail < hl) return false;
    const total = (b[o + 2]! << 8) | b[o + 3]!;
    if (total < hl || total > avail) return false;
    if ((((b[o + 6]! << 8) | b[o + 7]!) & 0x3fff) !== 0) return false; // MF or fragment offset
    fVersion = 4;
    fEnd = o + total;
    fProtocol = b[o + 9]!;
    fUpper = o + hl;
    return true;
  }
  if (et === ETHERTYPE_IPV6) {
    if (avail < 40 || b[o]! >>> 4 !== 6) return false;
    const total = 40 + ((b[o + 4]! << 8) | b[o + 5]!);
    if (total > avail) return false;
    const nh = b[o + 6]!;
    if (nh !== IpProtocol.TCP && nh !== IpProtocol.UDP && nh !== IpProtocol.ICMPV6 && nh !== IpProtocol.GRE) return false;
    fVersion = 6;
    fEnd = o + total;
    fProtocol = nh;
    fUpper = o + 40;
    return true;
  }
  return false;
}

/** IPv4 header checksum verification inline (RFC 1071: all header words, checksum included, sum to 0xFFFF). */
function fastIpv4(b: Uint8Array, o: number): LayerStatus {
  const end = o + ((b[o]! & 0x0f) << 2);
  let s = 0;
  for (let k = o; k < end; k += 4) s += ((b[k]! << 8) | b[k + 1]!) + ((b[k + 2]! << 8) | b[k + 3]!);
  s = (s & 0xffff) + (s >>> 16);
  s = (s & 0xffff) + (s >>> 16);
  return s === 0xffff ? 'ok' : 'bad';
}

function fastVerify(b: Uint8Array, nblOuter: boolean): ChecksumReport | null {
  const len = b.length;
  if (len < 34) return null;
  let o = 12;
  let et = (b[12]! << 8) | b[13]!;
  if (et === TPID_VLAN) {
    et = (b[16]! << 8) | b[17]!;
    o = 16;
  }
  if (et === TPID_VLAN || et === TPID_QINQ) return null;
  o += 2;
  if (!fastIp(b, et, o, len)) return null;
  const outerVersion = fVersion;
  const outerOffset = o;
  const outerProtocol = fProtocol;
  let version = fVersion;
  let ipOffset = o;
  let protocol = fProtocol;
  let upper = fUpper;
  let end = fEnd;
  let encapsulated = false;
  let innerStatus: LayerStatus = 'absent';
  if (protocol === IpProtocol.GRE) {
    const g = upper;
    if (end - g < 8 + 14) return null;
    if (((b[g]! << 8) | b[g + 1]!) !== NVGRE_FIRST_WORD_HI || ((b[g + 2]! << 8) | b[g + 3]!) !== NVGRE_FIRST_WORD_LO) return null;
    const ie = g + 8;
    const iet = (b[ie + 12]! << 8) | b[ie + 13]!;
    if (!fastIp(b, iet, ie + 14, end)) return null;
    encapsulated = true;
    version = fVersion;
    ipOffset = ie + 14;
    protocol = fProtocol;
    upper = fUpper;
    end = fEnd;
    if (version === 4) innerStatus = fastIpv4(b, ipOffset);
  }
  const outerStatus: LayerStatus = outerVersion === 4 ? fastIpv4(b, outerOffset) : 'absent';
  let name: TransportProtocol;
  let l4 = end - upper;
  if (protocol === IpProtocol.TCP) {
    if (l4 < 20) return null;
    name = 'tcp';
  } else if (protocol === IpProtocol.UDP) {
    if (l4 < 8) return null;
    l4 = (b[upper + 4]! << 8) | b[upper + 5]!;
    if (l4 < 8 || l4 > end - upper) return null;
    if (b[upper + 6] === 0 && b[upper + 7] === 0) {
      if (version === 6) return null; // general path decides (zero-checksum ports)
      return makeReport(encapsulated, outerStatus, innerStatus, 'udp', 'absent', fastNbl(nblOuter, outerVersion, outerProtocol, version, protocol));
    }
    name = 'udp';
  } else if (protocol === IpProtocol.ICMP && version === 4) {
    if (l4 < 4) return null;
    name = 'icmpv4';
  } else if (protocol === IpProtocol.ICMPV6 && version === 6) {
    if (l4 < 4) return null;
    name = 'icmpv6';
  } else return null;
  let pseudo = 0;
  if (version === 4) {
    if (protocol !== IpProtocol.ICMP) {
      const a = ipOffset + 12;
      pseudo =
        ((b[a]! << 8) | b[a + 1]!) + ((b[a + 2]! << 8) | b[a + 3]!) + ((b[a + 4]! << 8) | b[a + 5]!) + ((b[a + 6]! << 8) | b[a + 7]!) + protocol + l4;
    }
  } else {
    pseudo = protocol + l4;
    const a = ipOffset + 8;
    for (let k = 0; k < 32; k += 2) pseudo += (b[a + k]! << 8) | b[a + k + 1]!;
  }
  const status: LayerStatus = onesComplementSum(b, upper, l4, pseudo) === 0xffff ? 'ok' : 'bad';
  return makeReport(encapsulated, outerStatus, innerStatus, name, status, fastNbl(nblOuter, outerVersion, outerProtocol, version, protocol));
}

function fastNbl(outer: boolean, outerVersion: number, outerProtocol: number, version: number, protocol: number): number {
  const v = outer ? outerVersion : version;
  const p = outer ? outerProtocol : protocol;
  return (
    (v === 4 ? NblFlag.IS_IPV4 : NblFlag.IS_IPV6) | (p === IpProtocol.TCP ? NblFlag.IS_TCP : p === IpProtocol.UDP ? NblFlag.IS_UDP : 0)
  );
}
