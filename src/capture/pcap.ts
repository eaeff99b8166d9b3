/**
 * Classic pcap files (draft-ietf-opsawg-pcap, https://www.ietf.org/archive/id/draft-ietf-opsawg-pcap):
 * a 24-byte file header, then records of a 16-byte header and the captured bytes. Both byte orders,
 * microsecond (magic a1b2c3d4) and nanosecond (magic a1b23c4d) timestamps.
 *
 * This module also holds the types shared by every capture reader (`Capture`, `CaptureRecord`, ...)
 * and the unit-by-unit decoding contract that the whole-file readers and the stream parser share, so
 * both produce the same records and the same errors by construction.
 *
 * Reading is zero-copy: `record.data` is a `subarray` of the input. Nothing is allocated from a
 * length the file claims: a record is checked against the limit and the bytes actually present first.
 */
import { assertBytes, assertInt, u32 } from '../wire/bytes.js';
import { NvgreError, NvgreErrorCode } from '../wire/errors.js';

// ---------------------------------------------------------------------------------------------
// Shared capture types
// ---------------------------------------------------------------------------------------------

/**
 * A capture timestamp: whole seconds since 1970-01-01T00:00:00Z plus a nanosecond fraction. The
 * instant is `seconds + nanoseconds / 1e9`.
 */
export interface CaptureTimestamp {
  seconds: number;
  /**
   * 0 ≤ nanoseconds < 1e9 in a well-formed file. A classic pcap record whose fraction field is one
   * second or more (≥ 10^6 µs or ≥ 10^9 ns: some capture tools write such records, and tcpdump and
   * editcap copy them as they are) is reported as stored, so this may be up to 2^32 − 1 µs
   * (4_294_967_295_999 ns); every writer accepts it back (see {@link PcapWriter}).
   */
  nanoseconds: number;
}

/** One interface of a capture. A classic pcap file has exactly one (id 0). */
export interface CaptureInterface {
  /** 0-based id. For pcapng, counted across all sections in file order (Wireshark's numbering). */
  id: number;
  /** LINKTYPE_* value (1 = Ethernet). */
  linkType: number;
  /** Snapshot length; 0 means "no limit" (pcapng IDB SnapLen). */
  snaplen: number;
  /**
   * Timestamp resolution as the pcapng `if_tsresol` byte: 6 = microseconds, 9 = nanoseconds;
   * bit 7 set means a negative power of 2 instead of 10.
   */
  tsresol: number;
  /** `if_name`, when the file names the interface. */
  name?: string;
  /** 0-based pcapng section the interface belongs to (always 0 for pcap). */
  section: number;
}

/** One captured frame. */
export interface CaptureRecord {
  /** 0-based position among the file's records (Wireshark's frame number minus 1). */
  index: number;
  /** Id of the interface that captured it (always 0 for classic pcap). See {@link CaptureInterface.id}. */
  interfaceId: number;
  /** Link type of that interface. */
  linkType: number;
  timestamp: CaptureTimestamp;
  /** Bytes present in the file (= data.length). */
  capturedLength: number;
  /** Length of the frame on the wire; larger than capturedLength when the snaplen cut it. */
  originalLength: number;
  /** The captured bytes: a zero-copy view into the input (see `copyRecord` for a detached copy). */
  data: Uint8Array;
  /** Byte offset in the file of the record (pcap) or block (pcapng) that carried the frame. */
  fileOffset: number;
}

/**
 * Something inconsistent in a capture that did not stop it from being read. Codes:
 * - `SNAPLEN_EXCEEDED`: a record holds more captured bytes than its interface's snaplen (the pcap
 *   file header's, or the pcapng IDB's). Its bytes are all read, as tshark reads them; the writer
 *   understated the snaplen. Reported once per interface, at its first such record.
 */
export interface CaptureWarning {
  code: 'SNAPLEN_EXCEEDED';
  /** The interface concerned. */
  interfaceId: number;
  /** 0-based index of the first record concerned. */
  record: number;
  /** File offset of that record (pcap) or block (pcapng). */
  fileOffset: number;
  /** One sentence naming the record, its offset and the lengths. */
  message: string;
}

