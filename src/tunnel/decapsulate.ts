/**
 * NVGRE decapsulation (RFC 7637 §4.2–§4.4): the strict receiver follows the ordered drop table of
 * docs/nvgre.md §4; the lenient modes and a reusable decapsulator share its walk.
 */
import { formatIp, formatMac } from '../wire/address.js';
import { assertBytes, typedArraySet, u16, u32 } from '../wire/bytes.js';
import { onesComplementSum } from '../wire/checksum.js';
import { ETH, EtherType, isVlanTpid, readVlanTag, type VlanTag } from '../wire/ethernet.js';
import { GRE, greHeaderLength, isReservedVsid, vsidOf, type KeyLayout } from '../wire/gre.js';
import { IPV4, IpProtocol, ipv4BaseHeaderSum, ipv4HeaderSum } from '../wire/ipv4.js';
import { IPV6, checkIpv6, newIpv6Chain, walkIpv6 } from '../wire/ipv6.js';
import { Wire } from '../wire/wire.js';
import { NvgreError, NvgreErrorCode, type NvgreErrorInfo, type TryResult } from '../wire/errors.js';


export interface OuterHeaders {
  readonly dstMac: string;
  readonly srcMac: string;
  /** The outer VLAN tag (the outermost one when two are stacked). */
  readonly vlan?: VlanTag;
  readonly ipVersion: 4 | 6;
  readonly src: string;
  readonly dst: string;
  /** IPv4 TTL or IPv6 Hop Limit. */
  readonly ttl: number;
  readonly dscp: number;
  readonly ecn: number;
  /** IPv4 only. */
  readonly id?: number;
  /** IPv4 only. */
  readonly dontFragment?: boolean;
  /** IPv6 only. */
  readonly flowLabel?: number;
}

export interface Decapsulated {
  readonly vsid: number;
  readonly flowId: number;
  /** The raw 32-bit GRE key (VSID << 8 | FlowID; the VSID itself under the `low24` key layout). */
  readonly key: number;
  /**
   * The inner Ethernet frame: a subarray of the input (zero copy), created on first access — or, when
   * `acceptPriorityTag` removed a priority tag, a new array without it.
   */
  readonly inner: Uint8Array;
  /** Where the inner frame lies in the input (with its priority tag, if one was removed from `inner`). */
  readonly innerOffset: number;
  readonly innerLength: number;
  /** The inner 802.1Q priority tag (VID 0) that `acceptPriorityTag` removed, or null. */
  readonly priorityTag: VlanTag | null;
  /** Outer header fields, decoded on first access. */
  readonly outer: OuterHeaders;
  /** Lenient mode: why a strict receiver would have dropped the frame (empty when conformant). */
  readonly dropReasons: readonly NvgreErrorCode[];
}

export interface DecapsulateOptions {
  /** Default true: drop what RFC 7637 / RFC 2784 say a receiver must or may drop (docs/nvgre.md §4). */
  readonly strict?: boolean;
  /**
   * Default false. Accept an inner frame whose only tag is an 802.1Q priority tag (TPID 0x8100, VID 0),
   * as draft-era senders emitted to carry the frame's priority (docs/nvgre.md §7): the tag is removed from
   * `inner` (a new array; the input is never changed) and reported in `priorityTag`. RFC 7637 §3.3
   * requires dropping such frames, so this is for interoperating with old peers only. Any other inner
   * tag is still dropped (or, with `strict: false`, reported as INNER_VLAN).
   */
  readonly acceptPriorityTag?: boolean;
  /**
   * How to read the VSID from the key (docs/nvgre.md §7): `'rfc7637'` (default) VSID << 8 | FlowID, or
   * `'low24'`, the first draft's text: the VSID in the low 24 bits, the high byte zero (else
   * RESERVED_KEY_BITS), and no FlowID (reported as 0).
   */
  readonly keyLayout?: KeyLayout;
}

/** Decapsulation mode bits (from DecapsulateOptions). */
const enum Mode {
  STRICT = 1,
  ACCEPT_PRIORITY_TAG = 2,
  /** The low24 key layout (decapsulateByTable only). */
  LOW24 = 4,
}

