/**
 * pcapng files (draft-ietf-opsawg-pcapng, https://www.ietf.org/archive/id/draft-ietf-opsawg-pcapng):
 * a sequence of blocks `type | total length | body | total length`. Read: Section Header (both byte
 * orders; each SHB starts a new section with its own interfaces), Interface Description (with
 * `if_name`, `if_tsresol`, `if_tsoffset`), Enhanced Packet, Simple Packet and the obsolete Packet
 * Block. Every other block is skipped by its length. Written: SHB, IDBs and EPBs.
 *
 * Framing rules enforced (§3.1): a total length is at least 12, a multiple of 4, inside the file and
 * repeated in the trailer. Every block therefore advances the reader by at least 12 bytes: no loops.
 */
import { assertBytes } from '../wire/bytes.js';
import { NvgreError, NvgreErrorCode } from '../wire/errors.js';
import { type Capture, type CaptureInfo, type CaptureInterface, type CaptureRecord, type CaptureTimestamp, type CaptureUnitDecoder, type CaptureWarning, type ReadCaptureOptions, LINKTYPE_ETHERNET, PCAPNG_BLOCK_HEADROOM, decodeWhole, describeLimit, hex32, maxRecordBytesOption, read16, read32 } from './record.js';
import { PCAPNG_MAGIC } from './pcap.js';

// TextDecoder is a global in browsers and Node ≥ 11; src/ compiles without DOM types.
declare const TextDecoder: new (label?: string) => { decode(input: Uint8Array): string };

/** Block type codes (§4, §11.1). */
export const PCAPNG_BLOCK = {
  SECTION_HEADER: PCAPNG_MAGIC,
  INTERFACE_DESCRIPTION: 0x0000_0001,
  PACKET_OBSOLETE: 0x0000_0002,
  SIMPLE_PACKET: 0x0000_0003,
  NAME_RESOLUTION: 0x0000_0004,
  INTERFACE_STATISTICS: 0x0000_0005,
  ENHANCED_PACKET: 0x0000_0006,
} as const;

/** Generic block framing (§3.1). */
export const BLOCK = { TYPE: 0, TOTAL_LENGTH: 4, BODY: 8, TRAILER_LENGTH: 4, MIN_LENGTH: 12 } as const;
/** Section Header Block (§4.1). */
export const SHB = { BYTE_ORDER_MAGIC: 8, VERSION_MAJOR: 12, VERSION_MINOR: 14, SECTION_LENGTH: 16, OPTIONS: 24, MIN_LENGTH: 28 } as const;
/** Interface Description Block (§4.2). */
export const IDB = { LINKTYPE: 8, RESERVED: 10, SNAPLEN: 12, OPTIONS: 16, MIN_LENGTH: 20 } as const;
/** Enhanced Packet Block (§4.3). */
export const EPB = {
  INTERFACE_ID: 8,
  TIMESTAMP_HIGH: 12,
  TIMESTAMP_LOW: 16,
  CAPTURED_LENGTH: 20,
  ORIGINAL_LENGTH: 24,
  DATA: 28,
  MIN_LENGTH: 32,
} as const;
/** Simple Packet Block (§4.4). */
const SPB = { ORIGINAL_LENGTH: 8, DATA: 12, MIN_LENGTH: 16 } as const;
/** Packet Block, obsolete (Appendix A): like the EPB but with a 16-bit interface id and a drops count. */
const PB = {
  INTERFACE_ID: 8,
  DROPS_COUNT: 10,
  TIMESTAMP_HIGH: 12,
  TIMESTAMP_LOW: 16,
  CAPTURED_LENGTH: 20,
  ORIGINAL_LENGTH: 24,
  DATA: 28,
  MIN_LENGTH: 32,
} as const;
/** Option header (§3.5) and the option codes this module reads or writes. */
export const OPTION = { CODE: 0, LENGTH: 2, VALUE: 4 } as const;
const OPT_ENDOFOPT = 0;
export const OPT_IF_NAME = 2;
export const OPT_IF_TSRESOL = 9;
const OPT_IF_TSOFFSET = 14;

export const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const BYTE_ORDER_MAGIC_SWAPPED = 0x4d3c2b1a;
/** §4.1: major version 1; minor 0 (minor 2 was written by some tools and means the same). */
export const VERSION_MAJOR = 1;
export const VERSION_MINOR = 0;
/** §4.2 if_tsresol default: 10^-6 s. */
export const DEFAULT_TSRESOL = 6;
/** if_tsresol bit 7: the exponent is a power of 2, not of 10. */
const TSRESOL_BINARY = 0x80;

