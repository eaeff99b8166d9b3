/**
 * The plan of a large send (docs/offload.md §10, §11, §14): the template frame walked once, every option
 * checked, and the offsets and partial sums each segment is fixed up from (segment.ts runs it).
 */
import { assertBytes, u16, u32 } from '../wire/bytes.js';
import { addSum, fold, onesComplementSum } from '../wire/checksum.js';
import { EtherType, ethernetHeaderLength } from '../wire/ethernet.js';
import { GRE } from '../wire/gre.js';
import { IPV4, IpProtocol } from '../wire/ipv4.js';
import { IPV6, newIpv6Chain, walkIpv6 } from '../wire/ipv6.js';
import { isNvgreGre } from '../wire/layout.js';
import { TCP, TcpFlag, checkTcp } from '../wire/tcp.js';
import { pseudoHeaderSum } from '../wire/transport.js';
import { NvgreError, NvgreErrorCode, truncated, type Layer } from '../wire/errors.js';
import { checkCapabilities, headerTooLarge, type NdisEncapsulatedOffsets } from './ndis.js';
import { DEFAULT_MAX_HEADER_SIZE, argError, checkBooleanOption, checkEnumOption, checkIntOption, optionsObject } from './report.js';
import type { SeedConvention } from './fill.js';

export type SegmentProfile = 'ndis' | 'linux' | 'dpdk';

/**
 * IPv4 Identification per segment (docs/offload.md §6, §10, §14); outer and inner each count from their
 * own template value.
 * - `ndis`: template, +1 …, wrapping 0x7FFF → 0x0000 (0x8000–0xFFFF belong to TCP chimney). A template
 *   ID ≥ 0x8000 counts mod 2^16 (`strict`: `INVALID_ARGUMENT`).
 * - `wrap16`: +1 mod 2^16 (Linux, DPDK).
 * - `fixed-inner`: outer +1 mod 2^16; the transport (inner, or a plain frame's only) IPv4 ID stays the
 *   template's — allowed by RFC 6864 for atomic datagrams only, so DF must be set (except `dpdk`).
 */
export type IpIdMode = 'ndis' | 'wrap16' | 'fixed-inner';

export interface SegmentOptions {
  /** Maximum TCP payload bytes per segment, 1 … 2^20−1 (NDIS LSOv2 MSS); with `mssUnit: 'segment'`, the whole segment size. */
  readonly mss: number;
  /** Policy profile (docs/offload.md §14). Default `'ndis'`. */
  readonly profile?: SegmentProfile;
  /** `'payload'` (NDIS, Linux) or `'segment'` (DPDK `gso_size`: headers + payload). Default from the profile. */
  readonly mssUnit?: 'payload' | 'segment';
  /** Default from the profile: `ndis` → `'ndis'`, `linux` / `dpdk` → `'wrap16'`. */
  readonly ipId?: IpIdMode;
  /** CWR on the first segment only (default; Linux; NDIS is silent — library rule) or `'keep'` on all (DPDK). */
  readonly cwr?: 'first-only' | 'keep';
  /** ECE copied on all segments (default) or only on the first (e.g. Intel fm10k TSO). */
  readonly ece?: 'keep' | 'first-only';
  /**
   * `'recompute'`: IPv4 header and TCP checksums computed per segment (full-recomputation result).
   * `'seeded'`: IPv4 headers recomputed; TCP finished from the template's checksum field taken as the
   * host's seed (`seed` convention), so a wrong seed gives wrong segments, as on hardware.
   * `'none'`: every checksum field copied from the template (DPDK). Default from the profile.
   */
  readonly checksums?: 'recompute' | 'seeded' | 'none';
  /** Seed convention for `'seeded'`. Default: `ndis` → `'without-length'` (LSO), `linux` → `'with-length'` (of the whole template). */
  readonly seed?: SeedConvention;
  /** Most segments allowed; more → `TOO_LARGE`. Default 65535. */
  readonly maxSegments?: number;
  /** `MinSegmentCount`: fewer segments → `TOO_LARGE` (docs/offload.md §10 table). */
  readonly minSegmentCount?: number;
  /** `MaxOffLoadSize`: TCP payload above it → `TOO_LARGE`. */
  readonly maxOffloadSize?: number;
  /** `MaxHeaderSizeSupported` for NVGRE frames: bytes before the inner TCP payload above it → `HEADER_TOO_LARGE`. Default 256; `Infinity` disables. */
  readonly maxHeaderSize?: number;
  /** `LsoV2Supported` bits ({@link EncapsulatedOffloadCapability}); an NVGRE frame outside them → `UNSUPPORTED`. */
  readonly capabilities?: number;
  /** Host-supplied `EncapsulatedPacketOffsets`, checked against the parse (`INVALID_ARGUMENT`). */
  readonly ndisOffsets?: NdisEncapsulatedOffsets;
  /**
   * Refuse template oddities the default tolerates: a template IPv4 ID ≥ 0x8000 in `ndis` mode
   * (`INVALID_ARGUMENT`), and nonzero IP length fields that disagree with the buffer (`BAD_LENGTH`).
   */
  readonly strict?: boolean;
}