/** An inner frame with its priority tag removed, and the tag. */
interface StrippedPriorityTag {
  readonly inner: Uint8Array;
  readonly tag: VlanTag;
}

const NO_REASONS: readonly NvgreErrorCode[] = Object.freeze([]);

class DecapsulatedFrame implements Decapsulated {
  // Mutable only for Decapsulator, which refills one result per frame; the public type is readonly.
  private frame!: Uint8Array;
  vsid!: number;
  flowId!: number;
  innerOffset!: number;
  innerLength!: number;
  dropReasons!: readonly NvgreErrorCode[];
  priorityTag!: VlanTag | null;
  /** The key was read in the low24 layout (key = VSID). */
  private low24!: boolean;
  // Views and strings are made only when asked for: a typed-array view costs more than the decode.
  private innerView: Uint8Array | undefined;
  private outerFields: OuterHeaders | undefined;

  constructor(
    frame: Uint8Array,
    vsid: number,
    flowId: number,
    innerOffset: number,
    innerLength: number,
    dropReasons: readonly NvgreErrorCode[],
    stripped: StrippedPriorityTag | null,
    low24: boolean,
  ) {
    // One assignment order for every result (refill's), so all results share one hidden class.
    this.refill(frame, vsid, flowId, innerOffset, innerLength, dropReasons, stripped, low24);
  }

  /** Reuses this object for another frame (Decapsulator). */
  refill(
    frame: Uint8Array,
    vsid: number,
    flowId: number,
    innerOffset: number,
    innerLength: number,
    dropReasons: readonly NvgreErrorCode[],
    stripped: StrippedPriorityTag | null,
    low24: boolean,
  ): this {
    this.frame = frame;
    this.low24 = low24;
    this.vsid = vsid;
    this.flowId = flowId;
    this.innerOffset = innerOffset;
    this.innerLength = innerLength;
    this.dropReasons = dropReasons;
    // As many fields as before priority tags existed (the outer IP offset is derived instead): a
    // stripped frame's copy goes where the lazily made view would, and its tag in priorityTag.
    if (stripped === null) {
      this.priorityTag = null;
      this.innerView = undefined;
    } else {
      this.priorityTag = stripped.tag;
      this.innerView = stripped.inner;
    }
    this.outerFields = undefined;
    return this;
  }

  get key(): number {
    return this.low24 ? this.vsid : ((this.vsid << 8) | this.flowId) >>> 0;
  }
  get inner(): Uint8Array {
    return (this.innerView ??= this.frame.subarray(this.innerOffset, this.innerOffset + this.innerLength));
  }
  get outer(): OuterHeaders {
    return (this.outerFields ??= decodeOuter(this.frame, outerIpOffset(this.frame)));
  }
  toJSON(): object {
    return {
      vsid: this.vsid,
      flowId: this.flowId,
      key: this.key,
      innerOffset: this.innerOffset,
      innerLength: this.innerLength,
      outer: this.outer,
      dropReasons: this.dropReasons,
      priorityTag: this.priorityTag,
    };
  }
}

/** Where the outer IP header starts: after the outer Ethernet header and the tags decapsulation walks. */
function outerIpOffset(f: Uint8Array): number {
  let l3 = ETH.HEADER_LENGTH;
  for (let tags = 0; tags < ETH.MAX_TAGS && isVlanTpid(u16(f, l3 - 2)); tags++) l3 += ETH.TAG_LENGTH;
  return l3;
}

function decodeOuter(f: Uint8Array, ip: number): OuterHeaders {
  const vlan = ip > ETH.HEADER_LENGTH ? { vlan: readVlanTag(f, ETH.TYPE) } : {};
  const macs = { dstMac: formatMac(f, ETH.DST), srcMac: formatMac(f, ETH.SRC), ...vlan };
  if (f[ip]! >>> 4 === 4) {
    const tos = f[ip + IPV4.TOS]!;
    return {
      ...macs,
      ipVersion: 4,
      src: formatIp(f, ip + IPV4.SRC, 4),
      dst: formatIp(f, ip + IPV4.DST, 4),
      ttl: f[ip + IPV4.TTL]!,
      dscp: tos >>> 2,
      ecn: tos & 3,
      id: u16(f, ip + IPV4.ID),
      dontFragment: (u16(f, ip + IPV4.FLAGS_FRAGMENT) & IPV4.FLAG_DF) !== 0,
    };
  }
  const w = u32(f, ip);
  const tc = (w >>> 20) & 0xff;
  return {
    ...macs,
    ipVersion: 6,
    src: formatIp(f, ip + IPV6.SRC, 6),
    dst: formatIp(f, ip + IPV6.DST, 6),
    ttl: f[ip + IPV6.HOP_LIMIT]!,
    dscp: tc >>> 2,
    ecn: tc & 3,
    flowLabel: w & 0xfffff,
  };
}