export function pad4(n: number): number {
  return (n + 3) & ~3;
}

function bad(offset: number, message: string): NvgreError {
  return new NvgreError(NvgreErrorCode.BAD_CAPTURE, 'pcapng', offset, message);
}

function blockName(type: number): string {
  switch (type) {
    case PCAPNG_BLOCK.SECTION_HEADER:
      return 'Section Header Block';
    case PCAPNG_BLOCK.INTERFACE_DESCRIPTION:
      return 'Interface Description Block';
    case PCAPNG_BLOCK.ENHANCED_PACKET:
      return 'Enhanced Packet Block';
    case PCAPNG_BLOCK.SIMPLE_PACKET:
      return 'Simple Packet Block';
    case PCAPNG_BLOCK.PACKET_OBSOLETE:
      return 'Packet Block';
    default:
      return `block of type ${hex32(type)}`;
  }
}

/** Ticks per second of an if_tsresol byte (§4.2): 10^v, or 2^v when bit 7 is set. */
export function unitsPerSecond(tsresol: number): bigint {
  const exponent = BigInt(tsresol & ~TSRESOL_BINARY);
  return (tsresol & TSRESOL_BINARY) !== 0 ? 1n << exponent : 10n ** exponent;
}

interface InterfaceState extends CaptureInterface {
  /** Ticks per second as a number when exactly 10^6 or 10^9 (fast path), else 0. */
  fastUnits: number;
  units: bigint;
  /** if_tsoffset: seconds added to every timestamp (§4.2). */
  tsoffset: number;
  /** A packet longer than the snaplen was reported (once per interface). */
  snaplenWarned: boolean;
}

interface Section {
  littleEndian: boolean;
  interfaces: InterfaceState[];
}

export const NANOSECONDS_PER_SECOND = 1_000_000_000n;

/** 2^21: below this high word, high·2^32 + low is exact in a double. */
const EXACT_HIGH_LIMIT = 0x20_0000;

function toTimestamp(high: number, low: number, itf: InterfaceState): CaptureTimestamp {
  if (itf.fastUnits !== 0 && high < EXACT_HIGH_LIMIT) {
    const ticks = high * 0x1_0000_0000 + low;
    const seconds = Math.floor(ticks / itf.fastUnits);
    const fraction = ticks - seconds * itf.fastUnits;
    return { seconds: seconds + itf.tsoffset, nanoseconds: fraction * (1_000_000_000 / itf.fastUnits) };
  }
  const ticks = (BigInt(high) << 32n) | BigInt(low);
  const seconds = ticks / itf.units;
  const scaled = (ticks % itf.units) * NANOSECONDS_PER_SECOND;
  let nanoseconds = scaled / itf.units;
  // A tick no longer than 1 ns (e.g. 2^-20 s) is rounded up to the next whole nanosecond, so that
  // writing the timestamp back at the same resolution (which rounds down) gives the same tick.
  // Sub-nanosecond ticks are truncated.
  if (itf.units <= NANOSECONDS_PER_SECOND && scaled % itf.units !== 0n) nanoseconds += 1n;
  return { seconds: Number(seconds) + itf.tsoffset, nanoseconds: Number(nanoseconds) };
}

/** @internal Decodes a pcapng file block by block. */
export class PcapngDecoder implements CaptureUnitDecoder {
  private section: Section | undefined;
  private firstLittleEndian = true;
  private sectionCount = 0;
  private readonly interfaces: InterfaceState[] = [];
  private readonly warnings: CaptureWarning[] = [];
  private count = 0;
  private readonly maxBlockBytes: number;

  constructor(private readonly maxRecordBytes: number) {
    this.maxBlockBytes = maxRecordBytes + PCAPNG_BLOCK_HEADROOM;
  }

  info(): CaptureInfo | undefined {
    if (this.section === undefined) return undefined;
    const first = this.interfaces[0];
    return {
      format: 'pcapng',
      linkType: first?.linkType ?? LINKTYPE_ETHERNET,
      snaplen: first?.snaplen ?? 0,
      nanosecond: first?.tsresol === 9,
      littleEndian: this.firstLittleEndian,
      interfaces: this.interfaces.map(publicInterface),
      warnings: [...this.warnings],
    };
  }

