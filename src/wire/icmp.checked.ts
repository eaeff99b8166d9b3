/**
 * The argument-checked public twins of icmp.ts (RFC 792, RFC 4443).
 * Behaviour on valid arguments is exactly the raw function's; the guards are in guards.ts.
 */
import * as icmp from './icmp.js';
import type { IcmpFields, IcmpHeader } from './icmp.js';
import type { Layer } from './errors.js';
import { U8, U16, U32, range, layerArg, uint, optionalUint, object, targetArg, space } from './guards.js';

export function readIcmp(bytes: Uint8Array, offset = 0, end?: number, layer: Layer = 'icmpv4'): IcmpHeader {
  const e = range(bytes, offset, end);
  layerArg(layer);
  return icmp.readIcmp(bytes, offset, e, layer);
}

export function writeIcmp(target: Uint8Array, offset: number, f: IcmpFields): number {
  const o = targetArg(target, offset);
  object(f, 'fields');
  uint(f.type, 'fields.type', U8);
  optionalUint(f.code, 'fields.code', U8);
  optionalUint(f.rest, 'fields.rest', U32);
  optionalUint(f.checksum, 'fields.checksum', U16);
  space(target, o, icmp.ICMP.HEADER_LENGTH);
  return icmp.writeIcmp(target, o, f);
}
