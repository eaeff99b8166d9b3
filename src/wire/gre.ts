/**
 * GRE header (RFC 2784 §2) with the Key and Sequence Number extensions (RFC 2890 §2), and the NVGRE
 * interpretation of the Key (RFC 7637 §3.2: VSID = high 24 bits, FlowID = low 8 bits).
 */
import { put16, put32, u16, u32 } from './bytes.js';
import { truncated, type Layer } from './errors.js';
import { Wire } from './wire.js';

/** Field map and flag masks (16-bit flags/version word in network order; docs/nvgre.md §3). */
export const GRE = {
  FLAGS_VERSION: 0,
  PROTOCOL: 2,
  BASE_LENGTH: 4,
  OPTION_LENGTH: 4,
  /** NVGRE header length: base + Key. */
  NVGRE_LENGTH: 8,
  FLAG_C: 0x8000,
  /** RFC 1701 routing bit; RFC 2784 §2.3: a receiver discards when set. */
  FLAG_R: 0x4000,
  FLAG_K: 0x2000,
  FLAG_S: 0x1000,
  /** Bits 4–5 (RFC 1701 strict source route and recursion control): must discard when set. */
  RESERVED0_DISCARD: 0x0c00,
  /** Bits 6–12: sent as 0, ignored on receipt (RFC 2784 §2.3). */
  RESERVED0_IGNORE: 0x03f8,
  VERSION_MASK: 0x0007,
  /** The first 32-bit word of every conformant NVGRE header: K=1, version 0, protocol 0x6558. */
  NVGRE_FIRST_WORD: 0x20006558,
} as const;

/** RFC 7637 §3.4 reserved VSIDs. */
export const VSID = {
  MAX: 0xffffff,
  RESERVED_LOW_MAX: 0xfff,
  VENDOR_SPECIFIC: 0xffffff,
} as const;

export function isReservedVsid(vsid: number): boolean {
  // Wire copies of VSID's numbers: this runs per packet (see wire.ts).
  return vsid <= Wire.VSID_RESERVED_LOW_MAX || vsid === Wire.VSID_VENDOR_SPECIFIC;
}

/** Key = VSID << 8 | FlowID as an unsigned 32-bit number (`<<` alone goes negative for VSID ≥ 0x800000). */
export function nvgreKey(vsid: number, flowId: number): number {
  return vsid * 256 + flowId;
}

/**
 * How a GRE key carries the VSID (docs/nvgre.md §7). `rfc7637`: VSID in the high 24 bits, FlowID in the
 * low 8 (RFC 7637 §3.2). `low24`: the first draft's text — the VSID (TNI) in the low 24 bits and a high
 * byte that must be zero; there is no FlowID. Hosts that disagree read each other's VSIDs shifted by a byte.
 */
export type KeyLayout = 'rfc7637' | 'low24';

export const KEY_LAYOUTS: readonly KeyLayout[] = ['rfc7637', 'low24'];

/** The 32-bit key for `vsid` and `flowId` in `layout` (`low24` has no FlowID: `flowId` must be 0). */
export function keyFor(vsid: number, flowId: number, layout: KeyLayout): number {
  return layout === 'low24' ? vsid : vsid * 256 + flowId;
}

/** The VSID a receiver using `layout` reads from `key`. */
export function vsidOf(key: number, layout: KeyLayout): number {
  return layout === 'low24' ? key & 0xffffff : key >>> 8;
}

/**
 * Every reading of `key` (docs/nvgre.md §7): RFC 7637's, the first draft's text (`low24`: null when the
 * high byte, which it reserves, is set) and the draft's figure (VSID high, low byte reserved: null when
 * that byte is set).
 */
export interface KeyReadings {
  readonly rfc7637: { readonly vsid: number; readonly flowId: number };
  readonly low24: number | null;
  readonly figure: number | null;
}

export function keyReadings(key: number): KeyReadings {
  return {
    rfc7637: { vsid: key >>> 8, flowId: key & 0xff },
    low24: key >>> 24 === 0 ? key & 0xffffff : null,
    figure: (key & 0xff) === 0 ? key >>> 8 : null,
  };
}

/** The FlowID a receiver using `layout` reads from `key` (`low24`: none, 0). */
export function flowIdOf(key: number, layout: KeyLayout): number {
  return layout === 'low24' ? 0 : key & 0xff;
}

/** Header length implied by the flags: 4 + 4·C + 4·K + 4·S (RFC 2890 §2). */
export function greHeaderLength(flags: number): number {
  return (
    GRE.BASE_LENGTH +
    ((flags & GRE.FLAG_C) !== 0 ? GRE.OPTION_LENGTH : 0) +
    ((flags & GRE.FLAG_K) !== 0 ? GRE.OPTION_LENGTH : 0) +
    ((flags & GRE.FLAG_S) !== 0 ? GRE.OPTION_LENGTH : 0)
  );
}

