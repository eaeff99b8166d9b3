/**
 * The argument-checked public twins of ipv6.ts (RFC 8200).
 * Behaviour on valid arguments is exactly the raw function's; the guards are in guards.ts.
 */
import * as ipv6 from './ipv6.js';
import type { Ipv6Chain, Ipv6Fields, Ipv6Header } from './ipv6.js';
import { truncated, type Layer } from './errors.js';
import { U8, U16, range, layerArg, uint, optionalUint, optionalBool, object, addressBytes, targetArg, space } from './guards.js';

export function checkIpv6(bytes: Uint8Array, offset: number, end: number, layer: Layer): number {
  const e = range(bytes, offset, end);
  layerArg(layer);
  return ipv6.checkIpv6(bytes, offset, e, layer);
}

export function readIpv6(bytes: Uint8Array, offset = 0, end?: number, layer: Layer = 'ipv6'): Ipv6Header {
  const e = range(bytes, offset, end);
  layerArg(layer);
  return ipv6.readIpv6(bytes, offset, e, layer);
}

/** Walks the extension-header chain of the datagram `bytes[offset, end)` into `out` (see ipv6.ts). */
export function walkIpv6(bytes: Uint8Array, offset: number, end: number, layer: Layer, out: Ipv6Chain, collect = false): Ipv6Chain {
  const e = range(bytes, offset, end);
  layerArg(layer);
  object(out, 'out');
  optionalBool(collect, 'collect');
  // The walk starts from the fixed header's Next Header: it must lie inside [offset, end).
  if (e - offset < ipv6.IPV6.HEADER_LENGTH) throw truncated(layer, offset, ipv6.IPV6.HEADER_LENGTH, e - offset, 'IPv6 header');
  return ipv6.walkIpv6(bytes, offset, e, layer, out, collect);
}

export function writeIpv6(target: Uint8Array, offset: number, f: Ipv6Fields): number {
  const o = targetArg(target, offset);
  object(f, 'fields');
  addressBytes(f.src, 'fields.src', 16);
  addressBytes(f.dst, 'fields.dst', 16);
  uint(f.nextHeader, 'fields.nextHeader', U8);
  uint(f.payloadLength, 'fields.payloadLength', U16);
  optionalUint(f.dscp, 'fields.dscp', 63);
  optionalUint(f.ecn, 'fields.ecn', 3);
  optionalUint(f.flowLabel, 'fields.flowLabel', 0xfffff);
  optionalUint(f.hopLimit, 'fields.hopLimit', U8);
  space(target, o, ipv6.IPV6.HEADER_LENGTH);
  return ipv6.writeIpv6(target, o, f);
}
