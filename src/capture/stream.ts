/**
 * Format detection and streaming. `readCapture` reads a pcap or pcapng file held in memory;
 * `CaptureStreamParser` / `readCaptureStream` read one chunk at a time, so a multi-gigabyte capture
 * never sits in memory: only the bytes of one unfinished record are ever buffered (bounded by
 * `maxRecordBytes`), and buffers grow with the bytes received, never with a length the file claims.
 *
 * Record lifetime: a streamed record's `data` is a zero-copy view into the chunk that carried it, or
 * into a buffer owned by that record alone when the record spanned chunks. It stays valid as long as
 * the chunk's memory is not reused. Sources that reuse one buffer for every read (a BYOB reader, a
 * pooled socket reader) must copy each record with `copyRecord` before the next chunk is read.
 */
import { assertBytes } from '../wire/bytes.js';
import { NvgreError, NvgreErrorCode } from '../wire/errors.js';
import { type Capture, type CaptureInfo, type CaptureRecord, type CaptureUnitDecoder, type ReadCaptureOptions, hex32, maxRecordBytesOption } from './record.js';
import { PcapDecoder, detectCaptureFormat, readPcap } from './pcap.js';
import { PcapngDecoder, readPcapng } from './pcapng.js';

/** Bytes needed to tell the formats apart (the magic number / SHB block type). */
const MAGIC_LENGTH = 4;

function unknownFormat(bytes: Uint8Array, offset: number): NvgreError {
  const magic = ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>> 0;
  return new NvgreError(
    NvgreErrorCode.BAD_CAPTURE,
    'capture',
    0,
    `the file starts with ${hex32(magic)}, which is neither pcap (a1b2c3d4 or a1b23c4d, either byte order) ` +
      'nor pcapng (0a0d0d0a)',
  );
}

function tooShortToIdentify(available: number): NvgreError {
  return new NvgreError(
    NvgreErrorCode.TRUNCATED,
    'capture',
    0,
    `a capture file starts with a ${MAGIC_LENGTH}-byte magic number but only ${available} bytes are present`,
    { needed: MAGIC_LENGTH, available },
  );
}

/**
 * Reads a pcap or pcapng file held in memory, chosen by its first 4 bytes. Same errors as
 * `readPcap` / `readPcapng`, plus `TRUNCATED` (layer `capture`) below 4 bytes and `BAD_CAPTURE` for
 * an unknown magic number.
 */
export function readCapture(bytes: Uint8Array, options?: ReadCaptureOptions): Capture {
  assertBytes(bytes, 'bytes');
  if (bytes.length < MAGIC_LENGTH) throw tooShortToIdentify(bytes.length);
  switch (detectCaptureFormat(bytes)) {
    case 'pcap':
      return readPcap(bytes, options);
    case 'pcapng':
      return readPcapng(bytes, options);
    default:
      throw unknownFormat(bytes, 0);
  }
}

const EMPTY = new Uint8Array(0);

/**
 * Incremental capture parser: `push` each chunk as it arrives and get the records it completed;
 * call `end()` after the last chunk. See the module comment for how long `record.data` stays valid.
 * After an error every further call throws the same error.
 */
export class CaptureStreamParser {
  private readonly maxRecordBytes: number;
  private decoder: CaptureUnitDecoder | undefined;
  /** The unfinished unit: `pending[0, pendingLength)`, starting at file offset `unitOffset`. */
  private pending: Uint8Array = EMPTY;
  private pendingLength = 0;
  private unitOffset = 0;
  private failure: unknown;
  private ended = false;
  private decoded = 0;

  constructor(options?: ReadCaptureOptions) {
    this.maxRecordBytes = maxRecordBytesOption(options);
  }

  /**
   * Capture metadata once the file header (pcap) or the first section header (pcapng) is read. Its
   * `warnings` grow as records are decoded: a warning appears with the record that causes it.
   */
  get info(): CaptureInfo | undefined {
    return this.decoder?.info();
  }

  /** Total bytes pushed that have been decoded (the file offset of the next unit). */
  get bytesConsumed(): number {
    return this.unitOffset;
  }

  /** Records decoded so far (after an error: the failing record is number `recordsDecoded + 1`). */
  get recordsDecoded(): number {
    return this.decoded;
  }

  /**
   * Feeds the next chunk; returns the records completed by it, in file order. When the chunk holds a
   * corrupt record, the good records before it are returned first and the next `push()` or `end()`
   * throws the error (so a reader shows every frame up to the damage, then the reason).
   */
  push(chunk: Uint8Array): CaptureRecord[] {
    assertBytes(chunk, 'chunk');
    if (this.failure !== undefined) throw this.failure;
    if (this.ended) throw new TypeError('CaptureStreamParser.push() called after end()');
    const records: CaptureRecord[] = [];
    try {
      this.consume(chunk, records);
    } catch (error) {
      this.failure = error;
      if (records.length === 0) throw error;
    }
    return records;
  }

