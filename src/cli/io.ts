/**
 * File and terminal I/O of the CLI (the only place that uses Node APIs):
 * - {@link readRecords}: streams a pcap/pcapng file chunk by chunk through the library's stream parser
 *   (a multi-GB capture never sits in memory) and hands the records of each chunk to a callback;
 * - {@link CaptureOutput}: writes a classic pcap file atomically (a temporary file in the same
 *   directory, renamed at the end), so a failure never leaves a half-written capture behind;
 * - {@link Output}: batched stdout writes that respect backpressure;
 * - {@link Progress}: a progress line on stderr when it is a terminal.
 */
import { closeSync, createReadStream, fsyncSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { once } from 'node:events';
import { basename, dirname, join } from 'node:path';
import { CaptureStreamParser, PcapWriter, defaultTimestamp, type CaptureRecord } from '../index.js';
import { captureError, dataError } from './errors.js';

/**
 * Read size. Small enough that the records of one chunk die young (a 1 MiB chunk holds ~8000 small
 * records whose objects then survive scavenges and get promoted: GC dominated the profile), large
 * enough to amortise the per-chunk work. The parser itself keeps only one unfinished record.
 */
const CHUNK_BYTES = 1 << 16;
/** Output buffer of an atomic file. */
const WRITE_BUFFER_BYTES = 1 << 20;

/**
 * Reads `file` (`-` = stdin) record by record. `onRecords` gets the records completed by each chunk
 * (their `data` stays valid only until it returns or its promise settles: copy what you keep).
 * Errors of the capture format become one-sentence data errors naming the file, record and offset.
 * An inconsistency the reader reads past (records longer than the snaplen) is one warning line on
 * stderr, once per file.
 */
export async function readRecords(
  file: string,
  onRecords: (records: CaptureRecord[]) => void | Promise<void>,
  progress?: Progress,
): Promise<void> {
  const stream = file === '-' ? process.stdin : createReadStream(file, { highWaterMark: CHUNK_BYTES });
  const parser = new CaptureStreamParser();
  if (progress && file !== '-') {
    try {
      progress.total = statSync(file).size;
    } catch {
      // the read below reports the problem
    }
  }
  let warned = false;
  try {
    for await (const chunk of stream as AsyncIterable<Uint8Array>) {
      let records: CaptureRecord[];
      try {
        // A plain Uint8Array view: its subarrays (one per record) are cheaper than Buffer slices.
        records = parser.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      } catch (e) {
        throw captureError(file, e, parser.recordsDecoded + 1);
      }
      if (!warned && records.length > 0) warned = warnOnce(file, parser, progress);
      if (records.length > 0) {
        const pending = onRecords(records);
        if (pending) await pending;
      }
      progress?.update(parser.bytesConsumed);
    }
    try {
      parser.end();
    } catch (e) {
      throw captureError(file, e, parser.recordsDecoded + 1);
    }
  } catch (e) {
    if (stream !== process.stdin) (stream as ReturnType<typeof createReadStream>).destroy();
    throw captureError(file, e);
  } finally {
    progress?.done();
  }
}

/** Prints the capture's first warning on stderr, if it has one yet; returns whether it did. */
function warnOnce(file: string, parser: CaptureStreamParser, progress?: Progress): boolean {
  const warning = parser.info?.warnings[0];
  if (warning === undefined) return false;
  progress?.done(); // clear a progress line first
  process.stderr.write(`nvgre${progress ? ` ${progress.label}` : ''}: warning: ${file}: ${warning.message}.\n`);
  return true;
}

// ---------------------------------------------------------------------------------------------
// Atomic output

const openTemps = new Set<AtomicFile>();
let cleanupInstalled = false;

function installCleanup(): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.on('exit', () => {
    for (const f of openTemps) f.abort();
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      for (const f of openTemps) f.abort();
      process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
    });
  }
}

/** A file written under a temporary name in the target's directory and renamed into place by `commit()`. */
export class AtomicFile {
  readonly tempPath: string;
  private fd: number;
  private buffer = new Uint8Array(WRITE_BUFFER_BYTES);
  private used = 0;
  private closed = false;
  written = 0;

