/**
 * The argument-checked public twins of udp.ts (RFC 768).
 * Behaviour on valid arguments is exactly the raw function's; the guards are in guards.ts.
 */
import * as udp from './udp.js';
import type { Layer } from './errors.js';
import type { UdpFields, UdpHeader } from './udp.js';
import { U16, range, layerArg, uint, optionalUint, object, targetArg, space } from './guards.js';

export function checkUdp(bytes: Uint8Array, offset: number, end: number, layer: Layer = 'udp'): number {
  const e = range(bytes, offset, end);
  layerArg(layer);
  return udp.checkUdp(bytes, offset, e, layer);
}

export function readUdp(bytes: Uint8Array, offset = 0, end?: number, layer: Layer = 'udp'): UdpHeader {
  const e = range(bytes, offset, end);
  layerArg(layer);
  return udp.readUdp(bytes, offset, e, layer);
}

export function writeUdp(target: Uint8Array, offset: number, f: UdpFields): number {
  const o = targetArg(target, offset);
  object(f, 'fields');
  uint(f.srcPort, 'fields.srcPort', U16);
  uint(f.dstPort, 'fields.dstPort', U16);
  uint(f.payloadLength, 'fields.payloadLength', f.length === undefined ? U16 - udp.UDP.HEADER_LENGTH : U16);
  optionalUint(f.length, 'fields.length', U16);
  optionalUint(f.checksum, 'fields.checksum', U16);
  space(target, o, udp.UDP.HEADER_LENGTH);
  return udp.writeUdp(target, o, f);
}