const PROFILES = {
  ndis: { mssUnit: 'payload', ipId: 'ndis', cwr: 'first-only', checksums: 'recompute', seed: 'without-length' },
  linux: { mssUnit: 'payload', ipId: 'wrap16', cwr: 'first-only', checksums: 'recompute', seed: 'with-length' },
  dpdk: { mssUnit: 'segment', ipId: 'wrap16', cwr: 'keep', checksums: 'none', seed: 'without-length' },
} as const;

/** MSS bound of `NDIS_TCP_LARGE_SEND_OFFLOAD_NET_BUFFER_LIST_INFO.LsoV2Transmit.MSS` (20 bits). */
const MAX_MSS = 0xfffff;
/** Most bytes one segmentation produces (all segments together): the capture readers' record limit. */
const MAX_OUTPUT_BYTES = 256 * 1024 * 1024;

const CS_RECOMPUTE = 0;
const CS_SEEDED = 1;
export const CS_NONE = 2;

/** One IP header of the template and how it changes per segment. */
export interface IpPlan {
  /** 0 when there is no such header. */
  version: 0 | 4 | 6;
  offset: number;
  headerLength: number;
  /** IPv4: folded header sum with Total Length, ID and checksum taken as 0. */
  partial: number;
  id0: number;
  /** ID = (id0 + step·i) & mask. */
  idStep: number;
  idMask: number;
  /** IPv4: the template's DF bit. */
  dontFragment: boolean;
  /** Offset of the pseudo-header destination (IPv6 final destination). */
  dstOffset: number;
  protocol: number;
  upperOffset: number;
}

/** Everything the per-segment loop needs, computed once from the template. */
export interface SegmentPlan {
  readonly count: number;
  /** Bytes from the frame start to the first TCP payload byte (copied on every segment). */
  readonly headerLength: number;
  readonly payloadLength: number;
  /** Payload bytes per segment (the last may be shorter). */
  readonly mss: number;
  /** Bytes of all segments together: count · headerLength + payloadLength. */
  readonly totalLength: number;
}

export interface Plan extends SegmentPlan {
  outer: IpPlan;
  inner: IpPlan;
  tcpOffset: number;
  tcpHeaderLength: number;
  seq0: number;
  flags: number;
  dataOffsetByte: number;
  /** Folded start value for the TCP sum before adding the per-segment TCP length. */
  tcpBase: number;
  checksums: number;
  cwrFirstOnly: boolean;
  eceFirstOnly: boolean;
}

function newIpPlan(): IpPlan {
  return { version: 0, offset: 0, headerLength: 0, partial: 0, id0: 0, idStep: 1, idMask: 0xffff, dontFragment: false, dstOffset: 0, protocol: 0, upperOffset: 0 };
}

const chain = newIpv6Chain();

function notTcp(layer: Layer, offset: number, message: string): NvgreError {
  return new NvgreError(NvgreErrorCode.NOT_TCP, layer, offset, message);
}

/**
 * Walks one IP header of the template. Length fields are ignored: the datagram extends to the end of
 * the buffer (LSOv2 sets the inner length to 0; outer lengths are unspecified — docs/offload.md §10).
 */
