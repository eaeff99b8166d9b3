/**
 * Tx checksum offload emulation (docs/offload.md §8), in place. Which checksums are written follows the
 * NDIS Transmit request bits: `IpHeaderChecksum` → outer **and** inner IPv4 header checksums,
 * `TcpChecksum` / `UdpChecksum` → the innermost TCP / UDP checksum; ICMPv4/ICMPv6 is a library
 * extension (NDIS leaves them to the host, §12). Only checksum fields are ever written (§16 #6).
 */
import { assertBytes, put16, u16 } from '../wire/bytes.js';
import { fold, onesComplementSum } from '../wire/checksum.js';
import { IpProtocol, fillIpv4Checksum } from '../wire/ipv4.js';
import { FrameLayout, walkFrame, type IpLayout, type WalkOptions } from '../wire/layout.js';
import { TCP } from '../wire/tcp.js';
import { pseudoHeaderSum, transportChecksumField } from '../wire/transport.js';
import { UDP } from '../wire/udp.js';
import { checkCapabilities, checkNdisOffsets, headerTooLarge, type NdisEncapsulatedOffsets } from './ndis.js';
import {
  DEFAULT_MAX_HEADER_SIZE,
  argError,
  checkBooleanOption,
  checkEnumOption,
  checkIntOption,
  makeReport,
  nblFlagsOf,
  optionsObject,
  transportName,
  type ChecksumReport,
  type LayerStatus,
  type NblFlagsFrom,
  type TransportProtocol,
} from './report.js';

/**
 * Pseudo-header seed conventions (docs/offload.md §8): the folded, uncomplemented pseudo-header sum
 * **with** the L4 length (plain checksum offload; Linux `CHECKSUM_PARTIAL`) or **without** it (LSOv1/v2;
 * Linux hv_netvsc seeds LSO with `~csum_tcpudp_magic(saddr, daddr, 0, IPPROTO_TCP, 0)`).
 */
export type SeedConvention = 'with-length' | 'without-length';

export interface FillChecksumsOptions {
  /** `IpHeaderChecksum`: outer and inner IPv4 header checksums (incl. options). Default true. */
  readonly ipHeader?: boolean;
  /** `TcpChecksum`: the innermost TCP checksum. Default true. */
  readonly tcp?: boolean;
  /** `UdpChecksum`: the innermost UDP checksum. Default true. */
  readonly udp?: boolean;
  /** ICMPv4 (no pseudo-header) / ICMPv6 (pseudo-header, Next Header 58) checksum; library extension. Default true. */
  readonly icmp?: boolean;
  /**
   * Absent (default): recompute the TCP/UDP checksum from scratch, ignoring the field's old value.
   * Given: hardware-faithful mode — the field holds the host's pseudo-header seed in this convention;
   * the NIC adds the sum of the L4 header (seed in the field) and payload (plus the L4 length for
   * `'without-length'`), folds and complements. A wrong seed gives the same wrong checksum a NIC sends.
   */
  readonly seed?: SeedConvention;
  /**
   * Report `seed: 'ok' | 'mismatch'`: whether the TCP/UDP field held the seed of the expected
   * convention (`seed`, or `'with-length'` when `seed` is not given) before it was overwritten.
   */
  readonly validateSeed?: boolean;
  /** UDP over IPv4 whose checksum field is 0 stays 0 ("no checksum", RFC 768) instead of being computed. Default false. */
  readonly udpZeroMeansNone?: boolean;
  /**
   * `EncapsulatedPacketTaskOffload` (GRE_MAC) on. Default true. When false an NVGRE frame is treated
   * like a plain packet: outer IPv4 header only; the inner layers are `'not-applicable'` and untouched.
   */
  readonly encapsulatedPacketTaskOffload?: boolean;
  /** `TransmitChecksumOffloadSupported` bits ({@link EncapsulatedOffloadCapability}); an NVGRE frame outside them → `UNSUPPORTED`. */
  readonly capabilities?: number;
  /** Host-supplied `EncapsulatedPacketOffsets`: must fit their bit widths and match the parse, else `INVALID_ARGUMENT`. */
  readonly ndisOffsets?: NdisEncapsulatedOffsets;
  /**
   * `MaxHeaderSizeSupported`: for an NVGRE frame with inner TCP/UDP, bytes from the frame start to the
   * first inner payload byte above this → `HEADER_TOO_LARGE`. Default 256; `Infinity` disables.
   */
  readonly maxHeaderSize?: number;
  /** Which headers `nblFlags` describes. Default `'inner'`. */
  readonly nblFlagsFrom?: NblFlagsFrom;
  /** Also treat GRE with C/S words at their RFC 2890 offsets as NVGRE. Default false. */
  readonly lenient?: boolean;
}

