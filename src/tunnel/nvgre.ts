/**
 * NVGRE encapsulation and decapsulation (RFC 7637 §3.2–§4.4). Decapsulation follows the ordered drop
 * table of NVGRE.md §4; encapsulation precomputes the outer header template so each packet only
 * patches lengths, ID, checksum and FlowID (STYLE.md: Linux/DPDK header templates).
 */
import { formatIp, formatMac, parseIp, parseMac, type AddressInput } from '../wire/address.js';
import { assertBytes, assertInt, put16, typedArraySet, u16, u32 } from '../wire/bytes.js';
import { onesComplementSum } from '../wire/checksum.js';
import { ETH, EtherType, isVlanTpid, readVlanTag, writeEthernet, type VlanTag } from '../wire/ethernet.js';
import { GRE, greHeaderLength, isReservedVsid, VSID, writeNvgreHeader } from '../wire/gre.js';
import { IPV4, IpProtocol, ipv4BaseHeaderSum, ipv4HeaderSum, writeIpv4 } from '../wire/ipv4.js';
import { IPV6, checkIpv6, newIpv6Chain, walkIpv6, writeIpv6 } from '../wire/ipv6.js';
import { Wire } from '../wire/wire.js';
import { NvgreError, NvgreErrorCode, noSpace, type NvgreErrorInfo, type TryResult } from '../wire/errors.js';
import { foldFlowId, innerFlowHash } from './flowhash.js';

// ---------------------------------------------------------------------------------------------
// Encapsulation

export interface EncapsulateOptions {
  /** 24-bit Virtual Subnet ID. 0–0xFFF and 0xFFFFFF are reserved (RFC 7637 §3.4): refused unless `allowReservedVsid`. */
  readonly vsid: number;
  /**
   * `'hash'` (default): an 8-bit hash of the inner flow (RFC 7637 §3.2 asks for entropy);
   * `'zero'`: FlowID not generated, all zeros (§3.2; also what draft-era peers expect); a number: used as is.
   */
  readonly flowId?: number | 'hash' | 'zero';
  readonly srcMac: AddressInput;
  readonly dstMac: AddressInput;
  /** Provider addresses; the outer IP version follows them (both must be the same version). */
  readonly srcIp: AddressInput;
  readonly dstIp: AddressInput;
  /** Outer 802.1Q tag. */
  readonly vlan?: { readonly id: number; readonly pcp?: number; readonly dei?: boolean };
  /** Outer TTL / IPv6 Hop Limit. Default 64. */
  readonly ttl?: number;
  /** Outer DSCP: a number, or `'inherit'` to copy the inner IP DSCP (uniform model, RFC 2983). Default 0. */
  readonly dscp?: number | 'inherit';
  /** Outer ECN: a number, or `'inherit'` (RFC 6040 §4.1 normal mode). Default 0 (compatibility mode). */
  readonly ecn?: number | 'inherit';
  /** Outer IPv4 DF bit (RFC 7637 §4.4: NVGRE packets must not be fragmented). Default true. */
  readonly dontFragment?: boolean;
  /** First outer IPv4 Identification; default: a per-encapsulator counter starting at 0. */
  readonly ipId?: number;
  /**
   * Outer IPv6 flow label: a number (default 0), or `'hash'` to set it per packet from the inner flow
   * hash (RFC 6438, as OpenBSD nvgre(4) does; NVGRE.md §6) so IPv6 underlays can balance on it.
   */
  readonly flowLabel?: number | 'hash';
  /** Underlay IP MTU: results whose outer IP packet is larger are refused with `MTU_EXCEEDED`. */
  readonly mtu?: number;
  /** An inner 802.1Q/802.1ad tag is removed (`'strip'`, default, RFC 7637 §3.3) or refused (`'reject'`, `INNER_VLAN`). */
  readonly innerVlan?: 'strip' | 'reject';
  /** Allow reserved VSIDs (0–0xFFF; 0xFFFFFF only after checking the peer's vendor, RFC 7637 §3.4). Default false. */
  readonly allowReservedVsid?: boolean;
}

export interface PerPacketOptions {
  /** FlowID for this packet (0–255), overriding the encapsulator's policy. */
  readonly flowId?: number;
  /** Outer IPv4 Identification for this packet (0–65535), overriding the counter. */
  readonly ipId?: number;
}