/** A whole capture file, decoded. */
export interface Capture {
  format: 'pcap' | 'pcapng';
  /** Link type of interface 0 (1, Ethernet, when a pcapng file has no interface). */
  linkType: number;
  /** Snaplen of interface 0 (0 when a pcapng file has no interface). */
  snaplen: number;
  /** True when interface 0 has nanosecond timestamps. */
  nanosecond: boolean;
  /** Byte order of the file (of its first section, for pcapng). */
  littleEndian: boolean;
  interfaces: CaptureInterface[];
  /** Inconsistencies read past, in file order (empty for a well-formed file); see {@link CaptureWarning}. */
  warnings: CaptureWarning[];
  records: CaptureRecord[];
}

/** Capture metadata without the records (what a stream parser knows after the headers). */
export type CaptureInfo = Omit<Capture, 'records'>;

/** A frame to write: the bytes plus optional metadata. A {@link CaptureRecord} is one too. */
export interface CaptureRecordInput {
  data: Uint8Array;
  /** Default: {@link defaultTimestamp} of the frame's position. */
  timestamp?: CaptureTimestamp;
  /** Default: data.length. Must be ≥ data.length. */
  originalLength?: number;
  /** pcapng only (default 0); classic pcap has one interface and ignores it. */
  interfaceId?: number;
  /**
   * pcapng only: comments written as `opt_comment` options of the frame's Enhanced Packet Block (Wireshark
   * shows them as `frame.comment`); UTF-8, at most 65535 bytes each. Classic pcap has no place for them.
   */
  comments?: readonly string[];
}

export interface ReadCaptureOptions {
  /**
   * Largest captured length accepted for one record, default {@link DEFAULT_MAX_RECORD_BYTES}
   * (256 MiB). A record claiming more is `BAD_CAPTURE`, whatever the snaplen says; pcapng blocks may
   * exceed it by {@link PCAPNG_BLOCK_HEADROOM} bytes of headers and options.
   */
  maxRecordBytes?: number;
}

export const LINKTYPE_ETHERNET = 1;
/** tcpdump's and dumpcap's default snapshot length. */
export const DEFAULT_SNAPLEN = 262_144;
export const DEFAULT_MAX_RECORD_BYTES = 256 * 1024 * 1024;
/** Extra bytes a pcapng block may carry beyond maxRecordBytes (block header, trailer, options). */
export const PCAPNG_BLOCK_HEADROOM = 65_536;
/** Default timestamps of written frames start here: 2023-11-14T22:13:20Z. */
export const DEFAULT_TIMESTAMP_SECONDS = 1_700_000_000;
/**
 * The largest `timestamp.nanoseconds` a reader reports and a writer accepts: a microsecond pcap
 * fraction field of 2^32 − 1, plus the sub-microsecond digits such a file drops.
 */
export const MAX_TIMESTAMP_NANOSECONDS = 0xffff_ffff * 1000 + 999;

/**
 * The timestamp written for the frame at 0-based position `index` when none is given:
 * {@link DEFAULT_TIMESTAMP_SECONDS} plus `index` microseconds. Deterministic, strictly increasing and
 * exact at both microsecond and nanosecond resolution.
 */
export function defaultTimestamp(index: number): CaptureTimestamp {
  return {
    seconds: DEFAULT_TIMESTAMP_SECONDS + Math.floor(index / 1_000_000),
    nanoseconds: (index % 1_000_000) * 1000,
  };
}

/** A copy of `record` whose `data` owns its bytes (detached from the input or stream chunk). */
export function copyRecord(record: CaptureRecord): CaptureRecord {
  return { ...record, timestamp: { ...record.timestamp }, data: record.data.slice() };
}

// ---------------------------------------------------------------------------------------------
// Byte-order helpers (pcap files are written in the writer's host order)
// ---------------------------------------------------------------------------------------------

