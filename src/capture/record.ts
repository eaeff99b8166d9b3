/**
 * What every capture reader and writer shares: the record and capture types, the byte-order helpers, the
 * unit-by-unit decoding contract that the whole-file readers (pcap.ts, pcapng.ts) and the stream parser
 * (stream.ts) implement — so all of them produce the same records and the same errors by construction —
 * and the option checks.
 */
import { assertInt, u32 } from '../wire/bytes.js';
import { NvgreError } from '../wire/errors.js';

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