export interface Encapsulator {
  /** Bytes added in front of the inner frame: 42 (IPv4), 62 (IPv6), +4 with an outer VLAN tag. */
  readonly headerLength: number;
  /** The outer IP version. */
  readonly ipVersion: 4 | 6;
  /** The 802.1Q tag removed from the most recent inner frame, or null (RFC 7637 §3.3 asks to strip and report it). */
  readonly lastStrippedVlan: VlanTag | null;
  /** Encapsulates into a new array. */
  encapsulate(inner: Uint8Array, perPacket?: PerPacketOptions): Uint8Array;
  /**
   * Encapsulates into `target` at `offset` without allocating; returns bytes written. Throws `NO_SPACE`
   * before writing anything. Reuse one target where you can: from its second use the header is stored
   * as 32-bit words (the encapsulator keeps a reference to the last target). An inner frame of 4 KiB
   * or more that already sits at `target[offset + headerLength]` is not copied.
   */
  encapsulateInto(target: Uint8Array, offset: number, inner: Uint8Array, perPacket?: PerPacketOptions): number;
  /** Bytes that `inner` becomes once encapsulated (inner tags stripped). */
  encapsulatedLength(inner: Uint8Array): number;
}

/** FlowID from the inner flow's hash (RFC 7637 §3.2 entropy); a separate function keeps the fast path small. */
function hashedFlowId(inner: Uint8Array): number {
  return foldFlowId(innerFlowHash(inner, 0, inner.length));
}

/** Inner frames at least this long are checked for sitting in the target's headroom (see encapsulateInto). */
const enum Headroom {
  IN_PLACE_MIN = 4096,
}

function argError(message: string): NvgreError {
  return new NvgreError(NvgreErrorCode.INVALID_ARGUMENT, 'argument', 0, message);
}

function checkOptionInt(value: unknown, name: string, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw argError(`${name} must be an integer from ${min} to ${max}, got ${typeof value === 'number' ? value : typeof value}`);
  }
}

function checkOptionBoolean(value: unknown, name: string): void {
  if (value !== undefined && typeof value !== 'boolean') throw argError(`${name} must be a boolean, got ${typeof value}`);
}

/** Outer-header bytes NVGRE adds to the inner frame (NVGRE.md §5). */
export function nvgreOverhead(ipVersion: 4 | 6, outerVlan = false): number {
  return ETH.HEADER_LENGTH + (outerVlan ? ETH.TAG_LENGTH : 0) + (ipVersion === 4 ? IPV4.MIN_HEADER_LENGTH : IPV6.HEADER_LENGTH) + GRE.NVGRE_LENGTH;
}

/** Largest inner IP packet that fits an underlay IP MTU (1500 → 1458 over IPv4, 1438 over IPv6; NVGRE.md §5). */
export function innerMtu(underlayMtu: number, ipVersion: 4 | 6): number {
  return underlayMtu - (ipVersion === 4 ? IPV4.MIN_HEADER_LENGTH : IPV6.HEADER_LENGTH) - GRE.NVGRE_LENGTH - ETH.HEADER_LENGTH;
}

function checkPerPacket(perPacket: PerPacketOptions): void {
  if (perPacket === null || typeof perPacket !== 'object') throw new TypeError(`perPacket must be an object, got ${perPacket === null ? 'null' : typeof perPacket}`);
  if (perPacket.flowId !== undefined) checkOptionInt(perPacket.flowId, 'perPacket.flowId', 0, 255);
  if (perPacket.ipId !== undefined) checkOptionInt(perPacket.ipId, 'perPacket.ipId', 0, 0xffff);
}

/**
 * `to[w…) = from[0…)`. Every template has at least 10 words (Ethernet + IPv4 + GRE is 42 bytes), stored
 * straight-line (V8 runs that several times faster than a loop); tags and IPv6 add up to 6 more.
 */
function storeWords(to: Uint32Array, w: number, from: Uint32Array): void {
  to[w] = from[0]!;
  to[w + 1] = from[1]!;
  to[w + 2] = from[2]!;
  to[w + 3] = from[3]!;
  to[w + 4] = from[4]!;
  to[w + 5] = from[5]!;
  to[w + 6] = from[6]!;
  to[w + 7] = from[7]!;
  to[w + 8] = from[8]!;
  to[w + 9] = from[9]!;
  if (from.length > 10) storeMoreWords(to, w, from);
}

/** The words past the tenth (outer tags, IPv6): a separate function keeps storeWords small to inline. */
function storeMoreWords(to: Uint32Array, w: number, from: Uint32Array): void {
  if (from.length === 15) {
    // Untagged outer IPv6 (62 bytes), the common case: straight-line like the first ten.
    to[w + 10] = from[10]!;
    to[w + 11] = from[11]!;
    to[w + 12] = from[12]!;
    to[w + 13] = from[13]!;
    to[w + 14] = from[14]!;
    return;
  }
  for (let k = 10; k < from.length; k++) to[w + k] = from[k]!;
}