/** @internal 16-bit read in the given byte order; the caller has checked the bounds. */
export function read16(b: Uint8Array, o: number, littleEndian: boolean): number {
  return littleEndian ? b[o]! | (b[o + 1]! << 8) : (b[o]! << 8) | b[o + 1]!;
}

/** @internal 32-bit unsigned read in the given byte order; the caller has checked the bounds. */
export function read32(b: Uint8Array, o: number, littleEndian: boolean): number {
  return littleEndian ? (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0 : u32(b, o);
}

/** @internal */
export function write16(b: Uint8Array, o: number, v: number, littleEndian: boolean): void {
  if (littleEndian) {
    b[o] = v;
    b[o + 1] = v >>> 8;
  } else {
    b[o] = v >>> 8;
    b[o + 1] = v;
  }
}

/** @internal */
export function write32(b: Uint8Array, o: number, v: number, littleEndian: boolean): void {
  if (littleEndian) {
    b[o] = v;
    b[o + 1] = v >>> 8;
    b[o + 2] = v >>> 16;
    b[o + 3] = v >>> 24;
  } else {
    b[o] = v >>> 24;
    b[o + 1] = v >>> 16;
    b[o + 2] = v >>> 8;
    b[o + 3] = v;
  }
}

/** @internal Hex of a 32-bit value, 8 digits. */
export function hex32(v: number): string {
  return '0x' + (v >>> 0).toString(16).padStart(8, '0');
}

// ---------------------------------------------------------------------------------------------
// Unit-by-unit decoding, shared by the whole-file readers and the stream parser
// ---------------------------------------------------------------------------------------------

/**
 * @internal A capture file is a sequence of self-delimiting units (pcap: file header, records;
 * pcapng: blocks). A decoder learns each unit's length from its header, then decodes it whole.
 */
export interface CaptureUnitDecoder {
  /**
   * Total length of the unit at `offset`, of which `available` bytes are present. While fewer than
   * its header's bytes are present, returns the header size (a lower bound; ask again with more).
   * Throws `BAD_CAPTURE` for a header no valid file has. `fileOffset` is where `offset` sits in the file.
   */
  unitLength(bytes: Uint8Array, offset: number, available: number, fileOffset: number): number;
  /** Decodes the complete unit of `length` bytes at `offset`: the record it carries, or null. */
  decodeUnit(bytes: Uint8Array, offset: number, length: number, fileOffset: number): CaptureRecord | null;
  /** The `TRUNCATED` error for a unit at `offset` of which only `available` bytes exist. */
  truncatedError(bytes: Uint8Array, offset: number, available: number, fileOffset: number): NvgreError;
  /** Metadata so far; undefined until the file header (pcap) or first section header (pcapng) is read. */
  info(): CaptureInfo | undefined;
}

/** @internal Runs a decoder over a whole file held in memory. */
export function decodeWhole(decoder: CaptureUnitDecoder, bytes: Uint8Array): Capture {
  const records: CaptureRecord[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const available = bytes.length - offset;
    const length = decoder.unitLength(bytes, offset, available, offset);
    if (length > available) throw decoder.truncatedError(bytes, offset, available, offset);
    const record = decoder.decodeUnit(bytes, offset, length, offset);
    if (record !== null) records.push(record);
    offset += length;
  }
  const info = decoder.info();
  if (info === undefined) throw decoder.truncatedError(bytes, 0, 0, 0);
  return { ...info, records };
}

/** @internal TypeError naming `name` unless `options` is an object or undefined. */
export function optionsArg(options: unknown, name = 'options'): void {
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new TypeError(`${name} must be an object, got ${options === null ? 'null' : typeof options}`);
  }
}

/** @internal TypeError unless `value` is undefined or a boolean. */
export function booleanOption(value: unknown, name: string): void {
  if (value !== undefined && typeof value !== 'boolean') throw new TypeError(`${name} must be a boolean, got ${typeof value}`);
}