/** Why the last {@link decapsulateCore} call failed (no exception, no stack trace on the hot path). */
let failure: NvgreErrorInfo = { code: NvgreErrorCode.TRUNCATED, layer: '', offset: 0, message: '' };

function fail(code: NvgreErrorCode, layer: string, offset: number, message: string, needed?: number, available?: number): null {
  failure =
    needed === undefined
      ? { code, layer, offset, message }
      : { code, layer, offset, message, needed, available: Math.max(0, available ?? 0) };
  return null;
}

function failShort(layer: string, offset: number, needed: number, available: number, what: string): null {
  return fail(
    NvgreErrorCode.TRUNCATED,
    layer,
    offset,
    `${what} needs ${needed} bytes but only ${Math.max(0, available)} remain; the frame is cut short (capture snaplen?)`,
    needed,
    available,
  );
}

const v6chain = newIpv6Chain();

/** How {@link decapsulateFast} packs its verdict into one small integer (a Smi: no allocation). */
export const enum FastVerdict {
  MISS = -1,
  /** Bits for the inner frame's offset: at most 14 + 4 (one tag) + 40 (IPv6) + 8 (NVGRE) = 66. */
  OFFSET_BITS = 7,
  OFFSET_MASK = 0x7f,
}

/**
 * The common case in a few comparisons: optionally tagged outer Ethernet, IPv4 without options or IPv6
 * without extension headers, a valid unfragmented outer header, a conformant NVGRE first word
 * (0x20006558: K only, version 0, Transparent Ethernet Bridging), an unreserved VSID and an untagged
 * inner frame of at least 14 bytes pass every row of docs/nvgre.md §4 at once. Returns the inner frame's
 * length and offset packed as `length << OFFSET_BITS | offset` (at most 2^23), or MISS: anything else
 * goes to {@link decapsulateByTable}, which evaluates the table row by row (and names the failing row).
 */
export function decapsulateFast(f: Uint8Array): number {
  // Wire literals rather than field-map loads (see wire.ts), and one exit for every miss.
  const end = f.length;
  let l3 = Wire.ETH_HEADER;
  let gre = -1;
  let ipEnd = 0;
  if (end >= Wire.ETH_HEADER + Wire.IPV4_MIN_HEADER + Wire.NVGRE_HEADER + Wire.ETH_HEADER) {
    let et = (f[Wire.ETH_TYPE]! << 8) | f[Wire.ETH_TYPE + 1]!;
    if (et === Wire.TPID_VLAN || et === Wire.TPID_QINQ) {
      et = (f[l3 + 2]! << 8) | f[l3 + 3]!;
      l3 += Wire.VLAN_TAG;
    }
    if (et === Wire.ETHERTYPE_IPV4) {
      const total = (f[l3 + Wire.IPV4_TOTAL_LENGTH]! << 8) | f[l3 + Wire.IPV4_TOTAL_LENGTH + 1]!;
      if (
        f[l3] === 0x45 &&
        f[l3 + Wire.IPV4_PROTOCOL] === Wire.PROTOCOL_GRE &&
        total <= end - l3 &&
        ((f[l3 + Wire.IPV4_FLAGS_FRAGMENT]! & 0x3f) | f[l3 + Wire.IPV4_FLAGS_FRAGMENT + 1]!) === 0 &&
        ipv4BaseHeaderSum(f, l3) === 0xffff // RFC 1122 §3.2.1.2
      ) {
        gre = l3 + Wire.IPV4_MIN_HEADER;
        ipEnd = l3 + total;
      }
    } else if (et === Wire.ETHERTYPE_IPV6) {
      const payload = (f[l3 + Wire.IPV6_PAYLOAD_LENGTH]! << 8) | f[l3 + Wire.IPV6_PAYLOAD_LENGTH + 1]!;
      if (f[l3]! >>> 4 === 6 && f[l3 + Wire.IPV6_NEXT_HEADER] === Wire.PROTOCOL_GRE && payload <= end - l3 - Wire.IPV6_HEADER) {
        gre = l3 + Wire.IPV6_HEADER;
        ipEnd = gre + payload;
      }
    }
  }
  if (gre >= 0 && ipEnd - gre >= Wire.NVGRE_HEADER + Wire.ETH_HEADER && u32(f, gre) === Wire.NVGRE_FIRST_WORD) {
    const vsid = (f[gre + Wire.GRE_BASE]! << 16) | (f[gre + Wire.GRE_BASE + 1]! << 8) | f[gre + Wire.GRE_BASE + 2]!;
    const inner = gre + Wire.NVGRE_HEADER;
    const innerType = (f[inner + Wire.ETH_TYPE]! << 8) | f[inner + Wire.ETH_TYPE + 1]!;
    if (!isReservedVsid(vsid) && innerType !== Wire.TPID_VLAN && innerType !== Wire.TPID_QINQ) {
      return ((ipEnd - inner) << FastVerdict.OFFSET_BITS) | inner;
    }
  }
  return FastVerdict.MISS;
}