class NvgreEncapsulator implements Encapsulator {
  readonly headerLength: number;
  readonly ipVersion: 4 | 6;
  lastStrippedVlan: VlanTag | null = null;
  private readonly template: Uint8Array;
  /** The template as host-order 32-bit words (its leading `headerLength >>> 2` × 4 bytes). */
  private readonly templateWords: Uint32Array;
  /** The template's next-to-last byte (the VSID's low byte), which follows its last whole word. */
  private readonly vsidLowByte: number;
  /** The last target seen, and a 32-bit view over it once it comes back (see writeTemplate). */
  private lastTarget: Uint8Array | null = null;
  private targetWords: Uint32Array | null = null;
  /** `byteOffset & 3` of lastTarget: target index i is byte (shift + i) of targetWords. */
  private targetShift = 0;
  private readonly ipOffset: number;
  private readonly greOffset: number;
  /** Folded sum of the IPv4 template header with Total Length, ID, checksum (and TOS when inherited) zero. */
  private readonly ipv4PartialSum: number;
  private readonly flowPolicy: number | 'hash';
  /** The FlowID when it is the same for every packet, or -1 when it is hashed per packet. */
  private readonly fixedFlowId: number;
  /** True when no outer field but lengths, IPv4 ID and checksum and the FlowID changes per packet (the fast path). */
  private readonly fastPath: boolean;
  private readonly dscp: number | 'inherit';
  private readonly ecn: number | 'inherit';
  private readonly mtu: number;
  private readonly maxIpLength: number;
  private readonly inheritsTos: boolean;
  private readonly hashFlowLabel: boolean;
  private readonly rejectInnerVlan: boolean;
  private nextIpId: number;

