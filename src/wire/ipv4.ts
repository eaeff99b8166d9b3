/** IPv4 header (RFC 791 §3.1), options included; header checksum per RFC 791 / RFC 1071. */
import { formatIpv4, putAddress } from './address.js';
import { put16, toHex, u16 } from './bytes.js';
import { addSum } from './checksum.js';
import { NvgreError, NvgreErrorCode, truncated, type Layer } from './errors.js';

/** Field map (byte offsets from the start of the header). */
export const IPV4 = {
  VER_IHL: 0,
  TOS: 1,
  TOTAL_LENGTH: 2,
  ID: 4,
  FLAGS_FRAGMENT: 6,
  TTL: 8,
  PROTOCOL: 9,
  CHECKSUM: 10,
  SRC: 12,
  DST: 16,
  MIN_HEADER_LENGTH: 20,
  MAX_HEADER_LENGTH: 60,
  /** Flag bits of the 16-bit flags/fragment-offset word. */
  FLAG_DF: 0x4000,
  FLAG_MF: 0x2000,
  FRAGMENT_OFFSET_MASK: 0x1fff,
} as const;

export const IpProtocol = {
  HOP_BY_HOP: 0,
  ICMP: 1,
  TCP: 6,
  UDP: 17,
  IPV6_ROUTING: 43,
  IPV6_FRAGMENT: 44,
  GRE: 47,
  ESP: 50,
  AH: 51,
  ICMPV6: 58,
  NO_NEXT_HEADER: 59,
  IPV6_DEST_OPTS: 60,
} as const;

export interface Ipv4Header {
  readonly version: 4;
  readonly headerLength: number;
  readonly dscp: number;
  readonly ecn: number;
  readonly totalLength: number;
  readonly id: number;
  readonly dontFragment: boolean;
  readonly moreFragments: boolean;
  /** In bytes (the field counts 8-byte units). */
  readonly fragmentOffset: number;
  readonly ttl: number;
  readonly protocol: number;
  readonly checksum: number;
  /** True when the header checksum verifies (RFC 1071: the folded sum is 0xFFFF). */
  readonly checksumValid: boolean;
  readonly src: string;
  readonly dst: string;
  /** Options as hex, empty when none. */
  readonly options: string;
}

/**
 * Validates the IPv4 header at `offset` against the bytes before `end` and returns its header length.
 * Checks version, IHL ≥ 5, that the header fits, and that Total Length covers the header and fits.
 */
export function checkIpv4(bytes: Uint8Array, offset: number, end: number, layer: Layer): number {
  const avail = end - offset;
  if (avail < IPV4.MIN_HEADER_LENGTH) throw truncated(layer, offset, IPV4.MIN_HEADER_LENGTH, avail, 'IPv4 header');
  const vihl = bytes[offset]!;
  if (vihl >>> 4 !== 4) {
    throw new NvgreError(NvgreErrorCode.BAD_IP_HEADER, layer, offset, `IP version is ${vihl >>> 4}, expected 4 for EtherType 0x0800`);
  }
  const hl = (vihl & 0x0f) * 4;
  if (hl < IPV4.MIN_HEADER_LENGTH) {
    throw new NvgreError(NvgreErrorCode.BAD_IP_HEADER, layer, offset, `IPv4 IHL is ${vihl & 0x0f} (${hl} bytes); the minimum is 5 (20 bytes)`);
  }
  if (avail < hl) throw truncated(layer, offset, hl, avail, 'IPv4 header with options');
  const total = u16(bytes, offset + IPV4.TOTAL_LENGTH);
  if (total < hl) {
    throw new NvgreError(NvgreErrorCode.BAD_LENGTH, layer, offset + IPV4.TOTAL_LENGTH, `IPv4 Total Length ${total} is smaller than the ${hl}-byte header`, {
      needed: hl,
      available: total,
    });
  }
  if (total > avail) throw truncated(layer, offset, total, avail, `IPv4 datagram (Total Length ${total})`);
  return hl;
}