/**
 * The decapsulation verdict and its result. Small enough for V8 to inline into the caller, so the
 * result object is allocated in the caller's own code, where V8 removes it altogether when the caller
 * only reads its fields (escape analysis); the checks themselves stay in one shared function.
 */
function decapsulateCore(f: Uint8Array, mode: number, reuse: DecapsulatedFrame | null): DecapsulatedFrame | null {
  const fast = (mode & Mode.LOW24) === 0 ? decapsulateFast(f) : FastVerdict.MISS;
  if (fast === FastVerdict.MISS) return decapsulateByTable(f, mode, reuse);
  const inner = fast & FastVerdict.OFFSET_MASK;
  const length = fast >>> FastVerdict.OFFSET_BITS;
  // The key (RFC 7637 §3.2) is the word before the inner frame: read again rather than handed over,
  // so the verdict stays one small integer. VSID and FlowID are kept apart: both fit V8's small
  // integers, where a 32-bit key of VSID 0x400000 or more would be a boxed number.
  const vsid = (f[inner - 4]! << 16) | (f[inner - 3]! << 8) | f[inner - 2]!;
  const flowId = f[inner - 1]!;
  return reuse === null
    ? new DecapsulatedFrame(f, vsid, flowId, inner, length, NO_REASONS, null, false)
    : reuse.refill(f, vsid, flowId, inner, length, NO_REASONS, null, false);
}