  constructor(o: EncapsulateOptions) {
    if (o === null || typeof o !== 'object') throw new TypeError('options must be an object with vsid, srcMac, dstMac, srcIp and dstIp');
    checkOptionInt(o.vsid, 'vsid', 0, VSID.MAX);
    checkOptionBoolean(o.allowReservedVsid, 'allowReservedVsid');
    if (isReservedVsid(o.vsid) && o.allowReservedVsid !== true) {
      throw new NvgreError(
        NvgreErrorCode.RESERVED_VSID,
        'argument',
        0,
        `VSID ${o.vsid} (0x${o.vsid.toString(16)}) is reserved by RFC 7637 §3.4 (0–0xFFF, 0xFFFFFF); pass allowReservedVsid: true to use it anyway`,
      );
    }
    const flow = o.flowId ?? 'hash';
    if (flow !== 'hash' && flow !== 'zero') checkOptionInt(flow, 'flowId', 0, 255);
    this.flowPolicy = flow === 'zero' ? 0 : flow;
    const srcMac = parseMac(o.srcMac, 'srcMac');
    const dstMac = parseMac(o.dstMac, 'dstMac');
    const srcIp = parseIp(o.srcIp, 'srcIp');
    const dstIp = parseIp(o.dstIp, 'dstIp');
    if (srcIp.length !== dstIp.length) {
      throw argError(`srcIp is IPv${srcIp.length === 4 ? 4 : 6} but dstIp is IPv${dstIp.length === 4 ? 4 : 6}; the outer header has one IP version`);
    }
    this.ipVersion = srcIp.length === 4 ? 4 : 6;
    checkOptionBoolean(o.dontFragment, 'dontFragment');
    if (o.vlan !== undefined) {
      if (o.vlan === null || typeof o.vlan !== 'object') throw argError(`vlan must be an object { id, pcp?, dei? }, got ${o.vlan === null ? 'null' : typeof o.vlan}`);
      checkOptionBoolean(o.vlan.dei, 'vlan.dei');
      checkOptionInt(o.vlan.id, 'vlan.id', 0, 4095);
      if (o.vlan.pcp !== undefined) checkOptionInt(o.vlan.pcp, 'vlan.pcp', 0, 7);
    }
    const ttl = o.ttl ?? 64;
    checkOptionInt(ttl, 'ttl', 0, 255);
    this.dscp = o.dscp ?? 0;
    this.ecn = o.ecn ?? 0;
    this.inheritsTos = this.dscp === 'inherit' || this.ecn === 'inherit';
    if (this.dscp !== 'inherit') checkOptionInt(this.dscp, 'dscp', 0, 63);
    if (this.ecn !== 'inherit') checkOptionInt(this.ecn, 'ecn', 0, 3);
    if (o.ipId !== undefined) checkOptionInt(o.ipId, 'ipId', 0, 0xffff);
    if (o.flowLabel !== undefined && o.flowLabel !== 'hash') checkOptionInt(o.flowLabel, 'flowLabel', 0, 0xfffff);
    this.hashFlowLabel = o.flowLabel === 'hash';
    this.fixedFlowId = this.flowPolicy === 'hash' ? -1 : this.flowPolicy;
    this.fastPath = !this.inheritsTos && !this.hashFlowLabel;
    if (o.mtu !== undefined) checkOptionInt(o.mtu, 'mtu', 68, 0xffffffff);
    if (o.innerVlan !== undefined && o.innerVlan !== 'strip' && o.innerVlan !== 'reject') {
      throw argError(`innerVlan must be 'strip' or 'reject', got ${String(o.innerVlan)}`);
    }
    this.mtu = o.mtu ?? Infinity;
    // Largest outer IP packet: the MTU, and what the length field can express.
    this.maxIpLength = Math.min(this.mtu, this.ipVersion === 4 ? 0xffff : 0xffff + IPV6.HEADER_LENGTH);
    this.rejectInnerVlan = o.innerVlan === 'reject';
    this.nextIpId = o.ipId ?? 0;

    const vlans = o.vlan ? [{ id: o.vlan.id, pcp: o.vlan.pcp ?? 0, dei: o.vlan.dei ?? false }] : [];
    this.ipOffset = ETH.HEADER_LENGTH + ETH.TAG_LENGTH * vlans.length;
    this.greOffset = this.ipOffset + (this.ipVersion === 4 ? IPV4.MIN_HEADER_LENGTH : IPV6.HEADER_LENGTH);
    this.headerLength = this.greOffset + GRE.NVGRE_LENGTH;
    const t = new Uint8Array(this.headerLength);
    writeEthernet(t, 0, { dst: dstMac, src: srcMac, vlans, etherType: this.ipVersion === 4 ? EtherType.IPV4 : EtherType.IPV6 });
    const fixedDscp = this.dscp === 'inherit' ? 0 : this.dscp;
    const fixedEcn = this.ecn === 'inherit' ? 0 : this.ecn;
    if (this.ipVersion === 4) {
      writeIpv4(t, this.ipOffset, {
        src: srcIp,
        dst: dstIp,
        protocol: IpProtocol.GRE,
        payloadLength: 0,
        totalLength: 0,
        dscp: fixedDscp,
        ecn: fixedEcn,
        id: 0,
        dontFragment: o.dontFragment ?? true,
        ttl,
        checksum: 0,
      });
      this.ipv4PartialSum = onesComplementSum(t, this.ipOffset, IPV4.MIN_HEADER_LENGTH);
    } else {
      writeIpv6(t, this.ipOffset, {
        src: srcIp,
        dst: dstIp,
        nextHeader: IpProtocol.GRE,
        payloadLength: 0,
        dscp: fixedDscp,
        ecn: fixedEcn,
        flowLabel: typeof o.flowLabel === 'number' ? o.flowLabel : 0,
        hopLimit: ttl,
      });
      this.ipv4PartialSum = 0;
    }
    writeNvgreHeader(t, this.greOffset, o.vsid, 0);
    this.template = t;
    this.templateWords = new Uint32Array(t.buffer, 0, this.headerLength >>> 2);
    this.vsidLowByte = o.vsid & 0xff;
  }

  /**
   * Copies the header template to `target[offset…]`. TypedArray set() has a fixed cost of about one
   * 64-byte copy, so a target that comes back (a transmit buffer reused per packet) gets a 32-bit view
   * and the template is stored word by word; a target seen once is not worth a view and gets set().
   */
  private writeTemplate(target: Uint8Array, offset: number): void {
    const words = this.targetWords;
    const at = this.targetShift + offset;
    if (target === this.lastTarget && words !== null && (at & 3) === 0) {
      // In range: the caller checked offset + headerLength ≤ target.length, and the word view spans
      // the target's whole words (a fixed-size buffer: it cannot outgrow the view).
      storeWords(words, at >>> 2, this.templateWords);
      // 14 + 4 × tags + (20 or 40) + 8 bytes: two bytes past the last whole word, the key's last
      // two: the VSID's low byte, and the FlowID, which the caller writes.
      target[offset + this.headerLength - 2] = this.vsidLowByte;
    } else {
      this.writeTemplateOnce(target, offset);
    }
  }

