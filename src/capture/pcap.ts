/**
 * Classic pcap files (draft-ietf-opsawg-pcap, https://www.ietf.org/archive/id/draft-ietf-opsawg-pcap):
 * a 24-byte file header, then records of a 16-byte header and the captured bytes. Both byte orders,
 * microsecond (magic a1b2c3d4) and nanosecond (magic a1b23c4d) timestamps.
 *
 * Reading is zero-copy: `record.data` is a `subarray` of the input. Nothing is allocated from a
 * length the file claims: a record is checked against the limit and the bytes actually present first.
 */
import { assertBytes, assertInt, typedArraySet, u32 } from '../wire/bytes.js';
import { NvgreError, NvgreErrorCode } from '../wire/errors.js';
import {
  type Capture,
  type CaptureInfo,
  type CaptureRecord,
  type CaptureRecordInput,
  type CaptureTimestamp,
  type CaptureUnitDecoder,
  type CaptureWarning,
  DEFAULT_MAX_RECORD_BYTES,
  DEFAULT_SNAPLEN,
  LINKTYPE_ETHERNET,
  MAX_TIMESTAMP_NANOSECONDS,
  type ReadCaptureOptions,
  booleanOption,
  decodeWhole,
  defaultTimestamp,
  describeLimit,
  framesArg,
  hex32,
  maxRecordBytesOption,
  optionsArg,
  read16,
  read32,
  write16,
  write32,
} from './record.js';

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
    typedArraySet.call(target, captured === f.data.length ? f.data : f.data.subarray(0, captured), offset + RECORD_HEADER.LENGTH);
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
