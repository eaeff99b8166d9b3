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

/** Where a walk of record headers stopped: the first record not wholly in the bytes walked, and how many were. */
interface Walk {
  bytes: number;
  records: number;
}

/**
 * Walks on from `walk` (a record boundary) over the records that lie wholly within `b[0…end)`,
 * advancing it. Called again as more bytes land behind `end`, it goes on where it stopped: the walk
 * of a chunk read in pieces ends where one walk of the whole chunk would.
 */
function walkRecords(b: Uint8Array, walk: Walk, end: number, le: boolean): void {
  let o = walk.bytes;
  let records = walk.records;
  while (o + 16 <= end) {
    const caplen = caplenAt(b, o, le);
    if (o + 16 + caplen > end) break;
    o += 16 + caplen;
    records++;
  }
  walk.bytes = o;
  walk.records = records;
}

/**
 * How much of a chunk is read at a time, its record headers walked as soon as each piece lands. A
 * header read right after its piece was copied in is still in the core's cache; walked after the
 * whole 4 MiB chunk, most of them are not, and each costs a miss the next one waits on (the walk's
 * reads depend on each other). On the 2-core AMD host: 10 ns per record in pieces of 256 KiB, 24-38
 * ns after reads of 4 MiB (bench: --jobs, docs/cli.md "All cores").
 */
const PIECE_BYTES = 256 << 10;

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
    /** Bytes per read within a chunk ({@link PIECE_BYTES}; smaller in tests). */
    private readonly pieceBytes = PIECE_BYTES,
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
      const whole: Walk = { bytes: 0, records: 0 }; // the carry is walked with the first piece
      const limit = filled + Math.min(want - filled, this.end - this.position);
      while (filled < limit) {
        const n = Math.min(this.pieceBytes, limit - filled);
        const got = readFully(this.fd, buf, filled, this.position, n);
        this.position += got;
        filled += got;
        walkRecords(buf, whole, filled, this.le);
        if (got < n) break; // the end of the file
      }
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

/** What {@link warm} read, kept so that its reads are not optimised away. */
let warmed = 0;

/**
 * Reads one byte of every 64 in `bytes[from…to)` before a worker parses them. A chunk reaches its
 * worker cold: another thread read it, on another core, 4 MiB earlier. The parser's walk from one
 * record header to the next waits on each miss in turn; these reads do not depend on each other, so
 * the core fetches many lines at once (the parser, perf on the 2-core AMD host: 467 samples cold, 61
 * after this pass, which took 93; docs/cli.md "All cores").
 */
export function warm(bytes: Uint8Array, from: number, to: number): void {
  let x = 0;
  for (let i = from; i < to; i += 64) x += bytes[i]!;
  warmed = (warmed + x) | 0;
}