  /** writeTemplate for a target seen for the first time (set()) or the second (makes its word view). */
  private writeTemplateOnce(target: Uint8Array, offset: number): void {
    if (target !== this.lastTarget) {
      this.lastTarget = target;
      this.targetWords = null;
    } else if (this.targetWords === null) {
      const buffer = target.buffer as ArrayBufferLike & { resizable?: boolean; growable?: boolean };
      if (buffer.resizable === true || buffer.growable === true) {
        // A length-tracking view of a resizable buffer could outgrow a word view: always set().
        this.lastTarget = null;
      } else {
        const shift = target.byteOffset & 3;
        this.targetWords = new Uint32Array(buffer, target.byteOffset - shift, (shift + target.length) >>> 2);
        this.targetShift = shift;
      }
    }
    target.set(this.template, offset);
  }

  /** Number of leading inner VLAN tags (0–2); throws for a frame shorter than an Ethernet header. */
  private innerTags(inner: Uint8Array): number {
    if (inner.length < ETH.HEADER_LENGTH) {
      throw new NvgreError(NvgreErrorCode.TRUNCATED, 'inner-ethernet', 0, `the inner frame is ${inner.length} bytes; an Ethernet header needs 14`, {
        needed: ETH.HEADER_LENGTH,
        available: inner.length,
      });
    }
    let tags = 0;
    while (tags < ETH.MAX_TAGS && isVlanTpid(u16(inner, ETH.TYPE + tags * ETH.TAG_LENGTH))) {
      tags++;
      if (inner.length < ETH.HEADER_LENGTH + tags * ETH.TAG_LENGTH) {
        throw new NvgreError(NvgreErrorCode.TRUNCATED, 'inner-ethernet', 0, 'the inner frame ends inside its VLAN tag', {
          needed: ETH.HEADER_LENGTH + tags * ETH.TAG_LENGTH,
          available: inner.length,
        });
      }
    }
    if (tags > 0 && this.rejectInnerVlan) {
      throw new NvgreError(
        NvgreErrorCode.INNER_VLAN,
        'inner-ethernet',
        ETH.TYPE,
        'the inner frame carries an 802.1Q/802.1ad tag, which RFC 7637 §3.3 forbids (innerVlan: "reject"); use innerVlan: "strip" to remove it',
      );
    }
    return tags;
  }

  /** Cold path of encapsulateInto's guards: throws the precise error. */
  private checkArguments(target: unknown, offset: unknown, inner: unknown): void {
    assertBytes(target, 'target');
    assertBytes(inner, 'inner');
    assertInt(offset, 'offset', 0, Number.MAX_SAFE_INTEGER);
    this.innerTags(inner);
  }

  private mtuError(ipLength: number): NvgreError {
    const limit = Math.min(this.mtu, this.maxIpLength);
    return new NvgreError(
      NvgreErrorCode.MTU_EXCEEDED,
      this.ipVersion === 4 ? 'outer-ipv4' : 'outer-ipv6',
      this.ipOffset,
      `the outer IP packet would be ${ipLength} bytes, over the ${limit}-byte limit; inner IP packets must be at most ${innerMtu(
        limit,
        this.ipVersion,
      )} bytes (RFC 7637 §4.4: NVGRE packets are not fragmented)`,
      { needed: ipLength, available: limit },
    );
  }

  encapsulatedLength(inner: Uint8Array): number {
    assertBytes(inner, 'inner');
    return this.headerLength + inner.length - this.innerTags(inner) * ETH.TAG_LENGTH;
  }

  encapsulate(inner: Uint8Array, perPacket?: PerPacketOptions): Uint8Array {
    const out = new Uint8Array(this.encapsulatedLength(inner));
    // Not through encapsulateInto's fast path: a fresh array each call would teach V8 that its
    // targets change, and the word-view bookkeeping would then be inlined into the reuse case.
    this.encapsulateIntoGeneral(out, 0, inner, perPacket);
    return out;
  }

