/**
 * The encapsulator's options and its precomputed outer header (RFC 7637 §3.2–§4.4; docs/nvgre.md §5):
 * every outer field that does not change per packet is checked once and written once into a template,
 * so each packet only patches lengths, the IPv4 ID and checksum, and the FlowID (as the Linux /
 * DPDK header templates do). The general path (general.ts) and the fast path (fast-path.ts) build on it.
 */
import { parseIp, parseMac, type AddressInput } from '../wire/address.js';
import { assertBytes, assertInt, put32, typedArraySet, u16 } from '../wire/bytes.js';
import { onesComplementSum } from '../wire/checksum.js';
import { ETH, EtherType, isVlanTpid, writeEthernet, type VlanTag } from '../wire/ethernet.js';
import { GRE, isReservedVsid, keyFor, VSID, writeNvgreHeader, type KeyLayout } from '../wire/gre.js';
import { IPV4, IpProtocol, writeIpv4 } from '../wire/ipv4.js';
import { IPV6, writeIpv6 } from '../wire/ipv6.js';
import { NvgreError, NvgreErrorCode } from '../wire/errors.js';
import { foldFlowId, innerFlowHash } from './flowhash.js';
import { frameToeplitzHash, toeplitzTableOf } from '../wire/toeplitz.js';


export interface EncapsulateOptions {
  /** 24-bit Virtual Subnet ID. 0–0xFFF and 0xFFFFFF are reserved (RFC 7637 §3.4): refused unless `allowReservedVsid`. */
  readonly vsid: number;
  /**
   * FlowID policy (RFC 7637 §3.2; docs/rss.md §8). `'hash'` (default): a hash of the inner flow mapped
   * onto 1–255, never 0 (0 reads as "not generated"); `'toeplitz'`: the low byte of the inner frame's
   * RSS Toeplitz hash with `flowIdKey`, 0 remapped to 1, so a sender and a receiving NIC with the same
   * key agree on flow identity; a function: called with each inner frame, returns 1–255; `'zero'`: not
   * generated, all zeros (also what draft-era peers expect); a number: used as is.
   */
  readonly flowId?: number | 'hash' | 'zero' | 'toeplitz' | ((inner: Uint8Array) => number);
  /** Key of `flowId: 'toeplitz'` (at least 40 bytes). Default: Microsoft's RSS verification key (docs/rss.md §2). */
  readonly flowIdKey?: Uint8Array;
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
   * hash (RFC 6438, as OpenBSD nvgre(4) does; docs/nvgre.md §6) so IPv6 underlays can balance on it.
   */
  readonly flowLabel?: number | 'hash';
  /** Underlay IP MTU: results whose outer IP packet is larger are refused with `MTU_EXCEEDED`. */
  readonly mtu?: number;
  /** An inner 802.1Q/802.1ad tag is removed (`'strip'`, default, RFC 7637 §3.3) or refused (`'reject'`, `INNER_VLAN`). */
  readonly innerVlan?: 'strip' | 'reject';
  /** Allow reserved VSIDs (0–0xFFF; 0xFFFFFF only after checking the peer's vendor, RFC 7637 §3.4). Default false. */
  readonly allowReservedVsid?: boolean;
  /**
   * How the key carries the VSID (docs/nvgre.md §7): `'rfc7637'` (default) VSID << 8 | FlowID, or
   * `'low24'`, the first draft's text: the VSID in the low 24 bits, high byte zero, no FlowID (only
   * `flowId: 'zero'` or 0 go with it). For talking to a peer that reads keys that way.
   */
  readonly keyLayout?: KeyLayout;
  /**
   * `encapsulate()` carves results of up to 4 KiB out of a shared 32 KiB slab (default `true`): a
   * result's `buffer` is then the slab and its `byteOffset` usually not 0, and a kept result keeps
   * the slab alive (docs/api.md "Memory: pooled results"). `false`: each result in an ArrayBuffer of
   * its own. `encapsulateInto` never allocates.
   */
  readonly pool?: boolean;
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
export function hashedFlowId(inner: Uint8Array): number {
  return foldFlowId(innerFlowHash(inner, 0, inner.length));
}

/** {@link hashedFlowId} of the inner frame `bytes[start, end)` (the fast path hashes its own copy). */
export function hashedFlowIdAt(bytes: Uint8Array, start: number, end: number): number {
  return foldFlowId(innerFlowHash(bytes, start, end));
}

/**
 * `flowId: 'toeplitz'` (docs/rss.md §8): the low byte of the inner frame's Toeplitz hash with the key's
 * table `t`, 0 remapped to 1; a frame that is not IP gets the `'hash'` FlowID.
 */
export function toeplitzFlowId(t: Int32Array, inner: Uint8Array): number {
  const h = frameToeplitzHash(t, inner, 0, inner.length);
  return h < 0 ? hashedFlowId(inner) : h & 0xff || 1;
}

/** `flowId: (inner) => number`: the caller's FlowID, which must be 1–255 (docs/rss.md §8). */
export function calledFlowId(policy: (inner: Uint8Array) => number, inner: Uint8Array): number {
  const id = policy(inner);
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 1 || id > 255) {
    throw argError(`the flowId function returned ${typeof id === 'number' ? id : typeof id}; a FlowID is 1–255 (RFC 7637 §3.2: 0 means not generated; use flowId: 'zero' to send 0)`);
  }
  return id;
}

