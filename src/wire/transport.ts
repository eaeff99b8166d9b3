/**
 * Transport checksums: TCP (RFC 9293 §3.1), UDP (RFC 768; RFC 8200 §8.1), ICMPv4 (RFC 792, no
 * pseudo-header), ICMPv6 (RFC 4443 §2.3, IPv6 pseudo-header with Next Header 58). docs/offload.md §2–§4.
 */
import { put16 } from './bytes.js';
import { ipv4PseudoHeaderSum, ipv6PseudoHeaderSum, onesComplementSum } from './checksum.js';
import { IpProtocol, IPV4 } from './ipv4.js';
import { IPV6 } from './ipv6.js';
import { TCP } from './tcp.js';
import { UDP } from './udp.js';
import { ICMP } from './icmp.js';

/** Offset of the checksum field inside the transport header, or -1 for protocols without one we handle. */
export function transportChecksumField(protocol: number): number {
  switch (protocol) {
    case IpProtocol.TCP:
      return TCP.CHECKSUM;
    case IpProtocol.UDP:
      return UDP.CHECKSUM;
    case IpProtocol.ICMP:
    case IpProtocol.ICMPV6:
      return ICMP.CHECKSUM;
    default:
      return -1;
  }
}

/** Minimum header bytes that must be present before the checksum can be computed. */
export function transportMinLength(protocol: number): number {
  switch (protocol) {
    case IpProtocol.TCP:
      return TCP.MIN_HEADER_LENGTH;
    case IpProtocol.UDP:
      return UDP.HEADER_LENGTH;
    default:
      return ICMP.CHECKSUM + 2;
  }
}

/**
 * Pseudo-header sum (folded, not complemented) for a transport segment of `l4Length` bytes.
 * `ipVersion` 4: the IPv4 header at `ipOffset`; 6: source from the fixed header at `ipOffset`, the final
 * destination at `dstOffset` (RFC 8200 §8.1). ICMPv4 has no pseudo-header (returns 0).
 */
export function pseudoHeaderSum(
  bytes: Uint8Array,
  ipVersion: 4 | 6,
  ipOffset: number,
  dstOffset: number,
  protocol: number,
  l4Length: number,
): number {
  if (protocol === IpProtocol.ICMP) return 0;
  if (ipVersion === 4) return ipv4PseudoHeaderSum(bytes, ipOffset + IPV4.SRC, protocol, l4Length);
  return ipv6PseudoHeaderSum(bytes, ipOffset + IPV6.SRC, bytes, dstOffset, protocol, l4Length);
}

/**
 * The checksum value the transport header should carry, computed over the pseudo-header and the
 * segment with the checksum field taken as 0 (read without copying). UDP: a computed 0 is sent as
 * 0xFFFF (RFC 768, RFC 8200 §8.1).
 */
export function computeTransportChecksum(
  bytes: Uint8Array,
  ipVersion: 4 | 6,
  ipOffset: number,
  dstOffset: number,
  protocol: number,
  l4Offset: number,
  l4Length: number,
): number {
  // Sum around the checksum field rather than subtracting it: subtracting turns an all-zero
  // message (an ICMPv4 echo reply with id 0, seq 0, no data) into -0 and a checksum that fails.
  // The field sits at an even offset, so the two ranges keep their word alignment.
  const rel = transportChecksumField(protocol);
  let sum = onesComplementSum(bytes, l4Offset, rel, pseudoHeaderSum(bytes, ipVersion, ipOffset, dstOffset, protocol, l4Length));
  sum = onesComplementSum(bytes, l4Offset + rel + 2, l4Length - rel - 2, sum);
  const c = sum ^ 0xffff;
  return protocol === IpProtocol.UDP && c === 0 ? 0xffff : c;
}

/** Writes the computed checksum; returns it. */
export function fillTransportChecksum(
  bytes: Uint8Array,
  ipVersion: 4 | 6,
  ipOffset: number,
  dstOffset: number,
  protocol: number,
  l4Offset: number,
  l4Length: number,
): number {
  const c = computeTransportChecksum(bytes, ipVersion, ipOffset, dstOffset, protocol, l4Offset, l4Length);
  put16(bytes, l4Offset + transportChecksumField(protocol), c);
  return c;
}

/** True when the stored checksum verifies: the folded sum over pseudo-header and segment is 0xFFFF (RFC 1071 §1). */
export function transportChecksumValid(
  bytes: Uint8Array,
  ipVersion: 4 | 6,
  ipOffset: number,
  dstOffset: number,
  protocol: number,
  l4Offset: number,
  l4Length: number,
): boolean {
  return onesComplementSum(bytes, l4Offset, l4Length, pseudoHeaderSum(bytes, ipVersion, ipOffset, dstOffset, protocol, l4Length)) === 0xffff;
}