export function isIpv4Fragment(bytes: Uint8Array, offset: number): boolean {
  return (u16(bytes, offset + IPV4.FLAGS_FRAGMENT) & (IPV4.FLAG_MF | IPV4.FRAGMENT_OFFSET_MASK)) !== 0;
}

/**
 * Folded one's-complement sum of the IPv4 header (options included, RFC 791 §3.1). Unrolled for the
 * 20-byte fixed part: headers are summed on every decapsulation, so this avoids the general loop.
 */
export function ipv4HeaderSum(b: Uint8Array, o: number, headerLength: number): number {
  let s =
    ((b[o]! << 8) | b[o + 1]!) +
    ((b[o + 2]! << 8) | b[o + 3]!) +
    ((b[o + 4]! << 8) | b[o + 5]!) +
    ((b[o + 6]! << 8) | b[o + 7]!) +
    ((b[o + 8]! << 8) | b[o + 9]!) +
    ((b[o + 10]! << 8) | b[o + 11]!) +
    ((b[o + 12]! << 8) | b[o + 13]!) +
    ((b[o + 14]! << 8) | b[o + 15]!) +
    ((b[o + 16]! << 8) | b[o + 17]!) +
    ((b[o + 18]! << 8) | b[o + 19]!);
  for (let i = o + IPV4.MIN_HEADER_LENGTH; i < o + headerLength; i += 2) s += (b[i]! << 8) | b[i + 1]!;
  s = (s & 0xffff) + (s >>> 16); // at most 30 words: one fold leaves ≤ 0x1FFFE, the second ends it
  return (s & 0xffff) + (s >>> 16);
}

/**
 * Folded one's-complement sum of a 20-byte IPv4 header (no options): the high bytes and the low bytes
 * of the ten words summed apart, then joined (RFC 1071 §2 (A), (C): any grouping gives the same sum).
 * Fewer operations than summing word by word, and small enough to inline into a decapsulation loop.
 */
export function ipv4BaseHeaderSum(b: Uint8Array, o: number): number {
  const hi = b[o]! + b[o + 2]! + b[o + 4]! + b[o + 6]! + b[o + 8]! + b[o + 10]! + b[o + 12]! + b[o + 14]! + b[o + 16]! + b[o + 18]!;
  const lo = b[o + 1]! + b[o + 3]! + b[o + 5]! + b[o + 7]! + b[o + 9]! + b[o + 11]! + b[o + 13]! + b[o + 15]! + b[o + 17]! + b[o + 19]!;
  let s = (hi << 8) + lo; // ≤ 10 × 0xFFFF
  s = (s & 0xffff) + (s >>> 16);
  return (s & 0xffff) + (s >>> 16);
}

/** The header checksum the header should carry (computed with the checksum field taken as 0; no copy). */
export function ipv4HeaderChecksum(bytes: Uint8Array, offset: number, headerLength: number): number {
  const stored = u16(bytes, offset + IPV4.CHECKSUM);
  return addSum(ipv4HeaderSum(bytes, offset, headerLength), stored ^ 0xffff) ^ 0xffff;
}

/** True when the stored header checksum verifies (folded sum of all header words is 0xFFFF). */
export function ipv4ChecksumValid(bytes: Uint8Array, offset: number, headerLength: number): boolean {
  return ipv4HeaderSum(bytes, offset, headerLength) === 0xffff;
}

/** Writes a fresh header checksum (RFC 791: field taken as zero); returns it. */
export function fillIpv4Checksum(bytes: Uint8Array, offset: number, headerLength: number): number {
  bytes[offset + IPV4.CHECKSUM] = 0;
  bytes[offset + IPV4.CHECKSUM + 1] = 0;
  const c = ipv4HeaderSum(bytes, offset, headerLength) ^ 0xffff;
  put16(bytes, offset + IPV4.CHECKSUM, c);
  return c;
}