  encapsulateInto(target: Uint8Array, offset: number, inner: Uint8Array, perPacket?: PerPacketOptions): number {
    // Fast path: no per-packet options or fields and an untagged inner frame that fits. It is kept
    // small enough (bytecode) for V8 to inline it into the caller's loop, which is worth a third of
    // its time at 64 bytes; everything else is encapsulateIntoGeneral.
    if (this.fastPath && perPacket === undefined && target instanceof Uint8Array && inner instanceof Uint8Array) {
      const hl = this.headerLength;
      const total = hl + inner.length;
      const ipLength = total - this.ipOffset;
      if (
        offset >>> 0 === offset && // a non-negative integer (a target longer than 2^32 - 1 takes the general path)
        offset + total <= target.length &&
        ipLength <= this.maxIpLength &&
        inner.length >= Wire.ETH_HEADER &&
        !isVlanTpid((inner[Wire.ETH_TYPE]! << 8) | inner[Wire.ETH_TYPE + 1]!)
      ) {
        this.writeTemplate(target, offset);
        if (inner.length < Headroom.IN_PLACE_MIN || !this.isInHeadroom(target, offset, inner)) typedArraySet.call(target, inner, offset + hl);
        this.lastStrippedVlan = null;
        if (this.ipVersion === 4) this.writeIpv4Fields(target, offset, ipLength);
        else this.writeIpv6Fields(target, offset, ipLength);
        // RFC 7637 §3.2: the FlowID, fixed or (the default) a hash of the inner flow.
        target[offset + hl - 1] = this.fixedFlowId >= 0 ? this.fixedFlowId : hashedFlowId(inner);
        return total;
      }
    }
    return this.encapsulateIntoGeneral(target, offset, inner, perPacket);
  }

  /**
   * Whether `inner` already sits right after the header space at `target[offset…]` (built in the
   * target's headroom), so that it needs no copy. Reading `byteOffset` and `buffer` costs about as
   * much as copying 4 KiB (V8 does not inline them): only frames of IN_PLACE_MIN bytes or more ask.
   */
  private isInHeadroom(target: Uint8Array, offset: number, inner: Uint8Array): boolean {
    return inner.byteOffset === target.byteOffset + offset + this.headerLength && inner.buffer === target.buffer;
  }

  /**
   * The fast path's per-packet IPv4 fields: Total Length, ID and header checksum. (One
   * method per IP version: V8 inlines only the one a caller runs, which keeps it within budget.)
   */
  private writeIpv4Fields(target: Uint8Array, offset: number, ipLength: number): void {
    const ip = offset + this.ipOffset;
    const ipId = this.nextIpId;
    this.nextIpId = (ipId + 1) & 0xffff;
    // RFC 1071: the template's partial sum plus the per-packet words (≤ 3 × 0xFFFF: two folds suffice).
    let sum = this.ipv4PartialSum + ipLength + ipId;
    sum = (sum & 0xffff) + (sum >>> 16);
    sum = ((sum & 0xffff) + (sum >>> 16)) ^ 0xffff;
    // Byte stores rather than put16 calls: each inlined call would count against the budget.
    target[ip + Wire.IPV4_TOTAL_LENGTH] = ipLength >>> 8;
    target[ip + Wire.IPV4_TOTAL_LENGTH + 1] = ipLength;
    target[ip + Wire.IPV4_ID] = ipId >>> 8;
    target[ip + Wire.IPV4_ID + 1] = ipId;
    target[ip + Wire.IPV4_CHECKSUM] = sum >>> 8;
    target[ip + Wire.IPV4_CHECKSUM + 1] = sum;
  }

  /** The fast path's per-packet IPv6 field: Payload Length. */
  private writeIpv6Fields(target: Uint8Array, offset: number, ipLength: number): void {
    const payloadLength = ipLength - Wire.IPV6_HEADER;
    target[offset + this.ipOffset + Wire.IPV6_PAYLOAD_LENGTH] = payloadLength >>> 8;
    target[offset + this.ipOffset + Wire.IPV6_PAYLOAD_LENGTH + 1] = payloadLength;
  }

