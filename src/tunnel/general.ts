/**
 * The general encapsulation path: every option (inherited DSCP/ECN, hashed IPv6 flow label, per-packet
 * FlowID and IPv4 ID), inner VLAN tags stripped (RFC 7637 §3.3), the MTU check (§4.4), and inner frames
 * that overlap the target anywhere (copied as by memmove).
 */
import { assertBytes, put16, typedArraySet, u16 } from '../wire/bytes.js';
import { ETH, EtherType, readVlanTag } from '../wire/ethernet.js';
import { GRE } from '../wire/gre.js';
import { IPV4 } from '../wire/ipv4.js';
import { IPV6 } from '../wire/ipv6.js';
import { noSpace } from '../wire/errors.js';
import { pooledBytes } from '../wire/pool.js';
import { innerFlowHash } from './flowhash.js';
import { EncapsulatorTemplate, Headroom, argError, calledFlowId, checkPerPacket, hashedFlowId, toeplitzFlowId, type PerPacketOptions } from './template.js';

/** Whether `target[offset, offset + length)` and `inner` share a byte (both views of one buffer). */
function overlaps(target: Uint8Array, offset: number, length: number, inner: Uint8Array): boolean {
  const start = target.byteOffset + offset;
  return inner.byteOffset < start + length && start < inner.byteOffset + inner.length;
}

export class GeneralEncapsulator extends EncapsulatorTemplate {
  encapsulatedLength(inner: Uint8Array): number {
    assertBytes(inner, 'inner');
    return this.headerLength + inner.length - this.innerTags(inner) * ETH.TAG_LENGTH;
  }

  encapsulate(inner: Uint8Array, perPacket?: PerPacketOptions): Uint8Array {
    const length = this.encapsulatedLength(inner);
    const out = this.pooled ? pooledBytes(length) : new Uint8Array(length);
    // Not through encapsulateInto's fast path: a fresh array each call would teach V8 that its
    // targets change, and the word-view bookkeeping would then be inlined into the reuse case.
    this.encapsulateIntoGeneral(out, 0, inner, perPacket);
    return out;
  }

  /**
   * Whether `inner` already sits right after the header space at `target[offset…]` (built in the
   * target's headroom), so that it needs no copy. Reading `byteOffset` and `buffer` costs about as
   * much as copying 4 KiB (V8 does not inline them): only frames of IN_PLACE_MIN bytes or more ask.
   */
  protected isInHeadroom(target: Uint8Array, offset: number, inner: Uint8Array): boolean {
    return inner.byteOffset === target.byteOffset + offset + this.headerLength && inner.buffer === target.buffer;
  }

  protected encapsulateIntoGeneral(target: Uint8Array, offset: number, inner: Uint8Array, perPacket?: PerPacketOptions): number {
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
    // Everything taken from the inner frame is read before anything is written: it may share bytes
    // with the target anywhere.
    if (perPacket?.flowId !== undefined) {
      if (this.low24 && perPacket.flowId !== 0) throw argError(`keyLayout 'low24' has no FlowID; perPacket.flowId must be 0 or absent, got ${perPacket.flowId}`);
      flowId = this.low24 ? this.flowPolicy as number : perPacket.flowId;
    }
    else if (this.flowPolicy === 'hash') flowId = hashedFlowId(inner);
    else if (this.flowIdTable !== null) flowId = toeplitzFlowId(this.flowIdTable, inner);
    else if (typeof this.flowPolicy === 'function') flowId = calledFlowId(this.flowPolicy, inner);
    else flowId = this.flowPolicy as number;
    const inheritTos = this.inheritsTos ? this.innerTrafficClass(inner, strip) : 0;
    const flowHash = this.ipVersion === 6 && this.hashFlowLabel ? innerFlowHash(inner, 0, inner.length) : 0;

    if (strip === 0) {
      // The inner frame first, in one set(): it reads its whole source before writing (memmove
      // semantics, ECMA-262 SetTypedArrayFromTypedArray clones a source in the same buffer), so a frame
      // anywhere in the target arrives intact, and nothing reads it afterwards. No overlap test: reading
      // `buffer` and `byteOffset` of both arrays cost about a third of a pooled 64-byte encapsulation.
      // Smaller frames in the headroom are copied onto themselves.
      if (inner.length < Headroom.IN_PLACE_MIN || !this.isInHeadroom(target, offset, inner)) typedArraySet.call(target, inner, offset + hl);
      this.lastStrippedVlan = null;
    } else {
      // Tags stripped: the frame is copied in two pieces, so one that shares the target's bytes is
      // copied out first.
      if (inner.buffer === target.buffer && overlaps(target, offset, total, inner)) inner = inner.slice();
      this.lastStrippedVlan = readVlanTag(inner, ETH.TYPE);
      for (let i = 0; i < ETH.TYPE; i++) target[offset + hl + i] = inner[i]!;
      typedArraySet.call(target, inner.subarray(ETH.TYPE + strip), offset + hl + ETH.TYPE);
    }
    typedArraySet.call(target, this.template, offset);

    const ip = offset + this.ipOffset;
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
        const label = (flowHash ^ (flowHash >>> 20)) & 0xfffff || 1;
        target[ip + 1] = (target[ip + 1]! & 0xf0) | (label >>> 16);
        target[ip + 2] = (label >>> 8) & 0xff;
        target[ip + 3] = label & 0xff;
      }
    }
    target[offset + this.greOffset + GRE.NVGRE_LENGTH - 1] = flowId;
    return total;
  }

  /** DSCP/ECN bits to copy from the inner IP header ('inherit'), as a TOS byte; 0 for non-IP. */
  protected innerTrafficClass(inner: Uint8Array, strip: number): number {
    const l3 = ETH.HEADER_LENGTH + strip;
    const et = u16(inner, l3 - 2);
    let tc = -1;
    if (et === EtherType.IPV4 && inner.length > l3 + IPV4.TOS) tc = inner[l3 + IPV4.TOS]!;
    else if (et === EtherType.IPV6 && inner.length > l3 + 1) tc = ((inner[l3]! & 0x0f) << 4) | (inner[l3 + 1]! >>> 4);
    if (tc < 0) return 0;
    return (this.dscp === 'inherit' ? tc & 0xfc : 0) | (this.ecn === 'inherit' ? tc & 0x03 : 0);
  }
}