const layout = new FrameLayout();
const LENIENT: WalkOptions = { lenient: true };

function validate(o: FillChecksumsOptions): void {
  checkBooleanOption(o.ipHeader, 'options.ipHeader');
  checkBooleanOption(o.tcp, 'options.tcp');
  checkBooleanOption(o.udp, 'options.udp');
  checkBooleanOption(o.icmp, 'options.icmp');
  checkBooleanOption(o.validateSeed, 'options.validateSeed');
  checkBooleanOption(o.udpZeroMeansNone, 'options.udpZeroMeansNone');
  checkBooleanOption(o.encapsulatedPacketTaskOffload, 'options.encapsulatedPacketTaskOffload');
  checkBooleanOption(o.lenient, 'options.lenient');
  checkEnumOption(o.seed, 'options.seed', ['with-length', 'without-length']);
  checkEnumOption(o.nblFlagsFrom, 'options.nblFlagsFrom', ['inner', 'outer']);
  checkIntOption(o.capabilities, 'options.capabilities', 0, 15);
  checkIntOption(o.maxHeaderSize, 'options.maxHeaderSize', 0, Number.MAX_SAFE_INTEGER, true);
}

/** Zero has two one's-complement encodings (RFC 1071 §1). */
function sameSum(a: number, b: number): boolean {
  return a === b || ((a === 0 || a === 0xffff) && (b === 0 || b === 0xffff));
}

/**
 * Computes the checksums the Transmit request asks for and writes them into `frame` (only checksum
 * bytes change). Library rule (docs/offload.md §8): an NVGRE frame with inner IPv4 and any checksum
 * request always gets its inner IPv4 header checksum (re)computed, because `IpHeaderChecksum` cannot
 * be requested with an IPv6 outer header. UDP: a computed 0 is written as 0xFFFF (RFC 768, RFC 8200
 * §8.1). IPv6 pseudo-headers use the final destination and upper-layer length (RFC 8200 §8.1).
 *
 * Returns what was written (`ok`), skipped, absent or impossible (`unverifiable`: fragments, truncated
 * transport — left unchanged). Throws `NvgreError`: malformed headers (`TRUNCATED`, `BAD_IP_HEADER`,
 * `BAD_LENGTH`), `INVALID_ARGUMENT` (options, `ndisOffsets`), `UNSUPPORTED` (capabilities),
 * `HEADER_TOO_LARGE` (`maxHeaderSize`); nothing is written when it throws.
 */
export function fillChecksums(frame: Uint8Array, options?: FillChecksumsOptions): ChecksumReport {
  assertBytes(frame, 'frame');
  const o = optionsObject(options, 'options') ?? {};
  validate(o);
  walkFrame(frame, layout, 0, frame.length, o.lenient === true ? LENIENT : undefined);
  const outer = layout.outerIp;
  const inner = layout.innerIp;
  const encapsulated = layout.encapsulated && o.encapsulatedPacketTaskOffload !== false;
  const tip = encapsulated ? layout.transportIp : outer;
  const ipHeader = o.ipHeader !== false;
  const tcp = o.tcp !== false;
  const udp = o.udp !== false;
  const icmp = o.icmp !== false;

  // Checks first: nothing is written when the request is refused.
  if (o.ndisOffsets !== undefined) {
    if (!encapsulated) throw argError('ndisOffsets describe an encapsulated packet, but the frame is not processed as NVGRE');
    checkNdisOffsets(frame, layout, o.ndisOffsets);
  }
  if (encapsulated) {
    if (o.capabilities !== undefined) checkCapabilities(o.capabilities, outer.version, inner.version, 'TransmitChecksumOffloadSupported');
    const max = o.maxHeaderSize ?? DEFAULT_MAX_HEADER_SIZE;
    const hdrEnd = transportHeaderEnd(frame, tip);
    if (hdrEnd >= 0 && hdrEnd - layout.start > max) throw headerTooLarge(hdrEnd - layout.start, max, tip.upperOffset);
  }

  let outerStatus: LayerStatus = 'absent';
  if (outer.version === 4) {
    if (ipHeader) {
      fillIpv4Checksum(frame, outer.offset, outer.headerLength);
      outerStatus = 'ok';
    } else outerStatus = 'skipped';
  }
  let innerStatus: LayerStatus = 'absent';
  if (layout.encapsulated && inner.version === 4) {
    if (!encapsulated) innerStatus = 'not-applicable';
    else if (ipHeader || tcp || udp || icmp) {
      fillIpv4Checksum(frame, inner.offset, inner.headerLength);
      innerStatus = 'ok';
    } else innerStatus = 'skipped';
  }

  let protocol: TransportProtocol = 'none';
  let status: LayerStatus = 'absent';
  let seed: 'ok' | 'mismatch' | undefined;
  if (tip.version !== 0) {
    protocol = transportName(tip.protocol, tip.version);
    if (protocol === 'none') status = 'absent';
    else if (typeof protocol === 'number') status = 'not-applicable';
    else if (!(protocol === 'tcp' ? tcp : protocol === 'udp' ? udp : icmp)) status = 'skipped';
    else if (tip.fragment || tip.upperOffset < 0) status = 'unverifiable';
    else {
      const r = fillTransport(frame, tip, o);
      status = r < 0 ? (r === ABSENT ? 'absent' : 'unverifiable') : 'ok';
      if (o.validateSeed === true && (protocol === 'tcp' || protocol === 'udp') && r >= 0) seed = r === SEED_OK ? 'ok' : 'mismatch';
    }
  }
  const report = makeReport(encapsulated, outerStatus, innerStatus, protocol, status, nblFlagsOf(layout, tip, o.nblFlagsFrom));
  return seed === undefined ? report : { ...report, seed };
}

