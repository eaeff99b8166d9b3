/**
 * ICMPv4 (RFC 792) and ICMPv6 (RFC 4443 §2.1) share the first 4 bytes: Type, Code, Checksum.
 * ICMPv4's checksum has no pseudo-header; ICMPv6's uses the IPv6 one with Next Header 58 (§2.3).
 */
import { put16, u16, u32, put32 } from './bytes.js';
import { truncated, type Layer } from './errors.js';

/** Field map. */
export const ICMP = { TYPE: 0, CODE: 1, CHECKSUM: 2, REST: 4, HEADER_LENGTH: 8 } as const;

export const IcmpType = { ECHO_REPLY: 0, ECHO_REQUEST: 8 } as const;
export const Icmpv6Type = { ECHO_REQUEST: 128, ECHO_REPLY: 129 } as const;

export interface IcmpHeader {
  readonly type: number;
  readonly code: number;
  readonly checksum: number;
  /** The 32-bit rest-of-header word (identifier and sequence for echo messages). */
  readonly rest: number;
}

/** ICMP messages need at least the 4-byte Type/Code/Checksum (the 8-byte echo header is checked by echo users). */
export const ICMP_MIN_LENGTH = 4;

export function readIcmp(bytes: Uint8Array, offset = 0, end = bytes.length, layer: Layer = 'icmpv4'): IcmpHeader {
  if (end - offset < ICMP.HEADER_LENGTH) throw truncated(layer, offset, ICMP.HEADER_LENGTH, end - offset, 'ICMP header');
  return {
    type: bytes[offset + ICMP.TYPE]!,
    code: bytes[offset + ICMP.CODE]!,
    checksum: u16(bytes, offset + ICMP.CHECKSUM),
    rest: u32(bytes, offset + ICMP.REST),
  };
}

export interface IcmpFields {
  readonly type: number;
  readonly code?: number;
  readonly rest?: number;
  readonly checksum?: number;
}

export function writeIcmp(target: Uint8Array, offset: number, f: IcmpFields): number {
  target[offset + ICMP.TYPE] = f.type;
  target[offset + ICMP.CODE] = f.code ?? 0;
  put16(target, offset + ICMP.CHECKSUM, f.checksum ?? 0);
  put32(target, offset + ICMP.REST, (f.rest ?? 0) >>> 0);
  return ICMP.HEADER_LENGTH;
}
