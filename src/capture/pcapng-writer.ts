/**
 * The pcapng writer (draft-ietf-opsawg-pcapng): a Section Header, one Interface Description per interface
 * (keeping names and timestamp resolutions), Enhanced Packet Blocks with optional comments.
 */
import { assertInt, typedArraySet } from '../wire/bytes.js';
import { type CaptureRecordInput, DEFAULT_SNAPLEN, LINKTYPE_ETHERNET, booleanOption, framesArg, optionsArg, write16, write32 } from './record.js';
import { type NormalizedFrame, normalizeFrame } from './pcap.js';
import { commentBytes, commentOptionsLength, writeCommentOptions } from './pcapng-comments.js';
import { PCAPNG_BLOCK, BLOCK, SHB, IDB, EPB, OPTION, OPT_IF_NAME, OPT_IF_TSRESOL, BYTE_ORDER_MAGIC, VERSION_MAJOR, VERSION_MINOR, DEFAULT_TSRESOL, pad4, unitsPerSecond, NANOSECONDS_PER_SECOND } from './pcapng.js';

// TextEncoder is a global in browsers and Node ≥ 11; src/ compiles without DOM types.
declare const TextEncoder: new () => { encode(input: string): Uint8Array };


export interface PcapngInterfaceOptions {
  /** LINKTYPE_* value, default 1 (Ethernet). */
  linkType?: number;
  /** Default {@link DEFAULT_SNAPLEN}; 0 = no limit. Longer frames are cut to it. */
  snaplen?: number;
  /** Written as `if_name`. */
  name?: string;
  /** The if_tsresol byte: 6 = microseconds (default), 9 = nanoseconds; bit 7 = power of 2. */
  tsresol?: number;
}

export interface PcapngWriteOptions {
  /** Interface Description Blocks, in id order. Default: one Ethernet interface. */
  interfaces?: readonly PcapngInterfaceOptions[];
  /** Default true. */
  littleEndian?: boolean;
}

interface WriterInterface {
  linkType: number;
  snaplen: number;
  tsresol: number;
  units: bigint;
  name: Uint8Array | undefined;
}

function writerInterface(itf: PcapngInterfaceOptions, path: string): WriterInterface {
  optionsArg(itf, path);
  const linkType = itf.linkType ?? LINKTYPE_ETHERNET;
  const snaplen = itf.snaplen ?? DEFAULT_SNAPLEN;
  const tsresol = itf.tsresol ?? DEFAULT_TSRESOL;
  assertInt(linkType, `${path}.linkType`, 0, 0xffff);
  assertInt(snaplen, `${path}.snaplen`, 0, 0xffff_ffff);
  assertInt(tsresol, `${path}.tsresol`, 0, 0xff);
  if (itf.name !== undefined && typeof itf.name !== 'string') {
    throw new TypeError(`${path}.name must be a string`);
  }
  const name = itf.name === undefined ? undefined : new TextEncoder().encode(itf.name);
  if (name !== undefined && name.length > 0xffff) {
    throw new RangeError(`${path}.name is longer than an option can hold (65535 bytes)`);
  }
  return { linkType, snaplen, tsresol, units: unitsPerSecond(tsresol), name };
}

/** 2^64: EPB timestamps are 64-bit tick counts. */
const TICKS_LIMIT = 1n << 64n;

/**
 * Incremental pcapng writer: `header()` (SHB and IDBs) once, then `record(frame)` per frame (an EPB).
 * {@link writePcapng} is the one-shot form.
 */
export class PcapngWriter {
  readonly littleEndian: boolean;
  private readonly interfaces: WriterInterface[];
  private count = 0;

  constructor(options: PcapngWriteOptions = {}) {
    optionsArg(options);
    booleanOption(options.littleEndian, 'options.littleEndian');
    this.littleEndian = options.littleEndian ?? true;
    const given = options.interfaces ?? [{}];
    if (!Array.isArray(given) || given.length === 0) {
      throw new RangeError('options.interfaces must be a non-empty array');
    }
    this.interfaces = given.map((itf: PcapngInterfaceOptions, i: number) => writerInterface(itf, `options.interfaces[${i}]`));
  }

