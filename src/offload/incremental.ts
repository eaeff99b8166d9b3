/**
 * Incremental transport-checksum update with the UDP zero rules (docs/offload.md §4–§5): RFC 1624 §3
 * Eqn. 3 via {@link updateChecksum16}, plus the two rules a bare RFC 1624 update does not know:
 * a UDP/IPv4 checksum of 0 means "no checksum" and is never updated, and a UDP result of 0x0000 is
 * written as 0xFFFF (RFC 768, RFC 8200 §8.1). Use after rewriting a word the checksum covers
 * (pseudo-header addresses, ports) — docs/offload.md §16 #4.
 */
import { updateChecksum16 } from '../wire/checksum.js';
import { IpProtocol } from '../wire/ipv4.js';

/**
 * New transport checksum after one covered 16-bit word changes from `oldWord` to `newWord`.
 * `protocol` is the IP protocol (6, 17, 1, 58); `ipVersion` the IP header carrying it.
 */
export function updateTransportChecksum16(checksum: number, oldWord: number, newWord: number, protocol: number, ipVersion: 4 | 6): number {
  const udp = protocol === IpProtocol.UDP;
  if (udp && ipVersion === 4 && checksum === 0) return 0; // "no checksum" stays none
  const c = updateChecksum16(checksum, oldWord & 0xffff, newWord & 0xffff);
  return udp && c === 0 ? 0xffff : c;
}

/** {@link updateTransportChecksum16} for a 32-bit field (an IPv4 address), applied per 16-bit word. */
export function updateTransportChecksum32(checksum: number, oldValue: number, newValue: number, protocol: number, ipVersion: 4 | 6): number {
  const hi = updateTransportChecksum16(checksum, oldValue >>> 16, newValue >>> 16, protocol, ipVersion);
  return updateTransportChecksum16(hi, oldValue & 0xffff, newValue & 0xffff, protocol, ipVersion);
}