/** The decapsulation verdict of docs/nvgre.md §4, evaluated in table order. Returns null and sets `failure` on a drop. */
function decapsulateByTable(f: Uint8Array, mode: number, reuse: DecapsulatedFrame | null): DecapsulatedFrame | null {
  const end = f.length;
  // Row 1: truncated outer headers.
  if (end < ETH.HEADER_LENGTH) return failShort('outer-ethernet', 0, ETH.HEADER_LENGTH, end, 'the outer Ethernet header');
  let l3 = ETH.HEADER_LENGTH;
  let et = u16(f, ETH.TYPE);
  for (let tags = 0; tags < ETH.MAX_TAGS && isVlanTpid(et); tags++) {
    if (end < l3 + ETH.TAG_LENGTH) return failShort('outer-ethernet', 0, l3 + ETH.TAG_LENGTH, end, 'the outer Ethernet header with its VLAN tag');
    et = u16(f, l3 + 2);
    l3 += ETH.TAG_LENGTH;
  }
  let ipEnd: number;
  let gre: number;
  let checksumBad = false;
  let fragment = false;
  let protocol: number;
  if (et === EtherType.IPV4) {
    if (end - l3 < IPV4.MIN_HEADER_LENGTH) return failShort('outer-ipv4', l3, IPV4.MIN_HEADER_LENGTH, end - l3, 'the outer IPv4 header');
    const vihl = f[l3]!;
    const hl = (vihl & 0x0f) << 2;
    if (vihl >>> 4 !== 4 || hl < IPV4.MIN_HEADER_LENGTH) {
      return fail(NvgreErrorCode.BAD_IP_HEADER, 'outer-ipv4', l3, `outer IP version/IHL byte is 0x${vihl.toString(16)}; expected version 4 and IHL ≥ 5`);
    }
    if (end - l3 < hl) return failShort('outer-ipv4', l3, hl, end - l3, 'the outer IPv4 header with options');
    const total = u16(f, l3 + IPV4.TOTAL_LENGTH);
    if (total < hl) return fail(NvgreErrorCode.BAD_LENGTH, 'outer-ipv4', l3 + IPV4.TOTAL_LENGTH, `outer IPv4 Total Length ${total} is smaller than its ${hl}-byte header`, hl, total);
    if (total > end - l3) return failShort('outer-ipv4', l3, total, end - l3, `the outer IPv4 datagram (Total Length ${total})`);
    ipEnd = l3 + total;
    gre = l3 + hl;
    const ff = u16(f, l3 + IPV4.FLAGS_FRAGMENT);
    fragment = (ff & (IPV4.FLAG_MF | IPV4.FRAGMENT_OFFSET_MASK)) !== 0;
    if ((ff & IPV4.FRAGMENT_OFFSET_MASK) !== 0) gre = -1; // not the first fragment: no GRE header here
    checksumBad = ipv4HeaderSum(f, l3, hl) !== 0xffff;
    protocol = f[l3 + IPV4.PROTOCOL]!;
  } else if (et === EtherType.IPV6) {
    try {
      ipEnd = checkIpv6(f, l3, end, 'outer-ipv6');
      walkIpv6(f, l3, ipEnd, 'outer-ipv6', v6chain);
    } catch (e) {
      if (e instanceof NvgreError) {
        // Bare message like every other row (decapsulate prefixes code, layer and offset once).
        const info = e.toInfo();
        failure = { ...info, message: info.message.slice(`${e.code} at ${e.layer} offset ${e.offset}: `.length) };
        return null;
      }
      throw e;
    }
    fragment = v6chain.fragmentOffset >= 0;
    gre = v6chain.upperOffset;
    protocol = v6chain.upperProtocol;
  } else {
    return fail(
      NvgreErrorCode.UNSUPPORTED_ETHERTYPE,
      'outer-ethernet',
      l3 - 2,
      `outer EtherType 0x${et.toString(16).padStart(4, '0')} is neither IPv4 (0x0800) nor IPv6 (0x86dd); NVGRE needs an IP delivery header`,
    );
  }
  // Row 1 continued: the GRE header and the inner Ethernet header must fit in the outer datagram.
  let flags = 0;
  let greLength = 0;
  if (protocol === IpProtocol.GRE && gre >= 0) {
    if (ipEnd - gre < GRE.BASE_LENGTH) return failShort('gre', gre, GRE.BASE_LENGTH, ipEnd - gre, 'the GRE header');
    flags = u16(f, gre);
    greLength = greHeaderLength(flags);
    if (ipEnd - gre < greLength) return failShort('gre', gre, greLength, ipEnd - gre, 'the GRE header with the optional words its flags announce');
    // Only a GRE v0 TEB payload is an inner Ethernet frame; other GRE (PPTP acks, keepalives with
    // protocol 0) may be shorter and must reach their own verdict (rows 4 and 7).
    const teb = (flags & GRE.VERSION_MASK) === 0 && u16(f, gre + GRE.PROTOCOL) === EtherType.TEB;
    if (teb && ipEnd - gre - greLength < ETH.HEADER_LENGTH) {
      return failShort('inner-ethernet', gre + greLength, ETH.HEADER_LENGTH, ipEnd - gre - greLength, 'the inner Ethernet header');
    }
  }
  const reasons: NvgreErrorCode[] | null = (mode & Mode.STRICT) !== 0 ? null : [];
  // Row 2: outer IPv4 header checksum (RFC 1122 §3.2.1.2).
  if (checksumBad) {
    const msg = 'the outer IPv4 header checksum is wrong (RFC 1122 §3.2.1.2: discard)';
    if (reasons === null) return fail(NvgreErrorCode.BAD_CHECKSUM, 'outer-ipv4', l3 + IPV4.CHECKSUM, msg);
    reasons.push(NvgreErrorCode.BAD_CHECKSUM);
  }
  // Row 3: outer fragments (RFC 7637 §4.4: a receiver MAY discard; reassemble first to decode them).
  if (fragment) {
    return fail(NvgreErrorCode.FRAGMENTED, et === EtherType.IPV4 ? 'outer-ipv4' : 'outer-ipv6', l3, 'the outer IP packet is a fragment (RFC 7637 §4.4); reassemble the fragments first');
  }
  if (protocol !== IpProtocol.GRE) {
    return fail(NvgreErrorCode.NOT_GRE, et === EtherType.IPV4 ? 'outer-ipv4' : 'outer-ipv6', l3, `the outer IP packet carries protocol ${protocol}, not GRE (47)`);
  }
  // Rows 4–5 (RFC 2784 §2.3.1, §2.3).
  if ((flags & GRE.VERSION_MASK) !== 0) {
    return fail(NvgreErrorCode.GRE_VERSION, 'gre', gre, `GRE version is ${flags & GRE.VERSION_MASK}; NVGRE uses version 0 (RFC 2784 §2.3.1; version 1 is PPTP)`);
  }
  if ((flags & (GRE.FLAG_R | GRE.RESERVED0_DISCARD)) !== 0) {
    return fail(NvgreErrorCode.GRE_FLAGS, 'gre', gre, `GRE Reserved0 bit 1, 4 or 5 is set (flags 0x${flags.toString(16)}); RFC 2784 §2.3 requires discarding it`);
  }
  // Rows 7–8.
  const proto = u16(f, gre + GRE.PROTOCOL);
  if (proto !== EtherType.TEB) {
    return fail(NvgreErrorCode.NOT_TEB, 'gre', gre + GRE.PROTOCOL, `GRE protocol type is 0x${proto.toString(16).padStart(4, '0')}, not 0x6558 (Transparent Ethernet Bridging): not NVGRE`);
  }
  if ((flags & GRE.FLAG_K) === 0) return fail(NvgreErrorCode.NO_KEY, 'gre', gre, 'the GRE K bit is clear: there is no key, so no VSID (RFC 7637 §3.2)');
  // Rows 9–10: C and S words are not allowed in NVGRE (RFC 7637 §3.2).
  let keyOffset = gre + GRE.BASE_LENGTH;
  if ((flags & GRE.FLAG_C) !== 0) {
    keyOffset += GRE.OPTION_LENGTH;
    if (reasons === null) return fail(NvgreErrorCode.GRE_FLAGS, 'gre', gre, 'the GRE C bit is set; NVGRE forbids the checksum word (RFC 7637 §3.2)');
    // RFC 2784 §2.5: header and payload, checksum field included, must sum to 0xFFFF.
    if (onesComplementSum(f, gre, ipEnd - gre) !== 0xffff) {
      return fail(NvgreErrorCode.BAD_CHECKSUM, 'gre', gre + GRE.BASE_LENGTH, 'the GRE checksum (over header and payload, RFC 2784 §2.5) is wrong');
    }
    reasons.push(NvgreErrorCode.GRE_FLAGS);
  }
  if ((flags & GRE.FLAG_S) !== 0) {
    if (reasons === null) return fail(NvgreErrorCode.GRE_FLAGS, 'gre', gre, 'the GRE S bit is set; NVGRE forbids the sequence number (RFC 7637 §3.2)');
    if (!reasons.includes(NvgreErrorCode.GRE_FLAGS)) reasons.push(NvgreErrorCode.GRE_FLAGS);
  }
  const key = u32(f, keyOffset);
  const low24 = (mode & Mode.LOW24) !== 0;
  // The low24 layout's high byte must be zero (docs/nvgre.md §7).
  if (low24 && key >>> 24 !== 0) {
    const message = `the key 0x${key.toString(16).padStart(8, '0')} has a non-zero high byte, which the low24 key layout reserves (docs/nvgre.md §7); the sender may use the RFC 7637 layout (keyLayout: 'rfc7637')`;
    if (reasons === null) return fail(NvgreErrorCode.RESERVED_KEY_BITS, 'gre', keyOffset, message);
    reasons.push(NvgreErrorCode.RESERVED_KEY_BITS);
  }
  // Row 11: reserved VSIDs (RFC 7637 §3.4).
  const vsid = vsidOf(key, low24 ? 'low24' : 'rfc7637');
  if (isReservedVsid(vsid)) {
    if (reasons === null) {
      return fail(NvgreErrorCode.RESERVED_VSID, 'gre', keyOffset, `VSID 0x${vsid.toString(16)} is reserved (RFC 7637 §3.4: 0–0xFFF and 0xFFFFFF); use strict: false to accept it`);
    }
    reasons.push(NvgreErrorCode.RESERVED_VSID);
  }
  // Row 13: inner 802.1Q (and, by library rule, 802.1ad) tag (RFC 7637 §3.3), unless it is a lone
  // priority tag and the caller accepts those (docs/nvgre.md §7).
  const inner = gre + greLength;
  let stripped: StrippedPriorityTag | null = null;
  if ((mode & Mode.ACCEPT_PRIORITY_TAG) !== 0 && isLonePriorityTag(f, inner, ipEnd)) {
    stripped = stripPriorityTag(f, inner, ipEnd);
  } else if (isVlanTpid(u16(f, inner + ETH.TYPE))) {
    if (reasons === null) {
      return fail(NvgreErrorCode.INNER_VLAN, 'inner-ethernet', inner + ETH.TYPE, 'the inner Ethernet header carries an 802.1Q/802.1ad tag; RFC 7637 §3.3 requires dropping it');
    }
    reasons.push(NvgreErrorCode.INNER_VLAN);
  }
  const dropReasons = reasons === null || reasons.length === 0 ? NO_REASONS : reasons;
  return reuse === null
    ? new DecapsulatedFrame(f, vsid, low24 ? 0 : key & 0xff, inner, ipEnd - inner, dropReasons, stripped, low24)
    : reuse.refill(f, vsid, low24 ? 0 : key & 0xff, inner, ipEnd - inner, dropReasons, stripped, low24);
}