function walkTemplateIp(frame: Uint8Array, etherType: number, o: number, end: number, ip: IpPlan, inner: boolean, strict: boolean): void {
  const avail = end - o;
  if (etherType === EtherType.IPV4) {
    const layer = inner ? 'inner-ipv4' : 'outer-ipv4';
    if (avail < IPV4.MIN_HEADER_LENGTH) throw truncated(layer, o, IPV4.MIN_HEADER_LENGTH, avail, 'IPv4 header');
    const vihl = frame[o]!;
    const hl = (vihl & 0x0f) * 4;
    if (vihl >>> 4 !== 4 || hl < IPV4.MIN_HEADER_LENGTH) {
      throw new NvgreError(NvgreErrorCode.BAD_IP_HEADER, layer, o, `IPv4 version/IHL byte is 0x${vihl.toString(16)}; expected version 4 and IHL ≥ 5`);
    }
    if (avail < hl) throw truncated(layer, o, hl, avail, 'IPv4 header with options');
    const ff = u16(frame, o + IPV4.FLAGS_FRAGMENT);
    if ((ff & (IPV4.FLAG_MF | IPV4.FRAGMENT_OFFSET_MASK)) !== 0) {
      throw new NvgreError(NvgreErrorCode.FRAGMENTED, layer, o + IPV4.FLAGS_FRAGMENT, 'LSO refuses an IPv4 fragment (MF or fragment offset set; docs/offload.md §10)');
    }
    const total = u16(frame, o + IPV4.TOTAL_LENGTH);
    if (strict && total !== 0 && total !== avail) {
      throw new NvgreError(NvgreErrorCode.BAD_LENGTH, layer, o + IPV4.TOTAL_LENGTH, `IPv4 Total Length ${total} disagrees with the ${avail} bytes in the buffer (strict)`, {
        needed: total,
        available: avail,
      });
    }
    ip.version = 4;
    ip.offset = o;
    ip.headerLength = hl;
    ip.protocol = frame[o + IPV4.PROTOCOL]!;
    ip.upperOffset = o + hl;
    ip.dstOffset = o + IPV4.DST;
    ip.id0 = u16(frame, o + IPV4.ID);
    ip.dontFragment = (ff & IPV4.FLAG_DF) !== 0;
    return;
  }
  if (etherType === EtherType.IPV6) {
    const layer = inner ? 'inner-ipv6' : 'outer-ipv6';
    if (avail < IPV6.HEADER_LENGTH) throw truncated(layer, o, IPV6.HEADER_LENGTH, avail, 'IPv6 header');
    if (frame[o]! >>> 4 !== 6) throw new NvgreError(NvgreErrorCode.BAD_IP_HEADER, layer, o, `IP version is ${frame[o]! >>> 4}, expected 6 for EtherType 0x86DD`);
    const pl = u16(frame, o + IPV6.PAYLOAD_LENGTH);
    if (strict && pl !== 0 && pl !== avail - IPV6.HEADER_LENGTH) {
      throw new NvgreError(NvgreErrorCode.BAD_LENGTH, layer, o + IPV6.PAYLOAD_LENGTH, `IPv6 Payload Length ${pl} disagrees with the ${avail - IPV6.HEADER_LENGTH} bytes in the buffer (strict)`, {
        needed: pl,
        available: avail - IPV6.HEADER_LENGTH,
      });
    }
    walkIpv6(frame, o, end, layer, chain);
    if (chain.fragmentOffset >= 0) {
      throw new NvgreError(NvgreErrorCode.FRAGMENTED, layer, chain.fragmentOffset, 'LSO refuses an IPv6 packet with a Fragment header (docs/offload.md §10)');
    }
    ip.version = 6;
    ip.offset = o;
    ip.headerLength = IPV6.HEADER_LENGTH + chain.extensionLength;
    ip.protocol = chain.upperProtocol;
    ip.upperOffset = chain.upperOffset;
    ip.dstOffset = chain.finalDestinationOffset;
    return;
  }
  throw notTcp(inner ? 'inner-ethernet' : 'outer-ethernet', o - 2, `EtherType 0x${etherType.toString(16).padStart(4, '0')} is not IP; LSO needs TCP`);
}

