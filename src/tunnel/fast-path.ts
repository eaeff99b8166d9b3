/**
 * The fast path of `encapsulateInto`: no per-packet options, an untagged inner frame that fits. It is
 * kept small enough (bytecode) for V8 to inline into the caller's loop; anything else goes to the
 * general path.
 */
import { typedArraySet } from '../wire/bytes.js';
import { isVlanTpid } from '../wire/ethernet.js';
import { Wire } from '../wire/wire.js';
import { GeneralEncapsulator } from './general.js';
import { Headroom, hashedFlowIdAt, type Encapsulator, type PerPacketOptions } from './template.js';

export class NvgreEncapsulator extends GeneralEncapsulator implements Encapsulator {
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
        // The inner frame first: set() copies as memmove does, so an inner frame that overlaps the
        // header space arrives intact, and from then on only the copy is read.
        if (inner.length < Headroom.IN_PLACE_MIN || !this.isInHeadroom(target, offset, inner)) typedArraySet.call(target, inner, offset + hl);
        this.writeTemplate(target, offset);
        this.lastStrippedVlan = null;
        if (this.ipVersion === 4) this.writeIpv4Fields(target, offset, ipLength);
        else this.writeIpv6Fields(target, offset, ipLength);
        // RFC 7637 §3.2: the FlowID, fixed or (the default) a hash of the inner flow.
        target[offset + hl - 1] = this.fixedFlowId >= 0 ? this.fixedFlowId : hashedFlowIdAt(target, offset + hl, offset + total);
        return total;
      }
    }
    return this.encapsulateIntoGeneral(target, offset, inner, perPacket);
  }

  /** `encapsulate` with the outer IPv4 ID `ipId` (checked by the options), for the one-shot call. */
  encapsulateWithIpId(inner: Uint8Array, ipId: number): Uint8Array {
    this.nextIpId = ipId;
    return this.encapsulate(inner);
  }

  /**
   * The fast path's per-packet IPv4 fields: Total Length, ID and header checksum. (One
   * method per IP version: V8 inlines only the one a caller runs, which keeps it within budget.)
   */
  protected writeIpv4Fields(target: Uint8Array, offset: number, ipLength: number): void {
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
  protected writeIpv6Fields(target: Uint8Array, offset: number, ipLength: number): void {
    const payloadLength = ipLength - Wire.IPV6_HEADER;
    target[offset + this.ipOffset + Wire.IPV6_PAYLOAD_LENGTH] = payloadLength >>> 8;
    target[offset + this.ipOffset + Wire.IPV6_PAYLOAD_LENGTH + 1] = payloadLength;
  }
}