/** Inner frames at least this long are checked for sitting in the target's headroom (see encapsulateInto). */
export const enum Headroom {
  IN_PLACE_MIN = 4096,
}

export function argError(message: string): NvgreError {
  return new NvgreError(NvgreErrorCode.INVALID_ARGUMENT, 'argument', 0, message);
}

export function checkOptionInt(value: unknown, name: string, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw argError(`${name} must be an integer from ${min} to ${max}, got ${typeof value === 'number' ? value : typeof value}`);
  }
}

export function checkOptionBoolean(value: unknown, name: string): void {
  if (value !== undefined && typeof value !== 'boolean') throw argError(`${name} must be a boolean, got ${typeof value}`);
}

/** Outer-header bytes NVGRE adds to the inner frame (docs/nvgre.md §5). */
export function nvgreOverhead(ipVersion: 4 | 6, outerVlan = false): number {
  return ETH.HEADER_LENGTH + (outerVlan ? ETH.TAG_LENGTH : 0) + (ipVersion === 4 ? IPV4.MIN_HEADER_LENGTH : IPV6.HEADER_LENGTH) + GRE.NVGRE_LENGTH;
}

/** Largest inner IP packet that fits an underlay IP MTU (1500 → 1458 over IPv4, 1438 over IPv6; docs/nvgre.md §5). */
export function innerMtu(underlayMtu: number, ipVersion: 4 | 6): number {
  return underlayMtu - (ipVersion === 4 ? IPV4.MIN_HEADER_LENGTH : IPV6.HEADER_LENGTH) - GRE.NVGRE_LENGTH - ETH.HEADER_LENGTH;
}

export function checkPerPacket(perPacket: PerPacketOptions): void {
  if (perPacket === null || typeof perPacket !== 'object') throw new TypeError(`perPacket must be an object, got ${perPacket === null ? 'null' : typeof perPacket}`);
  if (perPacket.flowId !== undefined) checkOptionInt(perPacket.flowId, 'perPacket.flowId', 0, 255);
  if (perPacket.ipId !== undefined) checkOptionInt(perPacket.ipId, 'perPacket.ipId', 0, 0xffff);
}

/**
 * `to[w…) = from[0…)`. Every template has at least 10 words (Ethernet + IPv4 + GRE is 42 bytes), stored
 * straight-line (V8 runs that several times faster than a loop); tags and IPv6 add up to 6 more.
 */