/** @internal TypeError unless `frames` is iterable (`Array.from(5)` would quietly give no frames). */
export function framesArg(frames: unknown): void {
  if (frames === null || frames === undefined || typeof (frames as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== 'function') {
    throw new TypeError(`frames must be an iterable of Uint8Array or capture records, got ${frames === null ? 'null' : typeof frames}`);
  }
}

/** @internal Validates the maxRecordBytes option. */
export function maxRecordBytesOption(options: ReadCaptureOptions | undefined): number {
  optionsArg(options);
  const max = options?.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  assertInt(max, 'options.maxRecordBytes', 1, 0xffff_ffff);
  return max;
}

/** @internal "N MiB" or "N bytes", for limit messages. */
export function describeLimit(bytes: number): string {
  return bytes % 1_048_576 === 0 ? `${bytes / 1_048_576} MiB` : `${bytes} bytes`;
}

// ---------------------------------------------------------------------------------------------
// pcap field maps (draft-ietf-opsawg-pcap §4 File Header, §5 Packet Record)
// ---------------------------------------------------------------------------------------------

const FILE_HEADER = {
  MAGIC: 0,
  VERSION_MAJOR: 4,
  VERSION_MINOR: 6,
  RESERVED1: 8,
  RESERVED2: 12,
  SNAPLEN: 16,
  LINKTYPE: 20,
  LENGTH: 24,
} as const;

const RECORD_HEADER = {
  TIMESTAMP_SECONDS: 0,
  TIMESTAMP_FRACTION: 4,
  CAPTURED_LENGTH: 8,
  ORIGINAL_LENGTH: 12,
  LENGTH: 16,
} as const;

/** Magic numbers as read big-endian from the first 4 bytes (§4: the writer's byte order shows in them). */
export const PCAP_MAGIC = {
  MICROSECONDS_BE: 0xa1b2c3d4,
  MICROSECONDS_LE: 0xd4c3b2a1,
  NANOSECONDS_BE: 0xa1b23c4d,
  NANOSECONDS_LE: 0x4d3cb2a1,
} as const;

/** pcapng Section Header Block type, which is also the first 4 bytes of a pcapng file. */
export const PCAPNG_MAGIC = 0x0a0d0d0a;

/** §4: the current format is version 2.4; readers accept any 2.x. */
const VERSION_MAJOR = 2;
const VERSION_MINOR = 4;
/** §4: LinkType is the low 16 bits; the upper bits carry the FCS length and reserved bits. */
const LINKTYPE_MASK = 0xffff;

/** The capture format named by the first 4 bytes, or undefined. */
export function detectCaptureFormat(bytes: Uint8Array): 'pcap' | 'pcapng' | undefined {
  assertBytes(bytes, 'bytes');
  if (bytes.length < 4) return undefined;
  const magic = u32(bytes, 0);
  if (magic === PCAPNG_MAGIC) return 'pcapng';
  return pcapMagic(magic) === undefined ? undefined : 'pcap';
}

function pcapMagic(magic: number): { littleEndian: boolean; nanosecond: boolean } | undefined {
  switch (magic) {
    case PCAP_MAGIC.MICROSECONDS_BE:
      return { littleEndian: false, nanosecond: false };
    case PCAP_MAGIC.MICROSECONDS_LE:
      return { littleEndian: true, nanosecond: false };
    case PCAP_MAGIC.NANOSECONDS_BE:
      return { littleEndian: false, nanosecond: true };
    case PCAP_MAGIC.NANOSECONDS_LE:
      return { littleEndian: true, nanosecond: true };
    default:
      return undefined;
  }
}

function badMagic(magic: number): NvgreError {
  const hint =
    magic === PCAPNG_MAGIC
      ? 'which is a pcapng file: read it with readPcapng() or readCapture()'
      : 'which is not a pcap file (expected a1b2c3d4 or a1b23c4d in either byte order); ' +
        'pcapng files (0a0d0d0a) are read by readPcapng() or readCapture()';
  return new NvgreError(
    NvgreErrorCode.BAD_CAPTURE,
    'pcap',
    0,
    `the file starts with magic number ${hex32(magic)}, ${hint}`,
  );
}

// ---------------------------------------------------------------------------------------------
// Reader
// ---------------------------------------------------------------------------------------------

interface PcapHeader {
  littleEndian: boolean;
  nanosecond: boolean;
  snaplen: number;
  linkType: number;
}

/** @internal Decodes a classic pcap file unit by unit. */
export class PcapDecoder implements CaptureUnitDecoder {
  private header: PcapHeader | undefined;
  private count = 0;
  private readonly warnings: CaptureWarning[] = [];

  constructor(private readonly maxRecordBytes: number) {}

  info(): CaptureInfo | undefined {
    const h = this.header;
    if (h === undefined) return undefined;
    return {
      format: 'pcap',
      linkType: h.linkType,
      snaplen: h.snaplen,
      nanosecond: h.nanosecond,
      littleEndian: h.littleEndian,
      interfaces: [{ id: 0, linkType: h.linkType, snaplen: h.snaplen, tsresol: h.nanosecond ? 9 : 6, section: 0 }],
      warnings: [...this.warnings],
    };
  }

  unitLength(bytes: Uint8Array, offset: number, available: number, fileOffset: number): number {
    const h = this.header;
    if (h === undefined) {
      // Reject a wrong magic as soon as it is visible, not only once 24 bytes have arrived.
      if (available >= 4 && pcapMagic(u32(bytes, offset)) === undefined) throw badMagic(u32(bytes, offset));
      return FILE_HEADER.LENGTH;
    }
    if (available < RECORD_HEADER.LENGTH) return RECORD_HEADER.LENGTH;
    const capturedLength = read32(bytes, offset + RECORD_HEADER.CAPTURED_LENGTH, h.littleEndian);
    const number = this.count + 1;
    if (capturedLength > this.maxRecordBytes) {
      throw new NvgreError(
        NvgreErrorCode.BAD_CAPTURE,
        'pcap',
        fileOffset,
        `record ${number} at offset ${fileOffset} claims ${capturedLength} captured bytes, more than the ` +
          `${describeLimit(this.maxRecordBytes)} limit (maxRecordBytes); the file is corrupt`,
      );
    }
    // A CapLen above the SnapLen (§5 says it never is) is read anyway: see decodeUnit.
    return RECORD_HEADER.LENGTH + capturedLength;
  }

  decodeUnit(bytes: Uint8Array, offset: number, length: number, fileOffset: number): CaptureRecord | null {
    const h = this.header;
    if (h === undefined) {
      this.header = parseFileHeader(bytes, offset);
      return null;
    }
    const le = h.littleEndian;
    const fraction = read32(bytes, offset + RECORD_HEADER.TIMESTAMP_FRACTION, le);
    const capturedLength = length - RECORD_HEADER.LENGTH;
    // §5: CapLen never exceeds SnapLen, but writers that understate the snaplen exist and tshark reads
    // their records in full: so do we, and say so once. A snaplen of 0 (never written by libpcap) is
    // taken as "unknown". Lengths that cannot be honoured were refused by unitLength.
    if (h.snaplen !== 0 && capturedLength > h.snaplen && this.warnings.length === 0) {
      this.warnings.push({
        code: 'SNAPLEN_EXCEEDED',
        interfaceId: 0,
        record: this.count,
        fileOffset,
        message:
          `record ${this.count + 1} at offset ${fileOffset} has ${capturedLength} captured bytes, more than the snaplen of ` +
          `${h.snaplen} in the file header; records are read in full, as tshark reads them (the writer understated the snaplen)`,
      });
    }
    const record: CaptureRecord = {
      index: this.count,
      interfaceId: 0,
      linkType: h.linkType,
      timestamp: {
        seconds: read32(bytes, offset + RECORD_HEADER.TIMESTAMP_SECONDS, le),
        nanoseconds: h.nanosecond ? fraction : fraction * 1000,
      },
      capturedLength,
      originalLength: read32(bytes, offset + RECORD_HEADER.ORIGINAL_LENGTH, le),
      data: bytes.subarray(offset + RECORD_HEADER.LENGTH, offset + length),
      fileOffset,
    };
    this.count++;
    return record;
  }

  truncatedError(bytes: Uint8Array, offset: number, available: number, fileOffset: number): NvgreError {
    const h = this.header;
    if (h === undefined) {
      return new NvgreError(
        NvgreErrorCode.TRUNCATED,
        'pcap',
        fileOffset,
        `the pcap file header needs ${FILE_HEADER.LENGTH} bytes but the file has only ${available}`,
        { needed: FILE_HEADER.LENGTH, available },
      );
    }
    const number = this.count + 1;
    if (available < RECORD_HEADER.LENGTH) {
      return new NvgreError(
        NvgreErrorCode.TRUNCATED,
        'pcap',
        fileOffset,
        `record ${number} at offset ${fileOffset}: the file ends inside its ${RECORD_HEADER.LENGTH}-byte ` +
          `record header (${available} bytes present); the capture was cut short`,
        { needed: RECORD_HEADER.LENGTH, available },
      );
    }
    const capturedLength = read32(bytes, offset + RECORD_HEADER.CAPTURED_LENGTH, h.littleEndian);
    const needed = RECORD_HEADER.LENGTH + capturedLength;
    return new NvgreError(
      NvgreErrorCode.TRUNCATED,
      'pcap',
      fileOffset,
      `record ${number} at offset ${fileOffset} has ${capturedLength} captured bytes but only ` +
        `${available - RECORD_HEADER.LENGTH} follow its header; the capture was cut short`,
      { needed, available },
    );
  }
}

function parseFileHeader(bytes: Uint8Array, offset: number): PcapHeader {
  const magic = u32(bytes, offset + FILE_HEADER.MAGIC);
  const kind = pcapMagic(magic);
  if (kind === undefined) throw badMagic(magic);
  const le = kind.littleEndian;
  const major = read16(bytes, offset + FILE_HEADER.VERSION_MAJOR, le);
  if (major !== VERSION_MAJOR) {
    const minor = read16(bytes, offset + FILE_HEADER.VERSION_MINOR, le);
    throw new NvgreError(
      NvgreErrorCode.BAD_CAPTURE,
      'pcap',
      FILE_HEADER.VERSION_MAJOR,
      `pcap version ${major}.${minor} is not supported (draft-ietf-opsawg-pcap §4 defines version 2.4)`,
    );
  }
  return {
    littleEndian: le,
    nanosecond: kind.nanosecond,
    snaplen: read32(bytes, offset + FILE_HEADER.SNAPLEN, le),
    linkType: read32(bytes, offset + FILE_HEADER.LINKTYPE, le) & LINKTYPE_MASK,
  };
}

/**
 * Reads a classic pcap file held in memory. Records are zero-copy views into `bytes`.
 * Errors (`NvgreError`, layer `pcap`): `TRUNCATED` when the file header, a record header or a record's
 * data runs past the end (offset = the record's file offset); `BAD_CAPTURE` for a wrong magic number,
 * an unsupported version, or a record longer than `maxRecordBytes`. A record longer than the header's
 * snaplen is read in full and reported once in `warnings` (`SNAPLEN_EXCEEDED`).
 */
export function readPcap(bytes: Uint8Array, options?: ReadCaptureOptions): Capture {
  assertBytes(bytes, 'bytes');
  return decodeWhole(new PcapDecoder(maxRecordBytesOption(options)), bytes);
}

// ---------------------------------------------------------------------------------------------
// Writer
// ---------------------------------------------------------------------------------------------

export interface PcapWriteOptions {
  /** LINKTYPE_* value, default 1 (Ethernet). */
  linkType?: number;
  /** Default {@link DEFAULT_SNAPLEN}. Longer frames are cut to it (originalLength keeps their length). */
  snaplen?: number;
  /** Nanosecond timestamps (magic a1b23c4d). Default false: microseconds, sub-microsecond digits dropped. */
  nanosecond?: boolean;
  /** Default true (the byte order of nearly every capture in the wild). */
  littleEndian?: boolean;
}

/** @internal A frame argument validated and with its defaults applied. */
export interface NormalizedFrame {
  data: Uint8Array;
  timestamp: CaptureTimestamp;
  originalLength: number;
  interfaceId: number;
  /** pcapng only (see {@link CaptureRecordInput.comments}). */
  comments?: readonly string[];
}

/** @internal */
export function normalizeFrame(frame: Uint8Array | CaptureRecordInput, index: number): NormalizedFrame {
  const name = `frames[${index}]`;
  if (frame instanceof Uint8Array) {
    assertBytes(frame, name);
    return { data: frame, timestamp: defaultTimestamp(index), originalLength: frame.length, interfaceId: 0 };
  }
  if (typeof frame !== 'object' || frame === null) assertBytes(frame, name);
  assertBytes(frame.data, `${name}.data`);
  const timestamp = frame.timestamp ?? defaultTimestamp(index);
  if (typeof timestamp !== 'object' || timestamp === null) {
    throw new TypeError(`${name}.timestamp must be an object { seconds, nanoseconds }`);
  }
  assertInt(timestamp.seconds, `${name}.timestamp.seconds`, 0, Number.MAX_SAFE_INTEGER);
  // Not capped at 999_999_999: whatever a reader reports must be writable (see CaptureTimestamp).
  assertInt(timestamp.nanoseconds, `${name}.timestamp.nanoseconds`, 0, MAX_TIMESTAMP_NANOSECONDS);
  const originalLength = frame.originalLength ?? frame.data.length;
  assertInt(originalLength, `${name}.originalLength`, frame.data.length, 0xffff_ffff);
  const interfaceId = frame.interfaceId ?? 0;
  assertInt(interfaceId, `${name}.interfaceId`, 0, 0xffff_ffff);
  const comments = frame.comments;
  if (comments === undefined || comments === null) return { data: frame.data, timestamp, originalLength, interfaceId };
  if (!Array.isArray(comments) || !comments.every((c) => typeof c === 'string')) {
    throw new TypeError(`${name}.comments must be an array of strings`);
  }
  return { data: frame.data, timestamp, originalLength, interfaceId, comments };
}

/**
 * Incremental pcap writer: `header()` once, then `record(frame)` per frame, for output that never has
 * to sit in memory whole. {@link writePcap} is the one-shot form.
 *
 * A timestamp's fraction is written as given, not normalised: a record read with a fraction field of
 * one second or more (`nanoseconds` ≥ 1e9) is written back with the same field, byte for byte, as
 * tcpdump -w and editcap copy it. Normalising (carrying whole seconds into `seconds`) would alter
 * the record while copying it, and normalising in the reader would hide what the file says; a
 * fraction too large for the file's 32-bit field (2^32 ns in a nanosecond file) is a RangeError.
 */
export class PcapWriter {
  readonly linkType: number;
  readonly snaplen: number;
  readonly nanosecond: boolean;
  readonly littleEndian: boolean;
  private count = 0;

  constructor(options: PcapWriteOptions = {}) {
    optionsArg(options);
    booleanOption(options.nanosecond, 'options.nanosecond');
    booleanOption(options.littleEndian, 'options.littleEndian');
    this.linkType = options.linkType ?? LINKTYPE_ETHERNET;
    this.snaplen = options.snaplen ?? DEFAULT_SNAPLEN;
    this.nanosecond = options.nanosecond ?? false;
    this.littleEndian = options.littleEndian ?? true;
    assertInt(this.linkType, 'options.linkType', 0, LINKTYPE_MASK);
    // libpcap reads the snaplen as a signed int; our reader's default limit bounds it too.
    assertInt(this.snaplen, 'options.snaplen', 1, DEFAULT_MAX_RECORD_BYTES);
  }

  /** The 24-byte file header. */
  header(): Uint8Array {
    const out = new Uint8Array(FILE_HEADER.LENGTH);
    const le = this.littleEndian;
    write32(out, FILE_HEADER.MAGIC, this.nanosecond ? PCAP_MAGIC.NANOSECONDS_BE : PCAP_MAGIC.MICROSECONDS_BE, le);
    write16(out, FILE_HEADER.VERSION_MAJOR, VERSION_MAJOR, le);
    write16(out, FILE_HEADER.VERSION_MINOR, VERSION_MINOR, le);
    // RESERVED1 (thiszone) and RESERVED2 (sigfigs) stay 0 (§4: SHOULD be written as 0).
    write32(out, FILE_HEADER.SNAPLEN, this.snaplen, le);
    write32(out, FILE_HEADER.LINKTYPE, this.linkType, le);
    return out;
  }

  /** Bytes {@link record} returns for `frame`: 16 plus the captured length. */
  recordLength(frame: Uint8Array | CaptureRecordInput): number {
    const data = frame instanceof Uint8Array ? frame : (frame as CaptureRecordInput | null)?.data;
    assertBytes(data, frame instanceof Uint8Array ? 'frame' : 'frame.data');
    return RECORD_HEADER.LENGTH + Math.min(data.length, this.snaplen);
  }

  /** One record (header and captured bytes). The default timestamp counts frames written so far. */
  record(frame: Uint8Array | CaptureRecordInput): Uint8Array {
    const f = normalizeFrame(frame, this.count);
    const out = new Uint8Array(RECORD_HEADER.LENGTH + Math.min(f.data.length, this.snaplen));
    this.writeInto(f, out, 0);
    return out;
  }

  /** @internal Writes a normalized frame at `offset`; returns the bytes written. */
  writeInto(f: NormalizedFrame, target: Uint8Array, offset: number): number {
    const le = this.littleEndian;
    const { seconds, nanoseconds } = f.timestamp;
    if (seconds > 0xffff_ffff) {
      throw new RangeError(`frames[${this.count}].timestamp.seconds ${seconds} does not fit pcap's 32-bit field`);
    }
    // As given, not normalised (see the class comment): a fraction ≥ 1 s read from a file goes back as read.
    const fraction = this.nanosecond ? nanoseconds : Math.floor(nanoseconds / 1000);
    if (fraction > 0xffff_ffff) {
      throw new RangeError(
        `frames[${this.count}].timestamp.nanoseconds ${nanoseconds} does not fit the 32-bit ${this.nanosecond ? 'nanosecond' : 'microsecond'} field of a pcap record`,
      );
    }
    const captured = Math.min(f.data.length, this.snaplen);
    write32(target, offset + RECORD_HEADER.TIMESTAMP_SECONDS, seconds, le);
    write32(target, offset + RECORD_HEADER.TIMESTAMP_FRACTION, fraction, le);
    write32(target, offset + RECORD_HEADER.CAPTURED_LENGTH, captured, le);
    write32(target, offset + RECORD_HEADER.ORIGINAL_LENGTH, f.originalLength, le);
    target.set(captured === f.data.length ? f.data : f.data.subarray(0, captured), offset + RECORD_HEADER.LENGTH);
    this.count++;
    return RECORD_HEADER.LENGTH + captured;
  }
}

/**
 * Writes a classic pcap file. Frames are bytes or {@link CaptureRecordInput}s (so the records of a read
 * capture can be written back). Frames without a timestamp get {@link defaultTimestamp}(position).
 * Frames longer than the snaplen are cut to it, as a capture would be; `interfaceId` is ignored.
 */
export function writePcap(frames: Iterable<Uint8Array | CaptureRecordInput>, options?: PcapWriteOptions): Uint8Array {
  const writer = new PcapWriter(options);
  framesArg(frames);
  const normalized = Array.from(frames, normalizeFrame);
  let total = FILE_HEADER.LENGTH;
  for (const f of normalized) total += RECORD_HEADER.LENGTH + Math.min(f.data.length, writer.snaplen);
  const out = new Uint8Array(total);
  out.set(writer.header(), 0);
  let offset = FILE_HEADER.LENGTH;
  for (const f of normalized) offset += writer.writeInto(f, out, offset);
  return out;
}