  private encapsulateIntoGeneral(target: Uint8Array, offset: number, inner: Uint8Array, perPacket?: PerPacketOptions): number {
    if (!(target instanceof Uint8Array) || !(inner instanceof Uint8Array) || !(offset >= 0 && Number.isInteger(offset)) || inner.length < ETH.HEADER_LENGTH) {
      this.checkArguments(target, offset, inner);
    }
    const innerType = (inner[ETH.TYPE]! << 8) | inner[ETH.TYPE + 1]!;
    const strip = innerType === EtherType.VLAN || innerType === EtherType.QINQ ? this.innerTags(inner) * ETH.TAG_LENGTH : 0;
    const hl = this.headerLength;
    const total = hl + inner.length - strip;
    const ipLength = total - this.ipOffset;
    if (ipLength > this.maxIpLength) throw this.mtuError(ipLength);
    if (offset + total > target.length) throw noSpace(target.length, offset, total);
    let flowId: number;
    if (perPacket !== undefined) checkPerPacket(perPacket);
    if (perPacket?.flowId !== undefined) flowId = perPacket.flowId;
    else if (this.flowPolicy === 'hash') flowId = hashedFlowId(inner);
    else flowId = this.flowPolicy;

    target.set(this.template, offset);
    if (strip === 0) {
      // Smaller frames in the headroom are copied onto themselves (set() handles the overlap).
      if (inner.length < Headroom.IN_PLACE_MIN || !this.isInHeadroom(target, offset, inner)) target.set(inner, offset + hl);
    } else {
      this.lastStrippedVlan = readVlanTag(inner, ETH.TYPE);
      for (let i = 0; i < ETH.TYPE; i++) target[offset + hl + i] = inner[i]!;
      target.set(inner.subarray(ETH.TYPE + strip), offset + hl + ETH.TYPE);
    }
    if (strip === 0) this.lastStrippedVlan = null;

    const ip = offset + this.ipOffset;
    const inheritTos = this.inheritsTos ? this.innerTrafficClass(inner, strip) : 0;
    if (this.ipVersion === 4) {
      const ipId = perPacket?.ipId ?? this.nextIpId;
      if (perPacket?.ipId === undefined) this.nextIpId = (this.nextIpId + 1) & 0xffff;
      target[ip + IPV4.TOS] = target[ip + IPV4.TOS]! | inheritTos;
      put16(target, ip + IPV4.TOTAL_LENGTH, ipLength);
      put16(target, ip + IPV4.ID, ipId);
      // RFC 1071: the template's partial sum plus the per-packet words (≤ 4 × 0xFFFF: two folds suffice).
      let sum = this.ipv4PartialSum + ipLength + ipId + inheritTos;
      sum = (sum & 0xffff) + (sum >>> 16);
      put16(target, ip + IPV4.CHECKSUM, ((sum & 0xffff) + (sum >>> 16)) ^ 0xffff);
    } else {
      put16(target, ip + IPV6.PAYLOAD_LENGTH, ipLength - IPV6.HEADER_LENGTH);
      if (inheritTos !== 0) {
        target[ip] = target[ip]! | (inheritTos >>> 4);
        target[ip + 1] = target[ip + 1]! | ((inheritTos & 0x0f) << 4);
      }
      if (this.hashFlowLabel) {
        // RFC 6438: 20 bits of the flow hash; 0 means "unlabelled" (RFC 6437 §2), so it is avoided.
        const h = innerFlowHash(inner, 0, inner.length);
        const label = (h ^ (h >>> 20)) & 0xfffff || 1;
        target[ip + 1] = (target[ip + 1]! & 0xf0) | (label >>> 16);
        target[ip + 2] = (label >>> 8) & 0xff;
        target[ip + 3] = label & 0xff;
      }
    }
    target[offset + this.greOffset + GRE.NVGRE_LENGTH - 1] = flowId;
    return total;
  }

  /** DSCP/ECN bits to copy from the inner IP header ('inherit'), as a TOS byte; 0 for non-IP. */
  private innerTrafficClass(inner: Uint8Array, strip: number): number {
    const l3 = ETH.HEADER_LENGTH + strip;
    const et = u16(inner, l3 - 2);
    let tc = -1;
    if (et === EtherType.IPV4 && inner.length > l3 + IPV4.TOS) tc = inner[l3 + IPV4.TOS]!;
    else if (et === EtherType.IPV6 && inner.length > l3 + 1) tc = ((inner[l3]! & 0x0f) << 4) | (inner[l3 + 1]! >>> 4);
    if (tc < 0) return 0;
    return (this.dscp === 'inherit' ? tc & 0xfc : 0) | (this.ecn === 'inherit' ? tc & 0x03 : 0);
  }
}

/** Builds an encapsulator with a precomputed outer header template. Throws `INVALID_ARGUMENT` / `RESERVED_VSID` on bad options. */
export function createEncapsulator(options: EncapsulateOptions): Encapsulator {
  return new NvgreEncapsulator(options);
}

let sharedIpId = 0;

/**
 * One-shot encapsulation. Without `options.ipId`, the outer IPv4 ID comes from a counter shared by
 * all one-shot calls. For many packets use {@link createEncapsulator} (it precomputes the header).
 */
export function encapsulate(inner: Uint8Array, options: EncapsulateOptions): Uint8Array {
  assertBytes(inner, 'inner');
  const enc = new NvgreEncapsulator(options);
  if (options.ipId !== undefined) return enc.encapsulate(inner);
  const out = enc.encapsulate(inner, enc.ipVersion === 4 ? { ipId: sharedIpId } : undefined);
  if (enc.ipVersion === 4) sharedIpId = (sharedIpId + 1) & 0xffff;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Decapsulation

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
  /** The raw 32-bit GRE key (VSID << 8 | FlowID). */
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
  /** Default true: drop what RFC 7637 / RFC 2784 say a receiver must or may drop (NVGRE.md §4). */
  readonly strict?: boolean;
  /**
   * Default false. Accept an inner frame whose only tag is an 802.1Q priority tag (TPID 0x8100, VID 0),
   * as draft-era senders emitted to carry the frame's priority (NVGRE.md §7): the tag is removed from
   * `inner` (a new array; the input is never changed) and reported in `priorityTag`. RFC 7637 §3.3
   * requires dropping such frames, so this is for interoperating with old peers only. Any other inner
   * tag is still dropped (or, with `strict: false`, reported as INNER_VLAN).
   */
  readonly acceptPriorityTag?: boolean;
}

