/**
 * The argument-checked public twins of tcp.ts (RFC 9293).
 * Behaviour on valid arguments is exactly the raw function's; the guards are in guards.ts.
 */
import * as tcp from './tcp.js';
import type { Layer } from './errors.js';
import type { TcpFields, TcpHeader } from './tcp.js';
import { U8, U16, range, layerArg, uint, optionalUint, optionalBool, object, optionBytes, targetArg, space } from './guards.js';

export function checkTcp(bytes: Uint8Array, offset: number, end: number, layer: Layer = 'tcp'): number {
  const e = range(bytes, offset, end);
  layerArg(layer);
  return tcp.checkTcp(bytes, offset, e, layer);
}

export function readTcp(bytes: Uint8Array, offset = 0, end?: number, layer: Layer = 'tcp'): TcpHeader {
  const e = range(bytes, offset, end);
  layerArg(layer);
  return tcp.readTcp(bytes, offset, e, layer);
}

export function tcpLength(f: Pick<TcpFields, 'options'>): number {
  object(f, 'fields');
  optionBytes(f.options, 'fields.options');
  return tcp.tcpLength(f);
}

export function writeTcp(target: Uint8Array, offset: number, f: TcpFields): number {
  const o = targetArg(target, offset);
  object(f, 'fields');
  uint(f.srcPort, 'fields.srcPort', U16);
  uint(f.dstPort, 'fields.dstPort', U16);
  // Sequence space arithmetic is modulo 2^32 (RFC 9293 §3.4): larger values are written mod 2^32.
  optionalUint(f.seq, 'fields.seq', Number.MAX_SAFE_INTEGER);
  optionalUint(f.ack, 'fields.ack', Number.MAX_SAFE_INTEGER);
  optionalUint(f.flags, 'fields.flags', U8);
  optionalBool(f.ns, 'fields.ns');
  optionalUint(f.window, 'fields.window', U16);
  optionalUint(f.urgentPointer, 'fields.urgentPointer', U16);
  optionBytes(f.options, 'fields.options');
  optionalUint(f.checksum, 'fields.checksum', U16);
  space(target, o, tcp.tcpLength(f));
  return tcp.writeTcp(target, o, f);
}
