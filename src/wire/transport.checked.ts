/**
 * The argument-checked public twins of transport.ts: transport checksums (RFC 9293, RFC 768, RFC 792, RFC 4443, RFC 8200 §8.1).
 * Behaviour on valid arguments is exactly the raw function's; the guards are in guards.ts.
 */
import * as ipv4 from './ipv4.js';
import * as ipv6 from './ipv6.js';
import * as transport from './transport.js';
import { U8, U16, U32, index, span, uint, ipVersionArg } from './guards.js';
import { assertBytes } from './bytes.js';

/** The IP header the pseudo-header is taken from: IPv4 at `ipOffset`; IPv6 source at `ipOffset`, destination at `dstOffset`. */
function pseudoArgs(bytes: unknown, ipVersion: unknown, ipOffset: unknown, dstOffset: unknown, protocol: unknown): 4 | 6 {
  assertBytes(bytes, 'bytes');
  const v = ipVersionArg(ipVersion);
  span(bytes, 'bytes', ipOffset, 'ipOffset', v === 4 ? ipv4.IPV4.MIN_HEADER_LENGTH : ipv6.IPV6.HEADER_LENGTH, `the IPv${v} header`);
  if (v === 6) span(bytes, 'bytes', dstOffset, 'dstOffset', 16, 'the destination address');
  else index(dstOffset, 'dstOffset', bytes, 'bytes');
  uint(protocol, 'protocol', U8);
  return v;
}

export function pseudoHeaderSum(bytes: Uint8Array, ipVersion: 4 | 6, ipOffset: number, dstOffset: number, protocol: number, l4Length: number): number {
  const v = pseudoArgs(bytes, ipVersion, ipOffset, dstOffset, protocol);
  uint(l4Length, 'l4Length', v === 4 ? U16 : U32);
  return transport.pseudoHeaderSum(bytes, v, ipOffset, dstOffset, protocol, l4Length);
}

/** The segment `bytes[l4Offset, l4Offset + l4Length)`; with `needsField`, it must hold the protocol's checksum field. */
function segmentArgs(bytes: Uint8Array, v: 4 | 6, protocol: number, l4Offset: unknown, l4Length: unknown, needsField: boolean): void {
  const o = index(l4Offset, 'l4Offset', bytes, 'bytes');
  uint(l4Length, 'l4Length', v === 4 ? U16 : U32);
  if (o + (l4Length as number) > bytes.length) throw new RangeError(`l4Offset ${o} + l4Length ${l4Length as number} is past the end of bytes (${bytes.length})`);
  if (!needsField) return;
  const field = transport.transportChecksumField(protocol);
  if (field < 0) throw new RangeError(`protocol ${protocol} has no checksum this library computes (TCP 6, UDP 17, ICMP 1, ICMPv6 58)`);
  if ((l4Length as number) < field + 2) throw new RangeError(`l4Length ${l4Length as number} does not reach the protocol ${protocol} checksum field (${field + 2} bytes)`);
}

export function computeTransportChecksum(
  bytes: Uint8Array,
  ipVersion: 4 | 6,
  ipOffset: number,
  dstOffset: number,
  protocol: number,
  l4Offset: number,
  l4Length: number,
): number {
  const v = pseudoArgs(bytes, ipVersion, ipOffset, dstOffset, protocol);
  segmentArgs(bytes, v, protocol, l4Offset, l4Length, true);
  return transport.computeTransportChecksum(bytes, v, ipOffset, dstOffset, protocol, l4Offset, l4Length);
}

/** Writes the computed checksum (only its 2 bytes change); returns it. */
export function fillTransportChecksum(
  bytes: Uint8Array,
  ipVersion: 4 | 6,
  ipOffset: number,
  dstOffset: number,
  protocol: number,
  l4Offset: number,
  l4Length: number,
): number {
  const v = pseudoArgs(bytes, ipVersion, ipOffset, dstOffset, protocol);
  segmentArgs(bytes, v, protocol, l4Offset, l4Length, true);
  return transport.fillTransportChecksum(bytes, v, ipOffset, dstOffset, protocol, l4Offset, l4Length);
}

export function transportChecksumValid(
  bytes: Uint8Array,
  ipVersion: 4 | 6,
  ipOffset: number,
  dstOffset: number,
  protocol: number,
  l4Offset: number,
  l4Length: number,
): boolean {
  const v = pseudoArgs(bytes, ipVersion, ipOffset, dstOffset, protocol);
  segmentArgs(bytes, v, protocol, l4Offset, l4Length, false);
  return transport.transportChecksumValid(bytes, v, ipOffset, dstOffset, protocol, l4Offset, l4Length);
}