/** IPv4 header sum with Total Length, ID and checksum taken as zero (RFC 1071 §2: order-independent, subtract by adding the complement). */
function ipv4Partial(frame: Uint8Array, ip: IpPlan): number {
  const o = ip.offset;
  let s = onesComplementSum(frame, o, ip.headerLength);
  s = addSum(s, u16(frame, o + IPV4.TOTAL_LENGTH) ^ 0xffff);
  s = addSum(s, u16(frame, o + IPV4.ID) ^ 0xffff);
  s = addSum(s, u16(frame, o + IPV4.CHECKSUM) ^ 0xffff);
  return s;
}

function resolveIpId(ip: IpPlan, mode: IpIdMode, fixed: boolean, strict: boolean, requireDf: boolean): void {
  if (ip.version !== 4) return;
  if (fixed) {
    if (requireDf && !ip.dontFragment) {
      throw argError(`ipId 'fixed-inner' needs DF=1 on the IPv4 header at offset ${ip.offset}: only atomic datagrams may repeat an ID (RFC 6864)`);
    }
    ip.idStep = 0;
    ip.idMask = 0xffff;
    return;
  }
  ip.idStep = 1;
  if (mode === 'ndis' && ip.id0 <= 0x7fff) ip.idMask = 0x7fff;
  else {
    if (mode === 'ndis' && strict) {
      throw new NvgreError(
        NvgreErrorCode.INVALID_ARGUMENT,
        'ipv4',
        ip.offset + IPV4.ID,
        `template IPv4 ID 0x${ip.id0.toString(16)} is in 0x8000–0xFFFF, which LSOv2 reserves (docs/offload.md §10; strict)`,
      );
    }
    ip.idMask = 0xffff;
  }
}

const PROFILE_NAMES: readonly string[] = ['ndis', 'linux', 'dpdk'];
const MSS_UNITS: readonly string[] = ['payload', 'segment'];
const IP_ID_MODES: readonly string[] = ['ndis', 'wrap16', 'fixed-inner'];
const CWR_MODES: readonly string[] = ['first-only', 'keep'];
const ECE_MODES: readonly string[] = ['keep', 'first-only'];
const CHECKSUM_MODES: readonly string[] = ['recompute', 'seeded', 'none'];
const SEEDS: readonly string[] = ['with-length', 'without-length'];