  /**
   * Describes one more interface (its id is the number of interfaces described before it) and returns
   * its Interface Description Block, to be written after {@link header} and before the first frame
   * that uses it — for output that learns its interfaces while it is written.
   */
  addInterface(itf: PcapngInterfaceOptions = {}): Uint8Array {
    const added = writerInterface(itf, 'interface');
    this.interfaces.push(added);
    return this.interfaceBlock(added);
  }

  /** Interfaces described so far (header and {@link addInterface}). */
  get interfaceCount(): number {
    return this.interfaces.length;
  }

  /** Section Header Block followed by one Interface Description Block per interface. */
  header(): Uint8Array {
    const idbs = this.interfaces.map((itf) => this.interfaceBlock(itf));
    const out = new Uint8Array(SHB.MIN_LENGTH + idbs.reduce((n, b) => n + b.length, 0));
    const le = this.littleEndian;
    write32(out, BLOCK.TYPE, PCAPNG_BLOCK.SECTION_HEADER, le);
    write32(out, BLOCK.TOTAL_LENGTH, SHB.MIN_LENGTH, le);
    write32(out, SHB.BYTE_ORDER_MAGIC, BYTE_ORDER_MAGIC, le);
    write16(out, SHB.VERSION_MAJOR, VERSION_MAJOR, le);
    write16(out, SHB.VERSION_MINOR, VERSION_MINOR, le);
    // Section Length -1: not specified (§4.1), so the output can be streamed.
    out.fill(0xff, SHB.SECTION_LENGTH, SHB.SECTION_LENGTH + 8);
    write32(out, SHB.MIN_LENGTH - BLOCK.TRAILER_LENGTH, SHB.MIN_LENGTH, le);
    let at = SHB.MIN_LENGTH;
    for (const idb of idbs) {
      out.set(idb, at);
      at += idb.length;
    }
    return out;
  }

  private interfaceBlock(itf: WriterInterface): Uint8Array {
    const le = this.littleEndian;
    const options: Array<[number, Uint8Array]> = [];
    if (itf.name !== undefined) options.push([OPT_IF_NAME, itf.name]);
    if (itf.tsresol !== DEFAULT_TSRESOL) options.push([OPT_IF_TSRESOL, Uint8Array.of(itf.tsresol)]);
    let optionBytes = 0;
    for (const [, value] of options) optionBytes += OPTION.VALUE + pad4(value.length);
    if (options.length > 0) optionBytes += OPTION.VALUE; // opt_endofopt
    const length = IDB.MIN_LENGTH + optionBytes;
    const out = new Uint8Array(length);
    write32(out, BLOCK.TYPE, PCAPNG_BLOCK.INTERFACE_DESCRIPTION, le);
    write32(out, BLOCK.TOTAL_LENGTH, length, le);
    write16(out, IDB.LINKTYPE, itf.linkType, le);
    write32(out, IDB.SNAPLEN, itf.snaplen, le);
    let at = IDB.OPTIONS;
    for (const [code, value] of options) {
      write16(out, at + OPTION.CODE, code, le);
      write16(out, at + OPTION.LENGTH, value.length, le);
      out.set(value, at + OPTION.VALUE);
      at += OPTION.VALUE + pad4(value.length);
    }
    // opt_endofopt is four zero bytes, already there.
    write32(out, length - BLOCK.TRAILER_LENGTH, length, le);
    return out;
  }

  private capturedLength(f: NormalizedFrame): number {
    const itf = this.interfaceOf(f);
    return itf.snaplen === 0 ? f.data.length : Math.min(f.data.length, itf.snaplen);
  }

