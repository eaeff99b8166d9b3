/**
 * The argument-checked public twins of gre.ts (RFC 2784, RFC 2890, RFC 7637).
 * Behaviour on valid arguments is exactly the raw function's; the guards are in guards.ts.
 */
import * as gre from './gre.js';
import type { GreFields, GreHeader } from './gre.js';
import type { Layer } from './errors.js';
import { U8, U16, U32, range, layerArg, uint, optionalUint, object, targetArg, space } from './guards.js';

export function readGre(bytes: Uint8Array, offset = 0, end?: number, layer: Layer = 'gre'): GreHeader {
  const e = range(bytes, offset, end);
  layerArg(layer);
  return gre.readGre(bytes, offset, e, layer);
}

function greFields(f: unknown, withProtocol: boolean): void {
  object(f, 'fields');
  const g = f as GreFields;
  if (withProtocol) uint(g.protocol, 'fields.protocol', U16);
  optionalUint(g.key, 'fields.key', U32);
  optionalUint(g.sequence, 'fields.sequence', U32);
  optionalUint(g.checksum, 'fields.checksum', U16);
  optionalUint(g.version, 'fields.version', gre.GRE.VERSION_MASK);
  optionalUint(g.extraFlags, 'fields.extraFlags', U16);
}

export function greLength(f: Omit<GreFields, 'protocol'>): number {
  greFields(f, false);
  return gre.greLength(f);
}

export function writeGre(target: Uint8Array, offset: number, f: GreFields): number {
  const o = targetArg(target, offset);
  greFields(f, true);
  space(target, o, gre.greLength(f));
  return gre.writeGre(target, o, f);
}

export function writeNvgreHeader(target: Uint8Array, offset: number, vsid: number, flowId: number): number {
  const o = targetArg(target, offset);
  uint(vsid, 'vsid', gre.VSID.MAX);
  uint(flowId, 'flowId', U8);
  space(target, o, gre.GRE.NVGRE_LENGTH);
  return gre.writeNvgreHeader(target, o, vsid, flowId);
}

export function greHeaderLength(flags: number): number {
  uint(flags, 'flags', U16);
  return gre.greHeaderLength(flags);
}

export function nvgreKey(vsid: number, flowId: number): number {
  uint(vsid, 'vsid', gre.VSID.MAX);
  uint(flowId, 'flowId', U8);
  return gre.nvgreKey(vsid, flowId);
}

/** Every reading of a 32-bit key: RFC 7637's and the first draft's two (docs/nvgre.md §7). */
export function keyReadings(key: number): gre.KeyReadings {
  uint(key, 'key', U32);
  return gre.keyReadings(key);
}

export function isReservedVsid(vsid: number): boolean {
  uint(vsid, 'vsid', gre.VSID.MAX);
  return gre.isReservedVsid(vsid);
}