  /** Byte order of the SHB at `offset` (needs 12 bytes), from its byte-order magic (§4.1). */
  private static shbByteOrder(bytes: Uint8Array, offset: number, fileOffset: number): boolean {
    const magic = read32(bytes, offset + SHB.BYTE_ORDER_MAGIC, false);
    if (magic === BYTE_ORDER_MAGIC) return false;
    if (magic === BYTE_ORDER_MAGIC_SWAPPED) return true;
    throw bad(
      fileOffset + SHB.BYTE_ORDER_MAGIC,
      `Section Header Block at offset ${fileOffset} has byte-order magic ${hex32(magic)} ` +
        `(expected 1a2b3c4d in either byte order)`,
    );
  }

  unitLength(bytes: Uint8Array, offset: number, available: number, fileOffset: number): number {
    if (this.section === undefined && available >= 4) {
      const magic = read32(bytes, offset, false);
      if (magic !== PCAPNG_MAGIC) {
        throw bad(
          fileOffset,
          `the file starts with ${hex32(magic)}, not a pcapng Section Header Block (0a0d0d0a); ` +
            'classic pcap files are read by readPcap() or readCapture()',
        );
      }
    }
    if (available < BLOCK.BODY) return BLOCK.BODY;
    let le: boolean;
    if (read32(bytes, offset + BLOCK.TYPE, false) === PCAPNG_BLOCK.SECTION_HEADER) {
      if (available < SHB.BYTE_ORDER_MAGIC + 4) return SHB.BYTE_ORDER_MAGIC + 4;
      le = PcapngDecoder.shbByteOrder(bytes, offset, fileOffset);
    } else {
      le = this.section!.littleEndian;
    }
    const length = read32(bytes, offset + BLOCK.TOTAL_LENGTH, le);
    const name = blockName(read32(bytes, offset + BLOCK.TYPE, le));
    if (length < BLOCK.MIN_LENGTH || length % 4 !== 0) {
      throw bad(
        fileOffset + BLOCK.TOTAL_LENGTH,
        `${name} at offset ${fileOffset} has total length ${length}; §3.1 requires a multiple of 4, at least ${BLOCK.MIN_LENGTH}`,
      );
    }
    if (length > this.maxBlockBytes) {
      throw bad(
        fileOffset + BLOCK.TOTAL_LENGTH,
        `${name} at offset ${fileOffset} claims ${length} bytes, more than the ` +
          `${describeLimit(this.maxRecordBytes)} record limit (maxRecordBytes) plus ${PCAPNG_BLOCK_HEADROOM} bytes of headroom; the file is corrupt`,
      );
    }
    return length;
  }

  truncatedError(bytes: Uint8Array, offset: number, available: number, fileOffset: number): NvgreError {
    const isSection = available >= 4 && read32(bytes, offset + BLOCK.TYPE, false) === PCAPNG_BLOCK.SECTION_HEADER;
    const headerLength = isSection || this.section === undefined ? SHB.BYTE_ORDER_MAGIC + 4 : BLOCK.BODY;
    if (available < headerLength) {
      const needed = headerLength;
      return new NvgreError(
        NvgreErrorCode.TRUNCATED,
        'pcapng',
        fileOffset,
        `the file ends inside the header of the block at offset ${fileOffset} ` +
          `(${available} of ${needed} bytes present); the capture was cut short`,
        { needed, available },
      );
    }
    let le = this.section?.littleEndian ?? true;
    if (read32(bytes, offset + BLOCK.TYPE, false) === PCAPNG_BLOCK.SECTION_HEADER) {
      le = read32(bytes, offset + SHB.BYTE_ORDER_MAGIC, false) === BYTE_ORDER_MAGIC_SWAPPED;
    }
    const needed = read32(bytes, offset + BLOCK.TOTAL_LENGTH, le);
    const type = read32(bytes, offset + BLOCK.TYPE, le);
    const what = this.isPacketBlock(type) ? ` (record ${this.count + 1})` : '';
    const name = blockName(type);
    return new NvgreError(
      NvgreErrorCode.TRUNCATED,
      'pcapng',
      fileOffset,
      `${name}${what} at offset ${fileOffset} is ${needed} bytes long but only ${available} remain; ` +
        'the capture was cut short',
      { needed, available },
    );
  }