  private interfaceOf(f: NormalizedFrame): WriterInterface {
    const itf = this.interfaces[f.interfaceId];
    if (itf === undefined) {
      throw new RangeError(
        `frames[${this.count}].interfaceId is ${f.interfaceId} but only ${this.interfaces.length} interface(s) are defined`,
      );
    }
    return itf;
  }

  /** One Enhanced Packet Block. The default timestamp counts frames written so far. */
  record(frame: Uint8Array | CaptureRecordInput): Uint8Array {
    const f = normalizeFrame(frame, this.count);
    const out = new Uint8Array(this.lengthOf(f));
    this.writeInto(f, out, 0);
    return out;
  }

  /** @internal Bytes writeInto will write for `f`. */
  lengthOf(f: NormalizedFrame): number {
    return EPB.MIN_LENGTH + pad4(this.capturedLength(f)) + commentOptionsLength(commentBytes(f.comments, `frames[${this.count}].comments`));
  }

  /** @internal Writes an EPB for a normalized frame at `offset`; returns the bytes written. */
  writeInto(f: NormalizedFrame, target: Uint8Array, offset: number): number {
    const le = this.littleEndian;
    const itf = this.interfaceOf(f);
    const captured = this.capturedLength(f);
    const comments = commentBytes(f.comments, `frames[${this.count}].comments`);
    const length = EPB.MIN_LENGTH + pad4(captured) + commentOptionsLength(comments);
    const { seconds, nanoseconds } = f.timestamp;
    const ticks = BigInt(seconds) * itf.units + (BigInt(nanoseconds) * itf.units) / NANOSECONDS_PER_SECOND;
    if (ticks >= TICKS_LIMIT) {
      throw new RangeError(`frames[${this.count}].timestamp does not fit a 64-bit pcapng timestamp`);
    }
    const o = offset;
    write32(target, o + BLOCK.TYPE, PCAPNG_BLOCK.ENHANCED_PACKET, le);
    write32(target, o + BLOCK.TOTAL_LENGTH, length, le);
    write32(target, o + EPB.INTERFACE_ID, f.interfaceId, le);
    write32(target, o + EPB.TIMESTAMP_HIGH, Number(ticks >> 32n), le);
    write32(target, o + EPB.TIMESTAMP_LOW, Number(ticks & 0xffff_ffffn), le);
    write32(target, o + EPB.CAPTURED_LENGTH, captured, le);
    write32(target, o + EPB.ORIGINAL_LENGTH, f.originalLength, le);
    typedArraySet.call(target, captured === f.data.length ? f.data : f.data.subarray(0, captured), o + EPB.DATA);
    target.fill(0, o + EPB.DATA + captured, o + EPB.DATA + pad4(captured)); // §3.1 padding
    writeCommentOptions(target, o + EPB.DATA + pad4(captured), comments, le);
    write32(target, o + length - BLOCK.TRAILER_LENGTH, length, le);
    this.count++;
    return length;
  }
}

/**
 * Writes a pcapng file: one section, the given interfaces, one Enhanced Packet Block per frame.
 * Frames are bytes or {@link CaptureRecordInput}s (a read capture's records included); frames without
 * a timestamp get `defaultTimestamp(position)`, timestamps are rounded down to the interface's
 * resolution, frames longer than their interface's snaplen are cut to it. An EPB timestamp is one
 * tick count, so a classic pcap record's fraction of one second or more (`nanoseconds` ≥ 1e9, see
 * `CaptureTimestamp`) is written as the same instant, its whole seconds carried.
 */
export function writePcapng(
  frames: Iterable<Uint8Array | CaptureRecordInput>,
  options?: PcapngWriteOptions,
): Uint8Array {
  const writer = new PcapngWriter(options);
  framesArg(frames);
  const normalized = Array.from(frames, normalizeFrame);
  const header = writer.header();
  let total = header.length;
  for (const f of normalized) total += writer.lengthOf(f);
  const out = new Uint8Array(total);
  out.set(header, 0);
  let offset = header.length;
  for (const f of normalized) offset += writer.writeInto(f, out, offset);
  return out;
}
