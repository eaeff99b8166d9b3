/**
 * The argument-checked public twins of the address formatters in address.ts.
 * Behaviour on valid arguments is exactly the raw function's; the guards are in guards.ts.
 */
import * as address from './address.js';
import { assertBytes } from './bytes.js';
import { span } from './guards.js';

/** "aa:bb:cc:dd:ee:ff" of the 6 bytes at `o`. */
export function formatMac(b: Uint8Array, o = 0): string {
  assertBytes(b, 'bytes');
  span(b, 'bytes', o, 'offset', 6, 'a MAC address');
  return address.formatMac(b, o);
}

/** Dotted quad of the 4 bytes at `o`. */
export function formatIpv4(b: Uint8Array, o = 0): string {
  assertBytes(b, 'bytes');
  span(b, 'bytes', o, 'offset', 4, 'an IPv4 address');
  return address.formatIpv4(b, o);
}

/** RFC 5952 text of the 16 bytes at `o`. */
export function formatIpv6(b: Uint8Array, o = 0): string {
  assertBytes(b, 'bytes');
  span(b, 'bytes', o, 'offset', 16, 'an IPv6 address');
  return address.formatIpv6(b, o);
}