export interface GreHeader {
  readonly checksumPresent: boolean;
  readonly routingPresent: boolean;
  readonly keyPresent: boolean;
  readonly sequencePresent: boolean;
  /** Bits 4–12 of the flag word (after K and S), as a 9-bit value. */
  readonly reserved0: number;
  readonly version: number;
  readonly protocol: number;
  readonly headerLength: number;
  readonly checksum: number | null;
  readonly key: number | null;
  readonly sequence: number | null;
  /** NVGRE view of the key (null without a key). */
  readonly vsid: number | null;
  readonly flowId: number | null;
}

/**
 * Reads a GRE header; optional words are taken at their RFC 2890 offsets (Checksum+Reserved1, then
 * Key, then Sequence). Throws `TRUNCATED` when the flags imply more bytes than there are.
 */
export function readGre(bytes: Uint8Array, offset = 0, end = bytes.length, layer: Layer = 'gre'): GreHeader {
  if (end - offset < GRE.BASE_LENGTH) throw truncated(layer, offset, GRE.BASE_LENGTH, end - offset, 'GRE header');
  const flags = u16(bytes, offset);
  const hl = greHeaderLength(flags);
  if (end - offset < hl) throw truncated(layer, offset, hl, end - offset, 'GRE header with the optional words its flags announce');
  let o = offset + GRE.BASE_LENGTH;
  let checksum: number | null = null;
  let key: number | null = null;
  let sequence: number | null = null;
  if (flags & GRE.FLAG_C) {
    checksum = u16(bytes, o);
    o += GRE.OPTION_LENGTH;
  }
  if (flags & GRE.FLAG_K) {
    key = u32(bytes, o);
    o += GRE.OPTION_LENGTH;
  }
  if (flags & GRE.FLAG_S) sequence = u32(bytes, o);
  return {
    checksumPresent: (flags & GRE.FLAG_C) !== 0,
    routingPresent: (flags & GRE.FLAG_R) !== 0,
    keyPresent: key !== null,
    sequencePresent: sequence !== null,
    reserved0: (flags >>> 3) & 0x1ff,
    version: flags & GRE.VERSION_MASK,
    protocol: u16(bytes, offset + GRE.PROTOCOL),
    headerLength: hl,
    checksum,
    key,
    sequence,
    vsid: key === null ? null : key >>> 8,
    flowId: key === null ? null : key & 0xff,
  };
}

export interface GreFields {
  readonly protocol: number;
  readonly key?: number;
  readonly sequence?: number;
  /** Writes a Checksum word; the value is computed by the caller (RFC 2784 §2.5) or left 0. */
  readonly checksum?: number;
  readonly version?: number;
  /** Extra flag bits to OR in (bits 1, 4–12) for crafting non-conformant headers. */
  readonly extraFlags?: number;
}

export function greLength(f: Omit<GreFields, 'protocol'>): number {
  return (
    GRE.BASE_LENGTH +
    (f.checksum !== undefined ? GRE.OPTION_LENGTH : 0) +
    (f.key !== undefined ? GRE.OPTION_LENGTH : 0) +
    (f.sequence !== undefined ? GRE.OPTION_LENGTH : 0)
  );
}

/** Writes a GRE header; returns bytes written. */
export function writeGre(target: Uint8Array, offset: number, f: GreFields): number {
  const flags =
    (f.checksum !== undefined ? GRE.FLAG_C : 0) |
    (f.key !== undefined ? GRE.FLAG_K : 0) |
    (f.sequence !== undefined ? GRE.FLAG_S : 0) |
    ((f.extraFlags ?? 0) & (GRE.FLAG_R | GRE.RESERVED0_DISCARD | GRE.RESERVED0_IGNORE)) |
    ((f.version ?? 0) & GRE.VERSION_MASK);
  put16(target, offset, flags);
  put16(target, offset + GRE.PROTOCOL, f.protocol);
  let o = offset + GRE.BASE_LENGTH;
  if (f.checksum !== undefined) {
    put16(target, o, f.checksum);
    put16(target, o + 2, 0); // Reserved1, RFC 2784 §2.6
    o += GRE.OPTION_LENGTH;
  }
  if (f.key !== undefined) {
    put32(target, o, f.key >>> 0);
    o += GRE.OPTION_LENGTH;
  }
  if (f.sequence !== undefined) {
    put32(target, o, f.sequence >>> 0);
    o += GRE.OPTION_LENGTH;
  }
  return o - offset;
}

/** Writes the 8-byte conformant NVGRE header (RFC 7637 §3.2); returns 8. */
export function writeNvgreHeader(target: Uint8Array, offset: number, vsid: number, flowId: number): number {
  put32(target, offset, GRE.NVGRE_FIRST_WORD);
  put32(target, offset + GRE.BASE_LENGTH, nvgreKey(vsid, flowId));
  return GRE.NVGRE_LENGTH;
}