/** One 802.1Q tag with VID 0 (any PCP/DEI) and an untagged EtherType after it, all within the datagram. */
function isLonePriorityTag(f: Uint8Array, inner: number, ipEnd: number): boolean {
  return (
    ipEnd - inner >= ETH.HEADER_LENGTH + ETH.TAG_LENGTH &&
    u16(f, inner + ETH.TYPE) === EtherType.VLAN &&
    (u16(f, inner + ETH.TYPE + 2) & 0x0fff) === 0 &&
    !isVlanTpid(u16(f, inner + ETH.TYPE + ETH.TAG_LENGTH))
  );
}

/** A copy of the inner frame without its priority tag (MACs, then everything after the tag), and the tag. */
function stripPriorityTag(f: Uint8Array, inner: number, ipEnd: number): StrippedPriorityTag {
  const out = new Uint8Array(ipEnd - inner - ETH.TAG_LENGTH);
  typedArraySet.call(out, f.subarray(inner, inner + ETH.TYPE), 0);
  typedArraySet.call(out, f.subarray(inner + ETH.TYPE + ETH.TAG_LENGTH, ipEnd), ETH.TYPE);
  return { inner: out, tag: readVlanTag(f, inner + ETH.TYPE) };
}

/** Mode bits of `options` (strict by default); a TypeError naming the field for a malformed one. */
function modeOf(options: DecapsulateOptions | undefined): number {
  if (options === undefined) return Mode.STRICT;
  if (options === null || typeof options !== 'object') throw new TypeError(`options must be an object, got ${options === null ? 'null' : typeof options}`);
  const strict = options.strict;
  if (strict !== undefined && typeof strict !== 'boolean') throw new TypeError(`options.strict must be a boolean, got ${typeof strict}`);
  const accept = options.acceptPriorityTag;
  if (accept !== undefined && typeof accept !== 'boolean') throw new TypeError(`options.acceptPriorityTag must be a boolean, got ${typeof accept}`);
  const layout = options.keyLayout;
  if (layout !== undefined && layout !== 'rfc7637' && layout !== 'low24') throw new TypeError(`options.keyLayout must be 'rfc7637' or 'low24', got ${String(layout)}`);
  return (strict === false ? 0 : Mode.STRICT) | (accept === true ? Mode.ACCEPT_PRIORITY_TAG : 0) | (layout === 'low24' ? Mode.LOW24 : 0);
}

