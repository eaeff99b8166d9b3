/**
 * The argument-checked public twins of the NVGRE size helpers.
 * Behaviour on valid arguments is exactly the raw function's; the guards are in guards.ts.
 */
import * as nvgre from './template.js';
import { U32, optionalBool, ipVersionArg } from '../wire/guards.js';
import { assertInt } from '../wire/bytes.js';

/** Outer-header bytes NVGRE adds to the inner frame: 42 / 62, +4 with an outer VLAN tag (docs/nvgre.md §5). */
export function nvgreOverhead(ipVersion: 4 | 6, outerVlan = false): number {
  const v = ipVersionArg(ipVersion);
  optionalBool(outerVlan, 'outerVlan');
  return nvgre.nvgreOverhead(v, outerVlan);
}

/** Largest inner IP packet for an underlay IP MTU (68 … 2^32−1): 1500 → 1458 over IPv4, 1438 over IPv6. */
export function innerMtu(underlayMtu: number, ipVersion: 4 | 6): number {
  assertInt(underlayMtu, 'underlayMtu', 68, U32);
  return nvgre.innerMtu(underlayMtu, ipVersionArg(ipVersion));
}