  constructor(readonly path: string) {
    this.tempPath = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now().toString(36)}.tmp`);
    try {
      this.fd = openSync(this.tempPath, 'wx', 0o644);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      const why = err.code === 'ENOENT' ? 'its directory does not exist' : err.code === 'EACCES' ? 'permission denied' : err.message;
      throw dataError(`${path}: cannot create the output file (${why}).`);
    }
    openTemps.add(this);
    installCleanup();
  }

  /** Reserves `n` bytes in the write buffer and lets `fill` write them at `(target, offset)`; returns bytes written. */
  reserve(n: number, fill: (target: Uint8Array, offset: number) => number): number {
    if (n > this.buffer.length - this.used) {
      this.flush();
      if (n > this.buffer.length) this.buffer = new Uint8Array(n);
    }
    const w = fill(this.buffer, this.used);
    this.used += w;
    this.written += w;
    return w;
  }

  write(bytes: Uint8Array): void {
    this.reserve(bytes.length, (t, o) => {
      t.set(bytes, o);
      return bytes.length;
    });
  }

  private flush(): void {
    let at = 0;
    while (at < this.used) at += writeSync(this.fd, this.buffer, at, this.used - at);
    this.used = 0;
  }

  /** Writes what is buffered, closes, and renames over `path`. */
  commit(): void {
    try {
      this.flush();
      fsyncSync(this.fd); // the data is on disk before the name points at it
      closeSync(this.fd);
      this.closed = true;
      renameSync(this.tempPath, this.path);
    } catch (e) {
      this.abort();
      throw dataError(`${this.path}: cannot write the output file (${(e as Error).message}).`);
    }
    openTemps.delete(this);
  }

  /** Discards the temporary file (idempotent). */
  abort(): void {
    if (!this.closed) {
      try {
        closeSync(this.fd);
      } catch {
        // already closed
      }
      this.closed = true;
    }
    try {
      unlinkSync(this.tempPath);
    } catch {
      // already gone
    }
    openTemps.delete(this);
  }
}

/** A classic pcap file written atomically, frame by frame (bytes go straight into the write buffer). */
export class CaptureOutput {
  private readonly file: AtomicFile;
  private readonly writer: PcapWriter;
  frames = 0;

  constructor(readonly path: string, snaplen = 262_144) {
    this.file = new AtomicFile(path);
    this.writer = new PcapWriter({ snaplen });
    this.file.write(this.writer.header());
  }

  /** Appends one frame; keeps the timestamp (and wire length) of `from` when given. */
  add(data: Uint8Array, from?: CaptureRecord, originalLength = data.length): void {
    if (from !== undefined) {
      // pcapng timestamps are 64-bit (and if_tsoffset may make them negative); classic pcap has 32-bit
      // seconds. The fraction is not checked here: a pcap fraction of one second or more is written
      // back as read (PcapWriter), and the readers give nothing the microsecond field cannot hold.
      const { seconds, nanoseconds } = from.timestamp;
      if (!(Number.isInteger(seconds) && seconds >= 0 && seconds <= 0xffffffff)) {
        throw new RangeError(
          `record ${from.index + 1} at offset ${from.fileOffset}: its timestamp (${seconds} s + ${nanoseconds} ns) does not fit the 32-bit seconds of a pcap file, so ${this.path} cannot hold it`,
        );
      }
    }
    // The record as PcapWriter.writeInto takes it (what its `record` builds after checking a caller's input;
    // here the bytes and the timestamp come from this program and the readers).
    const f =
      from === undefined
        ? { data, timestamp: defaultTimestamp(this.frames), originalLength: data.length, interfaceId: 0 }
        : { data, timestamp: from.timestamp, originalLength: Math.max(originalLength, data.length), interfaceId: 0 };
    this.file.reserve(this.writer.recordLength(data), (t, o) => this.writer.writeInto(f, t, o));
    this.frames++;
  }

  get bytes(): number {
    return this.file.written;
  }

  commit(): void {
    this.file.commit();
  }

  abort(): void {
    this.file.abort();
  }
}

/** Runs `body` with an output capture; the file appears only if `body` completes. */
export async function withCaptureOutput<T>(file: string, body: (out: CaptureOutput) => Promise<T>): Promise<T> {
  const out = new CaptureOutput(file);
  try {
    const result = await body(out);
    out.commit();
    return result;
  } catch (e) {
    out.abort();
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// stdout

const FLUSH_AT = 1 << 16;

let stdoutClosed = false;
let stdoutGuard = false;

function guardStdout(): void {
  if (stdoutGuard) return;
  stdoutGuard = true;
  // `nvgre decode big.pcap | head`: a closed pipe ends the output quietly.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') {
      stdoutClosed = true;
      process.exit(0);
    }
    throw e;
  });
}

/** Outputs with unwritten lines, flushed before an error is reported (the frames before the damage still print). */
const openOutputs = new Set<Output>();

export async function flushOutputs(): Promise<void> {
  for (const out of openOutputs) await out.flush();
}

/** Lines batched into large writes; `await maybeFlush()` between batches respects backpressure. */
export class Output {
  private buf = '';

  constructor() {
    guardStdout();
    openOutputs.add(this);
  }

  line(s: string): void {
    this.buf += s + '\n';
  }

  async maybeFlush(): Promise<void> {
    if (this.buf.length >= FLUSH_AT) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.buf === '' || stdoutClosed) return;
    const s = this.buf;
    this.buf = '';
    if (!process.stdout.write(s)) await once(process.stdout, 'drain');
  }
}

// ---------------------------------------------------------------------------------------------
// Progress

/** "decode: 1,234,567 frames, 412 MB of 1.2 GB (34%)" on stderr, at most 5 times a second, only on a TTY. */
export class Progress {
  total = 0;
  frames = 0;
  private last = 0;
  private shown = false;
  private readonly enabled: boolean;

  /** `label`: the command name, which starts progress and warning lines. */
  constructor(readonly label: string) {
    this.enabled = process.stderr.isTTY === true && process.env.NVGRE_NO_PROGRESS === undefined;
  }

  update(bytes: number): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.last < 200) return;
    if (this.last === 0) {
      this.last = now; // first call: wait one interval, so short runs print nothing
      return;
    }
    this.last = now;
    const mb = (n: number) => (n / 1e6).toFixed(n < 1e7 ? 1 : 0) + ' MB';
    const pct = this.total > 0 ? ` of ${mb(this.total)} (${Math.floor((bytes / this.total) * 100)}%)` : '';
    process.stderr.write(`\r${this.label}: ${this.frames.toLocaleString('en-US')} frames, ${mb(bytes)}${pct}\x1b[K`);
    this.shown = true;
  }

  done(): void {
    if (this.shown) process.stderr.write('\r\x1b[K');
    this.shown = false;
  }
}