/** Decapsulation mode bits (from DecapsulateOptions). */
const enum Mode {
  STRICT = 1,
  ACCEPT_PRIORITY_TAG = 2,
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
  ) {
    // One assignment order for every result (refill's), so all results share one hidden class.
    this.refill(frame, vsid, flowId, innerOffset, innerLength, dropReasons, stripped);
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
  ): this {
    this.frame = frame;
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
    return ((this.vsid << 8) | this.flowId) >>> 0;
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
const enum FastVerdict {
  MISS = -1,
  /** Bits for the inner frame's offset: at most 14 + 4 (one tag) + 40 (IPv6) + 8 (NVGRE) = 66. */
  OFFSET_BITS = 7,
  OFFSET_MASK = 0x7f,
}

/**
 * The common case in a few comparisons: optionally tagged outer Ethernet, IPv4 without options or IPv6
 * without extension headers, a valid unfragmented outer header, a conformant NVGRE first word
 * (0x20006558: K only, version 0, Transparent Ethernet Bridging), an unreserved VSID and an untagged
 * inner frame of at least 14 bytes pass every row of NVGRE.md §4 at once. Returns the inner frame's
 * length and offset packed as `length << OFFSET_BITS | offset` (at most 2^23), or MISS: anything else
 * goes to {@link decapsulateByTable}, which evaluates the table row by row (and names the failing row).
 */
function decapsulateFast(f: Uint8Array): number {
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
  const fast = decapsulateFast(f);
  if (fast === FastVerdict.MISS) return decapsulateByTable(f, mode, reuse);
  const inner = fast & FastVerdict.OFFSET_MASK;
  const length = fast >>> FastVerdict.OFFSET_BITS;
  // The key (RFC 7637 §3.2) is the word before the inner frame: read again rather than handed over,
  // so the verdict stays one small integer. VSID and FlowID are kept apart: both fit V8's small
  // integers, where a 32-bit key of VSID 0x400000 or more would be a boxed number.
  const vsid = (f[inner - 4]! << 16) | (f[inner - 3]! << 8) | f[inner - 2]!;
  const flowId = f[inner - 1]!;
  return reuse === null
    ? new DecapsulatedFrame(f, vsid, flowId, inner, length, NO_REASONS, null)
    : reuse.refill(f, vsid, flowId, inner, length, NO_REASONS, null);
}

/** The decapsulation verdict of NVGRE.md §4, evaluated in table order. Returns null and sets `failure` on a drop. */
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
  // Row 11: reserved VSIDs (RFC 7637 §3.4).
  const vsid = key >>> 8;
  if (isReservedVsid(vsid)) {
    if (reasons === null) {
      return fail(NvgreErrorCode.RESERVED_VSID, 'gre', keyOffset, `VSID 0x${vsid.toString(16)} is reserved (RFC 7637 §3.4: 0–0xFFF and 0xFFFFFF); use strict: false to accept it`);
    }
    reasons.push(NvgreErrorCode.RESERVED_VSID);
  }
  // Row 13: inner 802.1Q (and, by library rule, 802.1ad) tag (RFC 7637 §3.3), unless it is a lone
  // priority tag and the caller accepts those (NVGRE.md §7).
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
    ? new DecapsulatedFrame(f, key >>> 8, key & 0xff, inner, ipEnd - inner, dropReasons, stripped)
    : reuse.refill(f, key >>> 8, key & 0xff, inner, ipEnd - inner, dropReasons, stripped);
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
  out.set(f.subarray(inner, inner + ETH.TYPE), 0);
  out.set(f.subarray(inner + ETH.TYPE + ETH.TAG_LENGTH, ipEnd), ETH.TYPE);
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
  return (strict === false ? 0 : Mode.STRICT) | (accept === true ? Mode.ACCEPT_PRIORITY_TAG : 0);
}

/** Decapsulates an NVGRE frame; throws `NvgreError` when a receiver drops it (NVGRE.md §4). Zero copy. */
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
