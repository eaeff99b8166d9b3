/**
 * The argument-checked public twins of ethernet.ts (IEEE 802.3, 802.1Q).
 * Behaviour on valid arguments is exactly the raw function's; the guards are in guards.ts.
 */
import * as ethernet from './ethernet.js';
import type { EthernetFields, EthernetHeader } from './ethernet.js';
import type { Layer } from './errors.js';
import { U16, shown, range, layerArg, uint, optionalUint, optionalBool, object, addressBytes, targetArg, space } from './guards.js';

export function ethernetHeaderLength(bytes: Uint8Array, offset: number, end: number, layer: Layer): number {
  const e = range(bytes, offset, end);
  layerArg(layer);
  return ethernet.ethernetHeaderLength(bytes, offset, e, layer);
}

export function readEthernet(bytes: Uint8Array, offset = 0, end?: number, layer: Layer = 'ethernet'): EthernetHeader {
  const e = range(bytes, offset, end);
  layerArg(layer);
  return ethernet.readEthernet(bytes, offset, e, layer);
}

function vlansArg(vlans: unknown, name: string): void {
  if (vlans === undefined) return;
  if (!Array.isArray(vlans)) throw new TypeError(`${name} must be an array, got ${shown(vlans)}`);
  vlans.forEach((tag: unknown, i) => {
    const n = `${name}[${i}]`;
    object(tag, n);
    const t = tag as { id?: unknown; pcp?: unknown; dei?: unknown; tpid?: unknown };
    uint(t.id, `${n}.id`, 0xfff);
    optionalUint(t.pcp, `${n}.pcp`, 7);
    optionalBool(t.dei, `${n}.dei`);
    optionalUint(t.tpid, `${n}.tpid`, U16);
  });
}

export function ethernetLength(fields: Pick<EthernetFields, 'vlans'>): number {
  object(fields, 'fields');
  vlansArg(fields.vlans, 'fields.vlans');
  return ethernet.ethernetLength(fields);
}

export function writeEthernet(target: Uint8Array, offset: number, fields: EthernetFields): number {
  const o = targetArg(target, offset);
  object(fields, 'fields');
  addressBytes(fields.dst, 'fields.dst', 6);
  addressBytes(fields.src, 'fields.src', 6);
  vlansArg(fields.vlans, 'fields.vlans');
  uint(fields.etherType, 'fields.etherType', U16);
  space(target, o, ethernet.ethernetLength(fields));
  return ethernet.writeEthernet(target, o, fields);
}