export function planSegments(frame: Uint8Array, options: SegmentOptions): Plan {
  assertBytes(frame, 'frame');
  const o = optionsObject(options, 'options');
  if (o === undefined) throw argError('options with mss are required');
  checkEnumOption(o.profile, 'options.profile', PROFILE_NAMES);
  const profileName = o.profile ?? 'ndis';
  const profile = PROFILES[profileName];
  checkEnumOption(o.mssUnit, 'options.mssUnit', MSS_UNITS);
  checkEnumOption(o.ipId, 'options.ipId', IP_ID_MODES);
  checkEnumOption(o.cwr, 'options.cwr', CWR_MODES);
  checkEnumOption(o.ece, 'options.ece', ECE_MODES);
  checkEnumOption(o.checksums, 'options.checksums', CHECKSUM_MODES);
  checkEnumOption(o.seed, 'options.seed', SEEDS);
  checkBooleanOption(o.strict, 'options.strict');
  checkIntOption(o.mss, 'options.mss', 1, MAX_MSS);
  if (o.mss === undefined) throw argError('options.mss is required (1 … 2^20−1)');
  checkIntOption(o.maxSegments, 'options.maxSegments', 1, Number.MAX_SAFE_INTEGER);
  checkIntOption(o.minSegmentCount, 'options.minSegmentCount', 0, Number.MAX_SAFE_INTEGER);
  checkIntOption(o.maxOffloadSize, 'options.maxOffloadSize', 0, Number.MAX_SAFE_INTEGER);
  checkIntOption(o.maxHeaderSize, 'options.maxHeaderSize', 0, Number.MAX_SAFE_INTEGER, true);
  checkIntOption(o.capabilities, 'options.capabilities', 0, 15);
  const strict = o.strict === true;
  const mssUnit = o.mssUnit ?? profile.mssUnit;
  const ipIdMode: IpIdMode = o.ipId ?? profile.ipId;
  const checksums = o.checksums ?? profile.checksums;
  const seed = o.seed ?? profile.seed;

  // ---- walk the template (docs/offload.md §10: lengths from the buffer)
  const end = frame.length;
  const ethLen = ethernetHeaderLength(frame, 0, end, 'outer-ethernet');
  const outer = newIpPlan();
  const inner = newIpPlan();
  walkTemplateIp(frame, u16(frame, ethLen - 2), ethLen, end, outer, false, strict);
  let tip = outer;
  let encapsulated = false;
  let innerEthernetOffset = -1;
  if (outer.protocol === IpProtocol.GRE) {
    const g = outer.upperOffset;
    if (end - g < GRE.NVGRE_LENGTH) throw truncated('gre', g, GRE.NVGRE_LENGTH, end - g, 'GRE header');
    const flags = u16(frame, g);
    const proto = u16(frame, g + GRE.PROTOCOL);
    if (!isNvgreGre(flags, proto, true)) throw notTcp('gre', g, 'the frame carries GRE that is not NVGRE; LSO needs TCP');
    if ((flags & (GRE.FLAG_C | GRE.FLAG_S)) !== 0) {
      throw new NvgreError(NvgreErrorCode.UNSUPPORTED, 'gre', g, 'GRE with a Checksum or Sequence Number word cannot be segmented: each copy would carry a stale checksum or a repeated sequence number (docs/nvgre.md §3)');
    }
    encapsulated = true;
    innerEthernetOffset = g + GRE.NVGRE_LENGTH;
    const innerEthLen = ethernetHeaderLength(frame, innerEthernetOffset, end, 'inner-ethernet');
    walkTemplateIp(frame, u16(frame, innerEthernetOffset + innerEthLen - 2), innerEthernetOffset + innerEthLen, end, inner, true, strict);
    tip = inner;
  }
  const tcpLayer = 'tcp';
  if (tip.protocol !== IpProtocol.TCP) {
    throw notTcp(tip.version === 4 ? (encapsulated ? 'inner-ipv4' : 'ipv4') : encapsulated ? 'inner-ipv6' : 'ipv6', tip.offset, `the ${encapsulated ? 'inner ' : ''}IP packet carries protocol ${tip.protocol}; LSO segments TCP only (docs/offload.md §10)`);
  }
  const tcpOffset = tip.upperOffset;
  const thl = checkTcp(frame, tcpOffset, end, tcpLayer);
  const headerLength = tcpOffset + thl;
  const payloadLength = end - headerLength;

  // ---- NDIS metadata, capabilities, profile restrictions
  if (encapsulated) {
    if (o.capabilities !== undefined) checkCapabilities(o.capabilities, outer.version, inner.version, 'LsoV2Supported');
    const max = o.maxHeaderSize ?? DEFAULT_MAX_HEADER_SIZE;
    if (headerLength > max) throw headerTooLarge(headerLength, max, tcpOffset);
  }
  if (o.ndisOffsets !== undefined) checkTemplateOffsets(o.ndisOffsets, encapsulated, innerEthernetOffset, inner, tcpOffset, thl);
  if (profileName === 'dpdk' && (tip.version !== 4 || (encapsulated && outer.version !== 4))) {
    throw new NvgreError(
      NvgreErrorCode.UNSUPPORTED,
      'argument',
      0,
      `profile 'dpdk' segments TCP/IPv4${encapsulated ? ' in GRE over IPv4' : ''} only (rte_gso); this frame is ${encapsulated ? `outer IPv${outer.version} / inner IPv${inner.version}` : `IPv${tip.version}`}`,
    );
  }

  // ---- TCP flags (docs/offload.md §10: SYN, RST, URG clear; urgent pointer 0)
  const flags = frame[tcpOffset + TCP.FLAGS]!;
  const bad = flags & (TcpFlag.SYN | TcpFlag.RST | TcpFlag.URG);
  if (bad !== 0 || u16(frame, tcpOffset + TCP.URGENT) !== 0) {
    const names = [bad & TcpFlag.SYN ? 'SYN' : '', bad & TcpFlag.RST ? 'RST' : '', bad & TcpFlag.URG ? 'URG' : ''].filter(Boolean).join('+');
    throw new NvgreError(
      NvgreErrorCode.TCP_FLAGS,
      tcpLayer,
      tcpOffset + (bad !== 0 ? TCP.FLAGS : TCP.URGENT),
      bad !== 0 ? `LSO refuses a TCP segment with ${names} set (docs/offload.md §10)` : `LSO refuses a nonzero urgent pointer (${u16(frame, tcpOffset + TCP.URGENT)})`,
    );
  }

  // ---- sizes
  let mss = o.mss;
  if (mssUnit === 'segment') {
    mss = o.mss - headerLength;
    if (mss < 1) throw argError(`options.mss ${o.mss} (a whole-segment size, mssUnit 'segment') leaves no room for payload after ${headerLength} header bytes`);
  }
  const count = payloadLength === 0 ? 1 : Math.ceil(payloadLength / mss);
  if (o.maxOffloadSize !== undefined && payloadLength > o.maxOffloadSize) {
    throw new NvgreError(NvgreErrorCode.TOO_LARGE, tcpLayer, headerLength, `TCP payload ${payloadLength} exceeds maxOffloadSize ${o.maxOffloadSize}`, {
      needed: payloadLength,
      available: o.maxOffloadSize,
    });
  }
  const maxSegments = o.maxSegments ?? 65535;
  if (count > maxSegments) {
    throw new NvgreError(NvgreErrorCode.TOO_LARGE, tcpLayer, headerLength, `${payloadLength} payload bytes at MSS ${mss} make ${count} segments, over maxSegments ${maxSegments}`, {
      needed: count,
      available: maxSegments,
    });
  }
  // Bounded work: every segment repeats the headers, so long headers and a tiny MSS amplify the input
  // (65535 segments × 64 KiB of IPv6 extension headers would be 4 GiB). Refuse output past the limit.
  const totalLength = count * headerLength + payloadLength;
  if (totalLength > MAX_OUTPUT_BYTES) {
    throw new NvgreError(
      NvgreErrorCode.TOO_LARGE,
      tcpLayer,
      headerLength,
      `${count} segments of ${headerLength} header bytes plus ${payloadLength} payload bytes would total ${totalLength} bytes, over the ${MAX_OUTPUT_BYTES / 1048576} MiB limit; raise the MSS`,
      { needed: totalLength, available: MAX_OUTPUT_BYTES },
    );
  }
  if (o.minSegmentCount !== undefined && count < o.minSegmentCount) {
    throw new NvgreError(NvgreErrorCode.TOO_LARGE, tcpLayer, headerLength, `${count} segment(s) is below MinSegmentCount ${o.minSegmentCount}; the send is not eligible for LSO (docs/offload.md §10)`, {
      needed: o.minSegmentCount,
      available: count,
    });
  }
  const largest = headerLength + Math.min(mss, payloadLength);
  for (let k = 0; k < 2; k++) {
    const ip = k === 0 ? outer : inner;
    if (ip.version === 0) continue;
    const len = largest - ip.offset - (ip.version === 6 ? IPV6.HEADER_LENGTH : 0);
    if (len > 0xffff) {
      throw new NvgreError(
        NvgreErrorCode.BAD_LENGTH,
        ip === outer && encapsulated ? `outer-ipv${ip.version}` : encapsulated ? `inner-ipv${ip.version}` : `ipv${ip.version}`,
        ip.offset,
        `a ${largest}-byte segment needs an IPv${ip.version} ${ip.version === 4 ? 'Total' : 'Payload'} Length of ${len}, over 65535; lower the MSS`,
        { needed: len, available: 0xffff },
      );
    }
  }

  // ---- per-header constants
  const requireDf = profileName !== 'dpdk';
  if (encapsulated) {
    resolveIpId(outer, ipIdMode === 'fixed-inner' ? 'wrap16' : ipIdMode, false, strict, requireDf);
    resolveIpId(inner, ipIdMode, ipIdMode === 'fixed-inner', strict, requireDf);
  } else {
    resolveIpId(outer, ipIdMode, ipIdMode === 'fixed-inner', strict, requireDf);
  }
  const cs = checksums === 'recompute' ? CS_RECOMPUTE : checksums === 'seeded' ? CS_SEEDED : CS_NONE;
  if (outer.version === 4 && cs !== CS_NONE) outer.partial = ipv4Partial(frame, outer);
  if (inner.version === 4 && cs !== CS_NONE) inner.partial = ipv4Partial(frame, inner);
  const seq0 = u32(frame, tcpOffset + TCP.SEQ);
  const dataOffsetByte = frame[tcpOffset + TCP.DATA_OFFSET]!;
  let tcpPartial = 0;
  let tcpBase = 0;
  if (cs !== CS_NONE) {
    tcpPartial = onesComplementSum(frame, tcpOffset, thl);
    tcpPartial = addSum(tcpPartial, (seq0 >>> 16) ^ 0xffff);
    tcpPartial = addSum(tcpPartial, (seq0 & 0xffff) ^ 0xffff);
    tcpPartial = addSum(tcpPartial, ((dataOffsetByte << 8) | flags) ^ 0xffff);
    tcpPartial = addSum(tcpPartial, u16(frame, tcpOffset + TCP.CHECKSUM) ^ 0xffff);
    if (cs === CS_RECOMPUTE) {
      // Pseudo-header without length (RFC 9293 §3.1 / RFC 8200 §8.1); the segment's length is added per segment.
      tcpBase = pseudoHeaderSum(frame, tip.version as 4 | 6, tip.offset, tip.dstOffset, IpProtocol.TCP, 0);
    } else {
      // The host's seed (docs/offload.md §8). A with-length seed carries the whole template's TCP length:
      // remove it (Linux tcp_gso_segment adjusts by the per-segment length delta the same way).
      tcpBase = u16(frame, tcpOffset + TCP.CHECKSUM);
      if (seed === 'with-length') tcpBase = addSum(tcpBase, fold(thl + payloadLength) ^ 0xffff);
    }
    tcpBase = addSum(tcpBase, tcpPartial);
  }
  return {
    count,
    headerLength,
    payloadLength,
    mss,
    totalLength,
    outer: encapsulated ? outer : newIpPlan(),
    inner: encapsulated ? inner : outer,
    tcpOffset,
    tcpHeaderLength: thl,
    seq0,
    flags,
    dataOffsetByte,
    tcpBase,
    checksums: cs,
    cwrFirstOnly: (o.cwr ?? profile.cwr) === 'first-only',
    eceFirstOnly: o.ece === 'first-only',
  };
}

