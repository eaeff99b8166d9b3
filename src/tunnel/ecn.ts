/**
 * ECN at the tunnel egress (RFC 6040 §4.2, extended to shim headers such as NVGRE's by RFC 9601):
 * combine the outer ECN field with the inner one after decapsulation, so congestion marks survive
 * the tunnel. docs/nvgre.md §8.
 */
import { assertBytes, u16, put16 } from '../wire/bytes.js';
import { updateChecksum16 } from '../wire/checksum.js';
import { ETH, EtherType, isVlanTpid } from '../wire/ethernet.js';
import { IPV4 } from '../wire/ipv4.js';
import { IPV6 } from '../wire/ipv6.js';
import { NvgreError, NvgreErrorCode } from '../wire/errors.js';

/** ECN codepoints (RFC 3168 §5). */
export const Ecn = { NOT_ECT: 0, ECT1: 1, ECT0: 2, CE: 3 } as const;

/**
 * RFC 6040 §4.2 decapsulation table: the ECN the inner header leaves with, or 'drop'
 * (outer CE on a Not-ECT inner packet: the congestion signal cannot be passed on).
 */
export function ecnEgress(innerEcn: number, outerEcn: number): number | 'drop' {
  checkEcn(innerEcn, 'innerEcn');
  checkEcn(outerEcn, 'outerEcn');
  if (innerEcn === Ecn.NOT_ECT) return outerEcn === Ecn.CE ? 'drop' : Ecn.NOT_ECT;
  if (innerEcn === Ecn.CE || outerEcn === Ecn.CE) return Ecn.CE;
  if (innerEcn === Ecn.ECT0 && outerEcn === Ecn.ECT1) return Ecn.ECT1;
  return innerEcn;
}

/** INVALID_ARGUMENT unless `value` is an ECN codepoint 0–3 (a NaN or 7 would otherwise pass through). */
function checkEcn(value: unknown, name: string): void {
  if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > 3) {
    throw new NvgreError(NvgreErrorCode.INVALID_ARGUMENT, 'argument', 0, `${name} must be 0–3, got ${String(value)}`);
  }
}

export type EcnDecapsulationResult = 'unchanged' | 'updated' | 'drop';

/**
 * Applies the RFC 6040 §4.2 table to the inner frame **in place** (an inner IPv4 header's checksum is
 * updated per RFC 1624; IPv6 has none). Non-IP inner frames count as Not-ECT. Returns what happened;
 * on 'drop' the frame is left untouched and should be discarded. Only the ECN bits (and the IPv4
 * header checksum) can change.
 */
export function applyEcnOnDecapsulation(inner: Uint8Array, outerEcn: number): EcnDecapsulationResult {
  assertBytes(inner, 'inner'); // a detached view too (it would read as an empty frame)
  if (!Number.isInteger(outerEcn) || outerEcn < 0 || outerEcn > 3) {
    throw new NvgreError(NvgreErrorCode.INVALID_ARGUMENT, 'argument', 0, `outerEcn must be 0–3, got ${String(outerEcn)}`);
  }
  let l3 = ETH.HEADER_LENGTH;
  if (inner.length < l3) return outerEcn === Ecn.CE ? 'drop' : 'unchanged';
  let et = u16(inner, ETH.TYPE);
  for (let tags = 0; tags < ETH.MAX_TAGS && isVlanTpid(et) && inner.length >= l3 + ETH.TAG_LENGTH; tags++) {
    et = u16(inner, l3 + 2);
    l3 += ETH.TAG_LENGTH;
  }
  if (et === EtherType.IPV4 && inner.length >= l3 + IPV4.MIN_HEADER_LENGTH && inner[l3]! >>> 4 === 4) {
    const tos = inner[l3 + IPV4.TOS]!;
    const out = ecnEgress(tos & 3, outerEcn);
    if (out === 'drop') return 'drop';
    if (out === (tos & 3)) return 'unchanged';
    const oldWord = u16(inner, l3);
    inner[l3 + IPV4.TOS] = (tos & 0xfc) | out;
    put16(inner, l3 + IPV4.CHECKSUM, updateChecksum16(u16(inner, l3 + IPV4.CHECKSUM), oldWord, u16(inner, l3)));
    return 'updated';
  }
  if (et === EtherType.IPV6 && inner.length >= l3 + IPV6.HEADER_LENGTH && inner[l3]! >>> 4 === 6) {
    // Traffic Class straddles bytes 0–1: its ECN bits are bits 4–5 of byte 1.
    const ecn = (inner[l3 + 1]! >>> 4) & 3;
    const out = ecnEgress(ecn, outerEcn);
    if (out === 'drop') return 'drop';
    if (out === ecn) return 'unchanged';
    inner[l3 + 1] = (inner[l3 + 1]! & 0xcf) | (out << 4);
    return 'updated';
  }
  return outerEcn === Ecn.CE ? 'drop' : 'unchanged';
}