export function readIpv4(bytes: Uint8Array, offset = 0, end = bytes.length, layer: Layer = 'ipv4'): Ipv4Header {
  const hl = checkIpv4(bytes, offset, end, layer);
  const tos = bytes[offset + IPV4.TOS]!;
  const ff = u16(bytes, offset + IPV4.FLAGS_FRAGMENT);
  return {
    version: 4,
    headerLength: hl,
    dscp: tos >>> 2,
    ecn: tos & 3,
    totalLength: u16(bytes, offset + IPV4.TOTAL_LENGTH),
    id: u16(bytes, offset + IPV4.ID),
    dontFragment: (ff & IPV4.FLAG_DF) !== 0,
    moreFragments: (ff & IPV4.FLAG_MF) !== 0,
    fragmentOffset: (ff & IPV4.FRAGMENT_OFFSET_MASK) * 8,
    ttl: bytes[offset + IPV4.TTL]!,
    protocol: bytes[offset + IPV4.PROTOCOL]!,
    checksum: u16(bytes, offset + IPV4.CHECKSUM),
    checksumValid: ipv4ChecksumValid(bytes, offset, hl),
    src: formatIpv4(bytes, offset + IPV4.SRC),
    dst: formatIpv4(bytes, offset + IPV4.DST),
    options: toHex(bytes, offset + IPV4.MIN_HEADER_LENGTH, offset + hl),
  };
}

export interface Ipv4Fields {
  readonly src: Uint8Array;
  readonly dst: Uint8Array;
  readonly protocol: number;
  /** Bytes after the header (the header length is added). */
  readonly payloadLength: number;
  readonly dscp?: number;
  readonly ecn?: number;
  readonly id?: number;
  readonly dontFragment?: boolean;
  readonly moreFragments?: boolean;
  /** In bytes; must be a multiple of 8. */
  readonly fragmentOffset?: number;
  readonly ttl?: number;
  /** Raw option bytes, padded by the caller to a multiple of 4 (at most 40). */
  readonly options?: Uint8Array;
  /** Overrides the computed Total Length (to craft broken frames). */
  readonly totalLength?: number;
  /** A number writes that value; `undefined` computes the checksum. */
  readonly checksum?: number;
}

export function ipv4Length(fields: Pick<Ipv4Fields, 'options'>): number {
  return IPV4.MIN_HEADER_LENGTH + (fields.options?.length ?? 0);
}

/** Writes the header (with options) and returns its length. */
export function writeIpv4(target: Uint8Array, offset: number, f: Ipv4Fields): number {
  const hl = ipv4Length(f);
  target[offset] = 0x40 | (hl >>> 2);
  target[offset + IPV4.TOS] = ((f.dscp ?? 0) << 2) | ((f.ecn ?? 0) & 3);
  put16(target, offset + IPV4.TOTAL_LENGTH, f.totalLength ?? hl + f.payloadLength);
  put16(target, offset + IPV4.ID, f.id ?? 0);
  put16(
    target,
    offset + IPV4.FLAGS_FRAGMENT,
    (f.dontFragment ? IPV4.FLAG_DF : 0) | (f.moreFragments ? IPV4.FLAG_MF : 0) | (((f.fragmentOffset ?? 0) >>> 3) & IPV4.FRAGMENT_OFFSET_MASK),
  );
  target[offset + IPV4.TTL] = f.ttl ?? 64;
  target[offset + IPV4.PROTOCOL] = f.protocol;
  putAddress(target, offset + IPV4.SRC, f.src, 4);
  putAddress(target, offset + IPV4.DST, f.dst, 4);
  if (f.options) target.set(f.options, offset + IPV4.MIN_HEADER_LENGTH);
  if (f.checksum === undefined) fillIpv4Checksum(target, offset, hl);
  else put16(target, offset + IPV4.CHECKSUM, f.checksum);
  return hl;
}