export function storeWords(to: Uint32Array, w: number, from: Uint32Array): void {
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
export function storeMoreWords(to: Uint32Array, w: number, from: Uint32Array): void {
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

/** The options, checked, and the outer header template; the paths that write packets extend it. */
export class EncapsulatorTemplate {
  readonly headerLength: number;
  readonly ipVersion: 4 | 6;
  lastStrippedVlan: VlanTag | null = null;
  protected readonly template: Uint8Array;
  /** The template as host-order 32-bit words (its leading `headerLength >>> 2` × 4 bytes). */
  protected readonly templateWords: Uint32Array;
  /** The template's next-to-last byte (the VSID's low byte), which follows its last whole word. */
  protected readonly vsidLowByte: number;
  /** The key layout is low24 (no FlowID; see EncapsulateOptions.keyLayout). */
  protected readonly low24: boolean;
  /** The last target seen, and a 32-bit view over it once it comes back (see writeTemplate). */
  protected lastTarget: Uint8Array | null = null;
  protected targetWords: Uint32Array | null = null;
  /** `byteOffset & 3` of lastTarget: target index i is byte (shift + i) of targetWords. */
  protected targetShift = 0;
  protected readonly ipOffset: number;
  protected readonly greOffset: number;
  /** Folded sum of the IPv4 template header with Total Length, ID, checksum (and TOS when inherited) zero. */
  protected readonly ipv4PartialSum: number;
  protected readonly flowPolicy: number | 'hash' | 'toeplitz' | ((inner: Uint8Array) => number);
  /** The key table of `flowId: 'toeplitz'`, else null. */
  protected readonly flowIdTable: Int32Array | null;
  /** The FlowID when it is the same for every packet, or -1 when it is hashed per packet. */
  protected readonly fixedFlowId: number;
  /** True when no outer field but lengths, IPv4 ID and checksum and the FlowID changes per packet (the fast path). */
  protected readonly fastPath: boolean;
  protected readonly dscp: number | 'inherit';
  protected readonly ecn: number | 'inherit';
  protected readonly mtu: number;
  protected readonly maxIpLength: number;
  protected readonly inheritsTos: boolean;
  protected readonly hashFlowLabel: boolean;
  protected readonly rejectInnerVlan: boolean;
  protected nextIpId: number;
  /** `encapsulate()` results come from the pool (EncapsulateOptions.pool). */
  protected readonly pooled: boolean;

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
    const layout = o.keyLayout ?? 'rfc7637';
    if (layout !== 'rfc7637' && layout !== 'low24') throw argError(`keyLayout must be 'rfc7637' or 'low24', got ${String(layout)}`);
    this.low24 = layout === 'low24';
    const flow = o.flowId ?? (this.low24 ? 'zero' : 'hash');
    if (flow !== 'hash' && flow !== 'zero' && flow !== 'toeplitz' && typeof flow !== 'function') checkOptionInt(flow, 'flowId', 0, 255);
    if (o.flowIdKey !== undefined) {
      if (flow !== 'toeplitz') throw argError(`flowIdKey goes with flowId: 'toeplitz', got flowId ${typeof flow === 'function' ? 'a function' : String(flow)}`);
      if (!(o.flowIdKey instanceof Uint8Array) || o.flowIdKey.length < 40) {
        throw argError(`flowIdKey must be a Uint8Array of at least 40 bytes (the IPv6 4-tuple's 36 + 4), got ${o.flowIdKey instanceof Uint8Array ? `${o.flowIdKey.length} bytes` : typeof o.flowIdKey}`);
      }
    }
    if (this.low24 && flow !== 'zero' && flow !== 0) {
      throw argError(`keyLayout 'low24' has no FlowID (the key's high byte must be zero); flowId must be 'zero' or 0, got ${String(flow)}`);
    }
    // Under low24 the key's last byte is the VSID's low byte: the "FlowID" byte the paths write.
    this.flowPolicy = this.low24 ? o.vsid & 0xff : flow === 'zero' ? 0 : flow;
    this.flowIdTable = this.flowPolicy === 'toeplitz' ? toeplitzTableOf(o.flowIdKey).table : null;
    const srcMac = parseMac(o.srcMac, 'srcMac');
    const dstMac = parseMac(o.dstMac, 'dstMac');
    const srcIp = parseIp(o.srcIp, 'srcIp');
    const dstIp = parseIp(o.dstIp, 'dstIp');
    if (srcIp.length !== dstIp.length) {
      throw argError(`srcIp is IPv${srcIp.length === 4 ? 4 : 6} but dstIp is IPv${dstIp.length === 4 ? 4 : 6}; the outer header has one IP version`);
    }
    this.ipVersion = srcIp.length === 4 ? 4 : 6;
    checkOptionBoolean(o.dontFragment, 'dontFragment');
    checkOptionBoolean(o.pool, 'pool');
    this.pooled = o.pool !== false;
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
    this.fixedFlowId = typeof this.flowPolicy === 'number' ? this.flowPolicy : -1;
    // The fast path computes a fixed or 'hash' FlowID; 'toeplitz' and a function take the general path.
    this.fastPath = !this.inheritsTos && !this.hashFlowLabel && (this.fixedFlowId >= 0 || this.flowPolicy === 'hash');
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
    writeNvgreHeader(t, this.greOffset, 0, 0);
    put32(t, this.greOffset + GRE.BASE_LENGTH, keyFor(o.vsid, 0, layout));
    this.template = t;
    this.templateWords = new Uint32Array(t.buffer, 0, this.headerLength >>> 2);
    this.vsidLowByte = t[this.headerLength - 2]!;
  }

  /**
   * Copies the header template to `target[offset…]`. TypedArray set() has a fixed cost of about one
   * 64-byte copy, so a target that comes back (a transmit buffer reused per packet) gets a 32-bit view
   * and the template is stored word by word; a target seen once is not worth a view and gets set().
   */
  protected writeTemplate(target: Uint8Array, offset: number): void {
    const words = this.targetWords;
    const at = this.targetShift + offset;
    if (target === this.lastTarget && words !== null && (at & 3) === 0) {
      // In range: the caller checked offset + headerLength ≤ target.length, and the word view spans
      // the target's whole words (a fixed-size buffer: it cannot outgrow the view).
      storeWords(words, at >>> 2, this.templateWords);
      // 14 + 4 × tags + (20 or 40) + 8 bytes: two bytes past the last whole word, the key's last
      // two: the VSID's low byte (rfc7637; its middle byte under low24), and the FlowID (rfc7637; the
      // VSID's low byte under low24), which the caller writes.
      target[offset + this.headerLength - 2] = this.vsidLowByte;
    } else {
      this.writeTemplateOnce(target, offset);
    }
  }

  /** writeTemplate for a target seen for the first time (set()) or the second (makes its word view). */
  protected writeTemplateOnce(target: Uint8Array, offset: number): void {
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
    typedArraySet.call(target, this.template, offset);
  }

  /** Number of leading inner VLAN tags (0–2); throws for a frame shorter than an Ethernet header. */
  protected innerTags(inner: Uint8Array): number {
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
  protected checkArguments(target: unknown, offset: unknown, inner: unknown): void {
    assertBytes(target, 'target');
    assertBytes(inner, 'inner');
    assertInt(offset, 'offset', 0, Number.MAX_SAFE_INTEGER);
    this.innerTags(inner);
  }

  protected mtuError(ipLength: number): NvgreError {
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
}