  private isPacketBlock(type: number): boolean {
    return (
      type === PCAPNG_BLOCK.ENHANCED_PACKET ||
      type === PCAPNG_BLOCK.SIMPLE_PACKET ||
      type === PCAPNG_BLOCK.PACKET_OBSOLETE
    );
  }

  decodeUnit(bytes: Uint8Array, offset: number, length: number, fileOffset: number): CaptureRecord | null {
    const rawType = read32(bytes, offset + BLOCK.TYPE, false);
    const le =
      rawType === PCAPNG_BLOCK.SECTION_HEADER
        ? PcapngDecoder.shbByteOrder(bytes, offset, fileOffset)
        : this.section!.littleEndian;
    const type = read32(bytes, offset + BLOCK.TYPE, le);
    const trailer = read32(bytes, offset + length - BLOCK.TRAILER_LENGTH, le);
    if (trailer !== length) {
      throw bad(
        fileOffset + length - BLOCK.TRAILER_LENGTH,
        `${blockName(type)} at offset ${fileOffset}: trailing total length ${trailer} differs from the leading ${length} (§3.1)`,
      );
    }
    switch (type) {
      case PCAPNG_BLOCK.SECTION_HEADER:
        this.readSectionHeader(bytes, offset, length, fileOffset, le);
        return null;
      case PCAPNG_BLOCK.INTERFACE_DESCRIPTION:
        this.readInterface(bytes, offset, length, fileOffset, le);
        return null;
      case PCAPNG_BLOCK.ENHANCED_PACKET:
        return this.readEnhancedPacket(bytes, offset, length, fileOffset, le, EPB, 4);
      case PCAPNG_BLOCK.PACKET_OBSOLETE:
        return this.readEnhancedPacket(bytes, offset, length, fileOffset, le, PB, 2);
      case PCAPNG_BLOCK.SIMPLE_PACKET:
        return this.readSimplePacket(bytes, offset, length, fileOffset, le);
      default:
        // §3.1: a reader skips blocks it does not know by their total length.
        return null;
    }
  }

  private checkMinLength(type: number, length: number, min: number, fileOffset: number): void {
    if (length < min) {
      throw bad(
        fileOffset + BLOCK.TOTAL_LENGTH,
        `${blockName(type)} at offset ${fileOffset} has total length ${length}, less than its minimum of ${min}`,
      );
    }
  }

  private readSectionHeader(bytes: Uint8Array, offset: number, length: number, fileOffset: number, le: boolean): void {
    this.checkMinLength(PCAPNG_BLOCK.SECTION_HEADER, length, SHB.MIN_LENGTH, fileOffset);
    const major = read16(bytes, offset + SHB.VERSION_MAJOR, le);
    if (major !== VERSION_MAJOR) {
      const minor = read16(bytes, offset + SHB.VERSION_MINOR, le);
      throw bad(
        fileOffset + SHB.VERSION_MAJOR,
        `section at offset ${fileOffset} has pcapng version ${major}.${minor}; only major version 1 can be read (§4.1)`,
      );
    }
    // Options are validated but none is needed. Section Length (may be -1) is not needed either:
    // blocks are walked one by one.
    walkOptions(bytes, offset, SHB.OPTIONS, length, fileOffset, le, () => undefined);
    if (this.section === undefined) this.firstLittleEndian = le;
    else this.sectionCount++;
    this.section = { littleEndian: le, interfaces: [] };
  }

  private readInterface(bytes: Uint8Array, offset: number, length: number, fileOffset: number, le: boolean): void {
    this.checkMinLength(PCAPNG_BLOCK.INTERFACE_DESCRIPTION, length, IDB.MIN_LENGTH, fileOffset);
    let tsresol = DEFAULT_TSRESOL;
    let tsoffset = 0;
    let name: string | undefined;
    walkOptions(bytes, offset, IDB.OPTIONS, length, fileOffset, le, (code, valueOffset, valueLength) => {
      const at = fileOffset + valueOffset - offset;
      if (code === OPT_IF_TSRESOL) {
        if (valueLength !== 1) throw bad(at, `if_tsresol option has length ${valueLength}, expected 1 (§4.2)`);
        tsresol = bytes[valueOffset]!;
      } else if (code === OPT_IF_TSOFFSET) {
        if (valueLength !== 8) throw bad(at, `if_tsoffset option has length ${valueLength}, expected 8 (§4.2)`);
        const high = read32(bytes, valueOffset + (le ? 4 : 0), le) | 0; // signed 64-bit (§4.2)
        const low = read32(bytes, valueOffset + (le ? 0 : 4), le);
        tsoffset = high * 0x1_0000_0000 + low;
      } else if (code === OPT_IF_NAME) {
        // UTF-8, not zero-terminated (§4.2); some writers add a NUL anyway, which is dropped.
        name = new TextDecoder('utf-8').decode(bytes.subarray(valueOffset, valueOffset + valueLength)).replace(/\0+$/, '');
      }
    });
    const units = unitsPerSecond(tsresol);
    const itf: InterfaceState = {
      id: this.interfaces.length,
      linkType: read16(bytes, offset + IDB.LINKTYPE, le),
      snaplen: read32(bytes, offset + IDB.SNAPLEN, le),
      tsresol,
      section: this.sectionCount,
      fastUnits: units === 1_000_000n || units === 1_000_000_000n ? Number(units) : 0,
      units,
      tsoffset,
      snaplenWarned: false,
    };
    if (name !== undefined) itf.name = name;
    this.interfaces.push(itf);
    this.section!.interfaces.push(itf);
  }