  /** Declares the end of the input. Throws `TRUNCATED` when a partial unit (or nothing at all) remains. */
  end(): void {
    if (this.failure !== undefined) throw this.failure;
    this.ended = true;
    if (this.pendingLength === 0 && this.decoder !== undefined && this.decoder.info() !== undefined) return;
    const error =
      this.decoder === undefined
        ? tooShortToIdentify(this.pendingLength)
        : this.decoder.truncatedError(this.pending, 0, this.pendingLength, this.unitOffset);
    this.failure = error;
    throw error;
  }

  /** Length of the unit at `offset` (a lower bound while its header is incomplete). */
  private unitLength(bytes: Uint8Array, offset: number, available: number): number {
    if (this.decoder === undefined) {
      if (available < MAGIC_LENGTH) return MAGIC_LENGTH;
      const format = detectCaptureFormat(bytes.subarray(offset, offset + MAGIC_LENGTH));
      if (format === undefined) throw unknownFormat(bytes, offset);
      this.decoder = format === 'pcap' ? new PcapDecoder(this.maxRecordBytes) : new PcapngDecoder(this.maxRecordBytes);
    }
    return this.decoder.unitLength(bytes, offset, available, this.unitOffset);
  }

  private decode(bytes: Uint8Array, offset: number, length: number, records: CaptureRecord[]): void {
    const record = this.decoder!.decodeUnit(bytes, offset, length, this.unitOffset);
    if (record !== null) {
      records.push(record);
      this.decoded++;
    }
    this.unitOffset += length;
  }

  private consume(chunk: Uint8Array, records: CaptureRecord[]): void {
    let at = 0;
    // 1. Complete the unit left over from earlier chunks, taking only the bytes it needs.
    while (this.pendingLength > 0 && at < chunk.length) {
      const need = this.unitLength(this.pending, 0, this.pendingLength);
      const take = Math.min(need - this.pendingLength, chunk.length - at);
      this.append(chunk.subarray(at, at + take), need);
      at += take;
      if (this.pendingLength === need && this.unitLength(this.pending, 0, need) === need) {
        // The unit is whole. Its buffer now belongs to the record (if any): start a fresh one.
        const unit = this.pending;
        this.pending = EMPTY;
        this.pendingLength = 0;
        this.decode(unit, 0, need, records);
      }
    }
    // 2. Decode whole units straight from the chunk (zero-copy); keep a copy of a partial tail.
    while (at < chunk.length) {
      const available = chunk.length - at;
      const length = this.unitLength(chunk, at, available);
      if (length > available) {
        this.append(chunk.subarray(at), length);
        break;
      }
      this.decode(chunk, at, length, records);
      at += length;
    }
  }

  /** Appends to the pending unit, growing its buffer geometrically but never beyond `need`. */
  private append(bytes: Uint8Array, need: number): void {
    const required = this.pendingLength + bytes.length;
    if (required > this.pending.length) {
      const grown = new Uint8Array(Math.min(need, Math.max(required, this.pending.length * 2)));
      grown.set(this.pending.subarray(0, this.pendingLength));
      this.pending = grown;
    }
    this.pending.set(bytes, this.pendingLength);
    this.pendingLength = required;
  }
}

/** The part of a WHATWG `ReadableStream<Uint8Array>` used here (for runtimes where it is not async-iterable). */
export interface ByteStreamLike {
  getReader(): {
    read(): Promise<{ done: boolean; value?: Uint8Array | undefined }>;
    releaseLock(): void;
  };
}

export type CaptureChunkSource = AsyncIterable<Uint8Array> | Iterable<Uint8Array> | ByteStreamLike;

async function* chunksOf(source: CaptureChunkSource): AsyncGenerator<Uint8Array> {
  if (typeof source === 'object' && source !== null && Symbol.asyncIterator in source) {
    yield* source;
  } else if (typeof source === 'object' && source !== null && Symbol.iterator in source) {
    yield* source;
  } else if (typeof source === 'object' && source !== null && typeof (source as ByteStreamLike).getReader === 'function') {
    const reader = (source as ByteStreamLike).getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        if (value !== undefined) yield value;
      }
    } finally {
      reader.releaseLock();
    }
  } else {
    throw new TypeError('source must be an (async) iterable of Uint8Array chunks or a ReadableStream');
  }
}

/**
 * Yields the records of a pcap or pcapng file read chunk by chunk (e.g. a Node `fs.createReadStream`,
 * a `fetch` body, a `Blob.stream()`), holding at most one unfinished record in memory. Throws like
 * `readCapture`; a capture cut short throws `TRUNCATED` after its last whole record was yielded.
 * See the module comment for how long `record.data` stays valid.
 */
export async function* readCaptureStream(
  source: CaptureChunkSource,
  options?: ReadCaptureOptions,
): AsyncGenerator<CaptureRecord, void, undefined> {
  const parser = new CaptureStreamParser(options);
  for await (const chunk of chunksOf(source)) {
    yield* parser.push(chunk);
  }
  parser.end();
}