/** `ndisOffsets` against the template walk (lengths from the buffer, so {@link checkNdisOffsets} cannot be reused). */
function checkTemplateOffsets(
  n: NdisEncapsulatedOffsets,
  encapsulated: boolean,
  innerEthernetOffset: number,
  inner: IpPlan,
  tcpOffset: number,
  thl: number,
): void {
  if (n === null || typeof n !== 'object') throw argError('ndisOffsets must be an object');
  const fields = [
    ['innerFrameOffset', 8, innerEthernetOffset],
    ['transportIpHeaderRelativeOffset', 6, inner.offset - innerEthernetOffset],
    ['tcpHeaderRelativeOffset', 10, tcpOffset - inner.offset],
  ] as const;
  for (const [name, bits] of fields) {
    const v = n[name];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= 2 ** bits) {
      throw argError(`ndisOffsets.${name} is a ${bits}-bit field (0–${2 ** bits - 1}), got ${typeof v === 'number' ? v : typeof v}`);
    }
  }
  if (typeof n.isInnerIPv6 !== 'boolean') throw argError(`ndisOffsets.isInnerIPv6 must be a boolean, got ${typeof n.isInnerIPv6}`);
  if (!encapsulated) throw argError('ndisOffsets describe an encapsulated packet, but the frame is not NVGRE');
  for (const [name, , actual] of fields) {
    if (n[name] !== actual) throw argError(`ndisOffsets.${name} is ${n[name]}, but the frame has ${actual}`);
  }
  if (n.isInnerIPv6 !== (inner.version === 6)) throw argError(`ndisOffsets.isInnerIPv6 is ${n.isInnerIPv6}, but the inner IP header is IPv${inner.version}`);
  if (n.tcpOptionsPresent !== undefined && n.tcpOptionsPresent !== thl > TCP.MIN_HEADER_LENGTH) {
    throw argError(`ndisOffsets.tcpOptionsPresent is ${n.tcpOptionsPresent}, but the inner TCP header ${thl > TCP.MIN_HEADER_LENGTH ? 'has' : 'has no'} options`);
  }
}
