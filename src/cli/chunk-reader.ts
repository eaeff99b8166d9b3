/**
 * Reading a classic pcap file in chunks of whole records for `--jobs` (jobs.ts): a reader of one byte
 * range (the whole file, or one span of it), and the record walk that finds where spans start.
 * A record is its 16-byte header (caplen at +8, in the file's byte order) and caplen bytes.
 */
import { readSync } from 'node:fs';

/** A chunk buffer the coordinator fills and a worker reads. */
export interface Slot {
  buffer: ArrayBuffer;
  bytes: Uint8Array;
}

export function newSlot(size: number): Slot {
  return slotOf(new ArrayBuffer(size));
}

export function slotOf(buffer: ArrayBuffer): Slot {
  return { buffer, bytes: new Uint8Array(buffer) };
}

/** The caplen of the record header at `o`. */
function caplenAt(b: Uint8Array, o: number, le: boolean): number {
  return le
    ? (b[o + 8]! | (b[o + 9]! << 8) | (b[o + 10]! << 16) | (b[o + 11]! << 24)) >>> 0
    : ((b[o + 8]! << 24) | (b[o + 9]! << 16) | (b[o + 10]! << 8) | b[o + 11]!) >>> 0;
}

/** Bytes of whole records at the start of `b` (up to `end`), and how many records. */
export function wholeRecords(b: Uint8Array, end: number, le: boolean): { bytes: number; records: number } {
  let o = 0;
  let records = 0;
  while (o + 16 <= end) {
    const caplen = caplenAt(b, o, le);
    if (o + 16 + caplen > end) break;
    o += 16 + caplen;
    records++;
  }
  return { bytes: o, records };
}

/** A chunk read: `length` bytes of whole records (the last chunk of the file: whatever is left) in `slot`. */
export interface Chunk {
  readonly length: number;
  /** The number of the chunk's first record in the file (1-based). */
  readonly firstFrame: number;
  /** Where the chunk's first byte is in the file. */
  readonly fileOffset: number;
  /** Whole records in it. */
  readonly records: number;
  /** False for the range's last chunk. */
  readonly more: boolean;
}

/**
 * Reads the file from `start` to `end` in chunks of about `chunkBytes`, each cut at its last whole
 * record. `end` is a record boundary, or the file's size when `toEof`: then the rest of the file goes in
 * the last chunk as it is (whole or not: the worker reports a cut record as the one-thread reader does).
 */
export class ChunkReader {
  private position: number;
  private carry = new Uint8Array(0);
  private firstFrame: number;
  private chunkStart: number;
  private done = false;

  constructor(
    private readonly fd: number,
    private readonly le: boolean,
    start: number,
    private readonly end: number,
    firstFrame: number,
    private readonly chunkBytes: number,
  ) {
    this.position = start;
    this.chunkStart = start;
    this.firstFrame = firstFrame;
  }

  /** True once the range's last chunk was read. */
  get finished(): boolean {
    return this.done;
  }

  /** The next chunk, read into `slot` (grown for a record longer than a chunk), or null after the last. */
  next(slot: Slot): Chunk | null {
    if (this.done) return null;
    for (;;) {
      const want = Math.max(this.chunkBytes, 2 * this.carry.length);
      if (slot.bytes.length < want) Object.assign(slot, newSlot(want)); // a record longer than a block
      const buf = slot.bytes.subarray(0, want);
      buf.set(this.carry, 0);
      let filled = this.carry.length;
      const got = readFully(this.fd, buf, filled, this.position, Math.min(want - filled, this.end - this.position));
      this.position += got;
      filled += got;
      const whole = wholeRecords(buf, filled, this.le);
      let take = whole.bytes;
      if (this.position >= this.end || filled < want) {
        // The end of the range: the rest goes as it is.
        take = filled;
        this.done = true;
        this.carry = new Uint8Array(0);
      } else if (take === 0) {
        this.carry = buf.slice(0, filled); // a record longer than the block: read on with a larger one
        continue;
      } else {
        this.carry = buf.slice(take, filled);
      }
      const chunk = { length: take, firstFrame: this.firstFrame, fileOffset: this.chunkStart, records: whole.records, more: !this.done };
      this.firstFrame += whole.records;
      this.chunkStart += take;
      return chunk;
    }
  }
}

/** Where a span of the file starts: a record boundary, and the number of the record there. */
export interface SpanStart {
  readonly offset: number;
  readonly firstFrame: number;
}

/**
 * Up to `spans` spans of about equal size: the first record boundary at or after each k/spans of the
 * records' bytes, found by walking the record headers from the start (one read of the file before
 * the last span; about 0.1 s per 500 MB from the page cache). A record that runs past the end of the
 * file stops the walk: the spans found so far, the last of them taking the rest.
 */
export function findSpans(fd: number, size: number, le: boolean, spans: number, blockBytes: number): SpanStart[] {
  const starts: SpanStart[] = [{ offset: 24, firstFrame: 1 }];
  const targets: number[] = [];
  for (let k = 1; k < spans; k++) targets.push(24 + Math.floor(((size - 24) * k) / spans));
  const block = new Uint8Array(Math.max(blockBytes, 16));
  let position = 24; // of the next record header
  let frame = 1;
  let t = 0;
  while (t < targets.length && position + 16 <= size) {
    const got = readFully(fd, block, 0, position, Math.min(block.length, size - position));
    if (got < 16) break;
    let o = 0;
    while (o + 16 <= got) {
      for (; t < targets.length && position + o >= targets[t]!; t++) {
        if (position + o > starts[starts.length - 1]!.offset) starts.push({ offset: position + o, firstFrame: frame });
      }
      if (t >= targets.length) return starts;
      const next = o + 16 + caplenAt(block, o, le);
      if (position + next > size) return starts; // a record cut short (or a damaged length): the last span reads on
      if (next > got) break; // the record runs past this block: the next block starts at its header
      o = next;
      frame++;
    }
    if (o === 0) {
      // A record longer than the block: stepped over by its length.
      position += 16 + caplenAt(block, 0, le);
      frame++;
    } else {
      position += o;
    }
  }
  return starts;
}

/** Reads `n` bytes at file offset `at` into `b` from `into` on (fewer at the end of the file); returns how many. */
function readFully(fd: number, b: Uint8Array, into: number, at: number, n: number): number {
  let filled = 0;
  while (filled < n) {
    const got = readSync(fd, b, into + filled, n - filled, at + filled);
    if (got === 0) break;
    filled += got;
  }
  return filled;
}