/** Decapsulates an NVGRE frame; throws `NvgreError` when a receiver drops it (docs/nvgre.md §4). Zero copy. */
export function decapsulate(frame: Uint8Array, options?: DecapsulateOptions): Decapsulated {
  if (!(frame instanceof Uint8Array) || frame.length === 0) assertBytes(frame, 'frame');
  const r = decapsulateCore(frame, modeOf(options), null);
  if (r === null) {
    const e = failure;
    throw new NvgreError(e.code, e.layer, e.offset, e.message, e.needed === undefined ? undefined : { needed: e.needed, available: e.available ?? 0 });
  }
  return r;
}

/** Like {@link decapsulate}, but never throws: a drop or a bad argument is returned as `{ ok: false, error }`. */
export function tryDecapsulate(frame: Uint8Array, options?: DecapsulateOptions): TryResult<Decapsulated> {
  let mode: number;
  try {
    // A non-Uint8Array, a detached buffer or malformed options: INVALID_ARGUMENT, never a throw.
    if (!(frame instanceof Uint8Array) || frame.length === 0) assertBytes(frame, 'frame');
    mode = modeOf(options);
  } catch (e) {
    return { ok: false, error: { code: NvgreErrorCode.INVALID_ARGUMENT, layer: 'argument', offset: 0, message: (e as Error).message } };
  }
  let r: DecapsulatedFrame | null;
  try {
    r = decapsulateCore(frame, mode, null);
  } catch (e) {
    return { ok: false, error: { code: NvgreErrorCode.INVALID_ARGUMENT, layer: 'argument', offset: 0, message: String(e) } };
  }
  return r === null ? { ok: false, error: failure } : { ok: true, value: r };
}