  private sectionInterface(localId: number, type: number, fileOffset: number): InterfaceState {
    const itf = this.section!.interfaces[localId];
    if (itf === undefined) {
      throw bad(
        fileOffset + BLOCK.BODY,
        `${blockName(type)} (record ${this.count + 1}) at offset ${fileOffset} refers to interface ${localId}, ` +
          `but its section describes ${this.section!.interfaces.length} interface(s) so far (§4.3)`,
      );
    }
    return itf;
  }

  private readEnhancedPacket(
    bytes: Uint8Array,
    offset: number,
    length: number,
    fileOffset: number,
    le: boolean,
    map: typeof EPB | typeof PB,
    idBytes: 2 | 4,
  ): CaptureRecord {
    const type = map === EPB ? PCAPNG_BLOCK.ENHANCED_PACKET : PCAPNG_BLOCK.PACKET_OBSOLETE;
    this.checkMinLength(type, length, map.MIN_LENGTH, fileOffset);
    const localId =
      idBytes === 4 ? read32(bytes, offset + map.INTERFACE_ID, le) : read16(bytes, offset + map.INTERFACE_ID, le);
    const itf = this.sectionInterface(localId, type, fileOffset);
    const capturedLength = read32(bytes, offset + map.CAPTURED_LENGTH, le);
    const room = length - map.MIN_LENGTH;
    if (capturedLength > room || capturedLength > this.maxRecordBytes) {
      throw bad(
        fileOffset + map.CAPTURED_LENGTH,
        `${blockName(type)} (record ${this.count + 1}) at offset ${fileOffset} claims ${capturedLength} captured bytes ` +
          (capturedLength > room
            ? `but the block has room for ${room}`
            : `, more than the ${describeLimit(this.maxRecordBytes)} limit (maxRecordBytes)`),
      );
    }
    // Options after the padded data are not needed; check they fit the block like any other options.
    walkOptions(bytes, offset, map.DATA + pad4(capturedLength), length, fileOffset, le, () => undefined);
    // §4.3: CapLen is at most the interface's SnapLen (0: no limit). Writers that understate it exist
    // and tshark reads their packets in full: so do we, and say so once per interface.
    if (itf.snaplen !== 0 && capturedLength > itf.snaplen && !itf.snaplenWarned) {
      itf.snaplenWarned = true;
      this.warnings.push({
        code: 'SNAPLEN_EXCEEDED',
        interfaceId: itf.id,
        record: this.count,
        fileOffset,
        message:
          `record ${this.count + 1} at offset ${fileOffset} (${blockName(type)}) has ${capturedLength} captured bytes, more than ` +
          `the snaplen of ${itf.snaplen} of interface ${itf.id}; its packets are read in full, as tshark reads them (the writer understated the snaplen)`,
      });
    }
    const data = bytes.subarray(offset + map.DATA, offset + map.DATA + capturedLength);
    const timestamp = toTimestamp(
      read32(bytes, offset + map.TIMESTAMP_HIGH, le),
      read32(bytes, offset + map.TIMESTAMP_LOW, le),
      itf,
    );
    return this.record(itf, timestamp, data, read32(bytes, offset + map.ORIGINAL_LENGTH, le), fileOffset);
  }

