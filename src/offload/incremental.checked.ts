/**
 * The argument-checked public twins of incremental.ts: RFC 1624 updates of transport checksums.
 * Behaviour on valid arguments is exactly the raw function's; the guards are in guards.ts.
 */
import * as incremental from './incremental.js';
import { U8, U16, U32, uint, ipVersionArg } from '../wire/guards.js';

/** RFC 1624 update of a transport checksum with the UDP zero rules (docs/offload.md §4–§5). */
export function updateTransportChecksum16(sum: number, oldWord: number, newWord: number, protocol: number, ipVersion: 4 | 6): number {
  uint(sum, 'checksum', U16);
  uint(oldWord, 'oldWord', U16);
  uint(newWord, 'newWord', U16);
  uint(protocol, 'protocol', U8);
  return incremental.updateTransportChecksum16(sum, oldWord, newWord, protocol, ipVersionArg(ipVersion));
}

/** {@link updateTransportChecksum16} for a 32-bit field (an IPv4 address). */
export function updateTransportChecksum32(sum: number, oldValue: number, newValue: number, protocol: number, ipVersion: 4 | 6): number {
  uint(sum, 'checksum', U16);
  uint(oldValue, 'oldValue', U32);
  uint(newValue, 'newValue', U32);
  uint(protocol, 'protocol', U8);
  return incremental.updateTransportChecksum32(sum, oldValue, newValue, protocol, ipVersionArg(ipVersion));
}