// ---------------------------------------------------------------------------------------------
// Reusable decapsulation (gopacket's DecodingLayerParser idea: decode into preallocated objects)

export interface Decapsulator {
  /**
   * Like {@link decapsulate}, but fills the same result object on every call: no allocation per frame.
   * The result (and its lazily created `inner` view and `outer` fields) describes the latest frame
   * only — read what you need, or copy it, before the next call.
   */
  decapsulate(frame: Uint8Array): Decapsulated;
  /** Never throws on frame contents: returns null on a drop and leaves the reason in `lastError`. */
  decapsulateOrNull(frame: Uint8Array): Decapsulated | null;
  /** Why the latest `decapsulateOrNull` returned null. */
  readonly lastError: NvgreErrorInfo | null;
}

class ReusableDecapsulator implements Decapsulator {
  lastError: NvgreErrorInfo | null = null;
  private readonly mode: number;
  /** Created by the first successful decode, then refilled. */
  private result: DecapsulatedFrame | null = null;

  constructor(options?: DecapsulateOptions) {
    this.mode = modeOf(options);
  }

  decapsulate(frame: Uint8Array): Decapsulated {
    if (!(frame instanceof Uint8Array) || frame.length === 0) assertBytes(frame, 'frame');
    const r = decapsulateCore(frame, this.mode, this.result);
    if (r === null) {
      const e = failure;
      throw new NvgreError(e.code, e.layer, e.offset, e.message, e.needed === undefined ? undefined : { needed: e.needed, available: e.available ?? 0 });
    }
    return (this.result = r);
  }

  decapsulateOrNull(frame: Uint8Array): Decapsulated | null {
    if (!(frame instanceof Uint8Array) || frame.length === 0) assertBytes(frame, 'frame');
    const r = decapsulateCore(frame, this.mode, this.result);
    this.lastError = r === null ? failure : null;
    if (r !== null) this.result = r;
    return r;
  }
}

/** A decapsulator that reuses one result object: the zero-allocation receive path. */
export function createDecapsulator(options?: DecapsulateOptions): Decapsulator {
  return new ReusableDecapsulator(options);
}