  private readSimplePacket(bytes: Uint8Array, offset: number, length: number, fileOffset: number, le: boolean): CaptureRecord {
    const type = PCAPNG_BLOCK.SIMPLE_PACKET;
    this.checkMinLength(type, length, SPB.MIN_LENGTH, fileOffset);
    // §4.4: the SPB belongs to interface 0 of its section; its captured length is
    // min(Original Packet Length, SnapLen), SnapLen 0 meaning no limit.
    const itf = this.sectionInterface(0, type, fileOffset);
    const originalLength = read32(bytes, offset + SPB.ORIGINAL_LENGTH, le);
    const capturedLength = itf.snaplen === 0 ? originalLength : Math.min(originalLength, itf.snaplen);
    const room = length - SPB.MIN_LENGTH;
    if (capturedLength > room || capturedLength > this.maxRecordBytes) {
      throw bad(
        fileOffset + SPB.ORIGINAL_LENGTH,
        `Simple Packet Block (record ${this.count + 1}) at offset ${fileOffset} carries ${capturedLength} captured bytes ` +
          (capturedLength > room
            ? `but the block has room for ${room}`
            : `, more than the ${describeLimit(this.maxRecordBytes)} limit (maxRecordBytes)`),
      );
    }
    const data = bytes.subarray(offset + SPB.DATA, offset + SPB.DATA + capturedLength);
    // An SPB has no timestamp; it is reported as 0.
    return this.record(itf, { seconds: 0, nanoseconds: 0 }, data, originalLength, fileOffset);
  }

  private record(
    itf: InterfaceState,
    timestamp: CaptureTimestamp,
    data: Uint8Array,
    originalLength: number,
    fileOffset: number,
  ): CaptureRecord {
    return {
      index: this.count++,
      interfaceId: itf.id,
      linkType: itf.linkType,
      timestamp,
      capturedLength: data.length,
      originalLength,
      data,
      fileOffset,
    };
  }
}

function publicInterface(itf: InterfaceState): CaptureInterface {
  const out: CaptureInterface = {
    id: itf.id,
    linkType: itf.linkType,
    snaplen: itf.snaplen,
    tsresol: itf.tsresol,
    section: itf.section,
  };
  if (itf.name !== undefined) out.name = itf.name;
  return out;
}

/**
 * Walks the options of the block at `offset` starting `start` bytes into it (§3.5): each is a 2-byte
 * code, a 2-byte length and the value padded to 4 bytes; opt_endofopt or the trailer ends the list.
 * An option running past the block is `BAD_CAPTURE`.
 */
function walkOptions(
  bytes: Uint8Array,
  offset: number,
  start: number,
  length: number,
  fileOffset: number,
  le: boolean,
  visit: (code: number, valueOffset: number, valueLength: number) => void,
): void {
  const end = offset + length - BLOCK.TRAILER_LENGTH;
  let at = offset + start;
  while (at + OPTION.VALUE <= end) {
    const code = read16(bytes, at + OPTION.CODE, le);
    if (code === OPT_ENDOFOPT) return;
    const valueLength = read16(bytes, at + OPTION.LENGTH, le);
    if (at + OPTION.VALUE + valueLength > end) {
      throw bad(
        fileOffset + (at - offset),
        `option ${code} at offset ${fileOffset + (at - offset)} has length ${valueLength}, ` +
          `which runs past the end of the block at offset ${fileOffset} (§3.5)`,
      );
    }
    visit(code, at + OPTION.VALUE, valueLength);
    at += OPTION.VALUE + pad4(valueLength);
  }
}

/**
 * Reads a pcapng file held in memory. Records are zero-copy views into `bytes`; `interfaceId` counts
 * interfaces across sections. Errors (`NvgreError`, layer `pcapng`): `TRUNCATED` when a block runs past
 * the end of the file (offset = the block's offset); `BAD_CAPTURE` for a file not starting with a
 * Section Header Block, a bad byte-order magic or version, a block length that is < 12, not a multiple
 * of 4, beyond the limit or not repeated in the trailer, an option running out of its block, a packet
 * referring to an undescribed interface, or captured data larger than its block. A packet longer
 * than its interface's snaplen is read in full (the block length bounds it) and reported once per
 * interface in `warnings` (`SNAPLEN_EXCEEDED`).
 */
export function readPcapng(bytes: Uint8Array, options?: ReadCaptureOptions): Capture {
  assertBytes(bytes, 'bytes');
  return decodeWhole(new PcapngDecoder(maxRecordBytesOption(options)), bytes);
}