/** End of the inner TCP/UDP header (first payload byte), or -1 when the transport is not TCP/UDP or does not fit. */
function transportHeaderEnd(bytes: Uint8Array, ip: IpLayout): number {
  if (ip.version === 0 || ip.fragment || ip.upperOffset < 0) return -1;
  const off = ip.upperOffset;
  const avail = ip.end - off;
  if (ip.protocol === IpProtocol.TCP) {
    if (avail < TCP.MIN_HEADER_LENGTH) return -1;
    return off + Math.max(TCP.MIN_HEADER_LENGTH, (bytes[off + TCP.DATA_OFFSET]! >>> 4) * 4);
  }
  if (ip.protocol === IpProtocol.UDP) return avail < UDP.HEADER_LENGTH ? -1 : off + UDP.HEADER_LENGTH;
  return -1;
}

const ABSENT = -1;
const CANNOT = -2;
const SEED_OK = 1;
const SEED_MISMATCH = 0;

/**
 * Writes the transport checksum. Returns ABSENT (UDP/IPv4 zero kept), CANNOT (truncated or
 * inconsistent header: unchanged), else SEED_OK / SEED_MISMATCH (whether the old field was the
 * expected seed; meaningful for TCP/UDP only).
 */
function fillTransport(bytes: Uint8Array, ip: IpLayout, o: FillChecksumsOptions): number {
  const protocol = ip.protocol;
  const off = ip.upperOffset;
  const avail = ip.end - off;
  const v = ip.version as 4 | 6;
  let len = avail;
  if (protocol === IpProtocol.UDP) {
    if (avail < UDP.HEADER_LENGTH) return CANNOT;
    len = u16(bytes, off + UDP.LENGTH);
    if (len < UDP.HEADER_LENGTH || len > avail) return CANNOT;
    if (v === 4 && o.udpZeroMeansNone === true && u16(bytes, off + UDP.CHECKSUM) === 0) return ABSENT;
  } else if (protocol === IpProtocol.TCP) {
    if (avail < TCP.MIN_HEADER_LENGTH) return CANNOT;
  } else if (avail < 4) {
    return CANNOT;
  }
  const field = off + transportChecksumField(protocol);
  const old = u16(bytes, field);
  const l4 = protocol === IpProtocol.TCP || protocol === IpProtocol.UDP;
  let seedResult = SEED_OK;
  if (l4 && o.validateSeed === true) {
    const expected = fold(pseudoHeaderSum(bytes, v, ip.offset, ip.dstOffset, protocol, (o.seed ?? 'with-length') === 'with-length' ? len : 0));
    seedResult = sameSum(old, expected) ? SEED_OK : SEED_MISMATCH;
  }
  let sum: number;
  if (l4 && o.seed !== undefined) {
    // NIC behaviour: sum of the L4 header with the seed in the field, and the payload (+ length for the LSO seed).
    sum = onesComplementSum(bytes, off, len, o.seed === 'without-length' ? len : 0);
  } else {
    // Field taken as 0 (zeroed in place: it is overwritten below anyway). Summing with the field
    // zeroed keeps the RFC 1071 encoding of an all-zero ICMPv4 message (checksum 0xFFFF).
    bytes[field] = 0;
    bytes[field + 1] = 0;
    sum = onesComplementSum(bytes, off, len, pseudoHeaderSum(bytes, v, ip.offset, ip.dstOffset, protocol, len));
  }
  let c = sum ^ 0xffff;
  if (protocol === IpProtocol.UDP && c === 0) c = 0xffff; // RFC 768 / RFC 8200 §8.1
  put16(bytes, field, c);
  return seedResult;
}
