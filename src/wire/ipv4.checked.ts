/**
 * The argument-checked public twins of ipv4.ts (RFC 791).
 * Behaviour on valid arguments is exactly the raw function's; the guards are in guards.ts.
 */
import * as ipv4 from './ipv4.js';
import type { Ipv4Fields, Ipv4Header } from './ipv4.js';
import type { Layer } from './errors.js';
import { U8, U16, span, range, layerArg, uint, optionalUint, optionalBool, object, addressBytes, optionBytes, targetArg, space } from './guards.js';
import { assertBytes } from './bytes.js';

export function checkIpv4(bytes: Uint8Array, offset: number, end: number, layer: Layer): number {
  const e = range(bytes, offset, end);
  layerArg(layer);
  return ipv4.checkIpv4(bytes, offset, e, layer);
}

export function readIpv4(bytes: Uint8Array, offset = 0, end?: number, layer: Layer = 'ipv4'): Ipv4Header {
  const e = range(bytes, offset, end);
  layerArg(layer);
  return ipv4.readIpv4(bytes, offset, e, layer);
}

/** `headerLength` bytes (20 … 60, a multiple of 4) at `offset`. */
function ipv4Header(bytes: unknown, offset: unknown, headerLength: unknown): void {
  assertBytes(bytes, 'bytes');
  uint(headerLength, 'headerLength', ipv4.IPV4.MAX_HEADER_LENGTH);
  if ((headerLength as number) < ipv4.IPV4.MIN_HEADER_LENGTH || (headerLength as number) % 4 !== 0) {
    throw new RangeError(`headerLength must be a multiple of 4 from 20 to 60, got ${headerLength as number}`);
  }
  span(bytes, 'bytes', offset, 'offset', headerLength as number, 'the IPv4 header');
}

export function ipv4HeaderSum(b: Uint8Array, o: number, headerLength: number): number {
  ipv4Header(b, o, headerLength);
  return ipv4.ipv4HeaderSum(b, o, headerLength);
}

export function ipv4HeaderChecksum(bytes: Uint8Array, offset: number, headerLength: number): number {
  ipv4Header(bytes, offset, headerLength);
  return ipv4.ipv4HeaderChecksum(bytes, offset, headerLength);
}

export function ipv4ChecksumValid(bytes: Uint8Array, offset: number, headerLength: number): boolean {
  ipv4Header(bytes, offset, headerLength);
  return ipv4.ipv4ChecksumValid(bytes, offset, headerLength);
}

/** Writes a fresh header checksum (only the 2 checksum bytes change); returns it. */
export function fillIpv4Checksum(bytes: Uint8Array, offset: number, headerLength: number): number {
  ipv4Header(bytes, offset, headerLength);
  return ipv4.fillIpv4Checksum(bytes, offset, headerLength);
}

export function ipv4Length(fields: Pick<Ipv4Fields, 'options'>): number {
  object(fields, 'fields');
  optionBytes(fields.options, 'fields.options');
  return ipv4.ipv4Length(fields);
}

export function writeIpv4(target: Uint8Array, offset: number, f: Ipv4Fields): number {
  const o = targetArg(target, offset);
  object(f, 'fields');
  addressBytes(f.src, 'fields.src', 4);
  addressBytes(f.dst, 'fields.dst', 4);
  uint(f.protocol, 'fields.protocol', U8);
  optionBytes(f.options, 'fields.options');
  const hl = ipv4.ipv4Length(f);
  uint(f.payloadLength, 'fields.payloadLength', f.totalLength === undefined ? U16 - hl : U16);
  optionalUint(f.dscp, 'fields.dscp', 63);
  optionalUint(f.ecn, 'fields.ecn', 3);
  optionalUint(f.id, 'fields.id', U16);
  optionalBool(f.dontFragment, 'fields.dontFragment');
  optionalBool(f.moreFragments, 'fields.moreFragments');
  optionalUint(f.fragmentOffset, 'fields.fragmentOffset', 0xfff8);
  if (f.fragmentOffset !== undefined && f.fragmentOffset % 8 !== 0) throw new RangeError(`fields.fragmentOffset must be a multiple of 8, got ${f.fragmentOffset}`);
  optionalUint(f.ttl, 'fields.ttl', U8);
  optionalUint(f.totalLength, 'fields.totalLength', U16);
  optionalUint(f.checksum, 'fields.checksum', U16);
  space(target, o, hl);
  return ipv4.writeIpv4(target, o, f);
}
