/**
 * File and terminal I/O of the CLI (the only place that uses Node APIs):
 * - {@link readRecords}: streams a pcap/pcapng file chunk by chunk through the library's stream parser
 *   (a multi-GB capture never sits in memory) and hands the records of each chunk to a callback;
 * - {@link Output}: batched stdout writes that respect backpressure;
 * - {@link Progress}: a progress line on stderr when it is a terminal.
 * Capture output (`-w`) is in capture-output.ts.
 */
import { closeSync, createReadStream, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { Socket } from 'node:net';
import { CaptureStreamParser, type CaptureInfo, type CaptureRecord } from '../index.js';
import { CaptureReadError, captureError } from './errors.js';
import { coordinate, parallelReadable, workerJob, type WorkerJob } from './jobs.js';
import { coordinateSpans } from './jobs-spans.js';
import { warm } from './chunk-reader.js';

/**
 * Read size. Small enough that the records of one chunk die young (a 1 MiB chunk holds ~8000 small
 * records whose objects then survive scavenges and get promoted: GC dominated the profile), large
 * enough to amortise the per-chunk work. The parser itself keeps only one unfinished record.
 */
const CHUNK_BYTES = 1 << 16;

export interface ReadOptions {
  /** Asked after each chunk: true stops reading (-c, --frames), with no error for what follows. */
  readonly stop?: () => boolean;
  /** Told what the capture is (format, interfaces) after each chunk, before its records are handed over. */
  readonly onInfo?: (info: CaptureInfo | undefined) => void;
  /**
   * `--jobs N`: worker threads run `command argv` on chunks of the file when it qualifies (jobs.ts);
   * the command must then keep its counters in a jobCounters object and decide frame by frame.
   */
  readonly parallel?: Parallel | undefined;
}

/** How a command reads with `--jobs N` (jobs.ts). */
export interface Parallel {
  readonly jobs: number;
  readonly command: string;
  readonly argv: readonly string[];
  /**
   * For a command whose state runs through the capture (the doctor): each thread (the main thread and
   * the workers) reads one span of the file as one run of the command (jobs-spans.ts coordinateSpans), and
   * the state each leaves comes here in the file's order. False refuses it (a tracking cap):
   * {@link onRefused} is called, and the file is read on one thread. Without it, chunks go to whichever
   * thread is free (jobs.ts coordinate).
   */
  readonly onState?: (state: unknown) => boolean;
  /** Called before the one-thread read that follows a refused state: the command starts over. */
  readonly onRefused?: () => void;
}

/** The reader's own failure (not the callback's), as the error that --keep-partial answers. */
function readError(file: string, e: unknown, record?: number): CaptureReadError {
  const c = captureError(file, e, record);
  return new CaptureReadError(c.message, c.exitCode);
}

/**
 * Reads `file` (`-` = stdin) record by record. `onRecords` gets the records completed by each chunk
 * (their `data` stays valid only until it returns or its promise settles: copy what you keep).
 * Errors of the capture format become one-sentence data errors (CaptureReadError) naming the file,
 * record and offset. An inconsistency the reader reads past (records longer than the snaplen) is one
 * warning line on stderr, once per file.
 */
export async function readRecords(
  file: string,
  onRecords: (records: CaptureRecord[]) => void | Promise<void>,
  progress?: Progress,
  options: ReadOptions = {},
): Promise<void> {
  const job = workerJob();
  if (job !== undefined) return readChunk(file, job, onRecords, progress?.label);
  const p = options.parallel;
  if (p !== undefined && parallelReadable(file, p.jobs)) {
    if (progress) progress.total = statSync(file).size;
    await flushOutputs(); // lines the command wrote before reading come before the workers' output
    let complete = true;
    try {
      const onProgress = (bytes: number, frames: number) => {
        if (progress) {
          progress.frames = frames;
          progress.update(bytes);
        }
      };
      if (p.onState !== undefined) complete = await coordinateSpans(file, p.jobs, p.command, p.argv, onProgress, p.onState);
      else await coordinate(file, p.jobs, p.command, p.argv, onProgress);
    } finally {
      if (complete) progress?.done();
    }
    if (complete) return;
    p.onRefused?.(); // and read below, on this thread
    if (progress) progress.frames = 0;
  }
  const stream = file === '-' ? (stdinIsFile() ? fileChunks(STDIN) : process.stdin) : fileChunks(file);
  const parser = new CaptureStreamParser();
  if (progress && file !== '-') {
    try {
      progress.total = statSync(file).size;
    } catch {
      // the read below reports the problem
    }
  }
  let warned = false;
  let stopped = false;
  try {
    for await (const chunk of stream as AsyncIterable<Uint8Array>) {
      let records: CaptureRecord[];
      try {
        // A plain Uint8Array view: its subarrays (one per record) are cheaper than Buffer slices.
        records = parser.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      } catch (e) {
        throw readError(file, e, parser.recordsDecoded + 1);
      }
      if (!warned && records.length > 0) warned = warnOnce(file, parser, progress);
      options.onInfo?.(parser.info);
      if (records.length > 0) {
        const pending = onRecords(records);
        if (pending) await pending;
      }
      progress?.update(parser.bytesConsumed);
      if (options.stop?.() === true) {
        stopped = true;
        break;
      }
    }
    if (!stopped) {
      try {
        parser.end();
      } catch (e) {
        throw readError(file, e, parser.recordsDecoded + 1);
      }
      options.onInfo?.(parser.info);
    }
  } catch (e) {
    if (e instanceof CaptureReadError) throw e;
    const c = captureError(file, e);
    // A failure to read the file itself (no such file, a directory) is the reader's too.
    throw (e as NodeJS.ErrnoException)?.code !== undefined && typeof (e as NodeJS.ErrnoException).code === 'string' ? new CaptureReadError(c.message, c.exitCode) : c;
  } finally {
    progress?.done();
  }
}

/**
 * The file's bytes in reads of {@link CHUNK_BYTES}, each in a fresh buffer (records are views of it).
 * A regular file is read synchronously: a read of 64 KB from the page cache takes microseconds, where
 * each read of a read stream cost an event-loop turn and a thread-pool hop, and the thread sat idle
 * waiting for them (paired runs on 400,000 frames: decode 1.2x, checksum --verify 1.13x, doctor 1.2x
 * faster read this way). Every {@link TURN_EVERY} reads the loop yields a turn, so that a signal
 * handler (`-w` removes its unfinished file on Ctrl-C) and pending writes still run. Anything else (a
 * named pipe, a device) can keep a read waiting for its writer, so it is read as a stream: the thread
 * stays free for signals meanwhile.
 */
async function* fileChunks(file: string | typeof STDIN): AsyncGenerator<Uint8Array> {
  const fd = file === STDIN ? 0 : openSync(file, 'r');
  const st = fstatSync(fd);
  if (!st.isFile()) {
    // A pipe through the event loop, as standard input is read: a read stream's read waits in the
    // thread pool, and a process cannot exit (Ctrl-C) while one waits there for a quiet writer.
    const source = st.isFIFO() || st.isSocket() ? new Socket({ fd, readable: true, writable: false }) : createReadStream('', { fd, highWaterMark: CHUNK_BYTES });
    yield* source as AsyncIterable<Uint8Array>; // each closes fd at its end
    return;
  }
  try {
    for (let reads = 1; ; reads++) {
      const buffer = Buffer.allocUnsafeSlow(CHUNK_BYTES); // every byte read is overwritten: no zero fill
      const n = readSync(fd, buffer, 0, CHUNK_BYTES, null);
      if (n === 0) return;
      yield n === CHUNK_BYTES ? buffer : buffer.subarray(0, n);
      if (reads % TURN_EVERY === 0) await new Promise(setImmediate);
    }
  } finally {
    if (fd !== 0) closeSync(fd);
  }
}

/** Standard input (`-`) redirected from a file (`nvgre decode - < big.pcap`): read as a file is, from where it stands. */
const STDIN = Symbol('stdin');

function stdinIsFile(): boolean {
  try {
    return fstatSync(0).isFile();
  } catch {
    return false;
  }
}

/** Reads between two event-loop turns of {@link fileChunks} (4 MiB). */
const TURN_EVERY = 64;

/** A worker's chunk (jobs.ts): the file header and whole records, numbered from the chunk's first frame. */
async function readChunk(file: string, job: WorkerJob, onRecords: (records: CaptureRecord[]) => void | Promise<void>, label: string | undefined): Promise<void> {
  // A span (coordinateSpans) comes chunk after chunk; a chunk alone is a span of one.
  for (;;) {
    const parser = new CaptureStreamParser();
    const base = job.firstFrame - 1;
    // The parser numbers records and offsets within header + chunk: the file's numbers say where.
    const inFile = (e: unknown): CaptureReadError => {
      const c = readError(file, e, parser.recordsDecoded + 1);
      const message = c.message
        .replace(/\brecord (\d+)/, (_, r: string) => `record ${Number(r) + base}`)
        .replace(/\boffset (\d+)/, (_, o: string) => `offset ${Number(o) - 24 + job.fileOffset}`);
      return new CaptureReadError(message, c.exitCode);
    };
    parser.push(job.header);
    // In reads of CHUNK_BYTES, as from a file: the records of one read die young (see CHUNK_BYTES).
    for (let at = 0; at < job.bytes.length; at += CHUNK_BYTES) {
      let records: CaptureRecord[];
      const to = Math.min(job.bytes.length, at + CHUNK_BYTES);
      warm(job.bytes, at, to);
      try {
        records = parser.push(job.bytes.subarray(at, to));
      } catch (e) {
        throw inFile(e);
      }
      if (job.warning === undefined) {
        const warning = parser.info?.warnings[0];
        if (warning !== undefined) job.warning = `nvgre${label ? ` ${label}` : ''}: warning: ${file}: ${warning.message}.\n`;
      }
      if (records.length > 0) await onRecords(records);
    }
    try {
      parser.end();
    } catch (e) {
      throw inFile(e);
    }
    if (!job.more) break;
    await job.nextChunk();
  }
  // What the command writes from here on (its closing line) is the coordinator's. (After an error the
  // command's lines before it still count: runChunk takes the output then.)
  endChunkOutput(job);
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
// stdout

/** Pending bytes are written once this many have gathered (and at every flush). */
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

/**
 * Lines not yet written, encoded as they come into one buffer per thread (every Output of the thread
 * shares it, so lines leave in the order they were given). Lines used to be joined into one string
 * and encoded per write: V8 flattened the joined text into a fresh large object and the encoder
 * allocated fresh bytes for it, new memory every 64 KB whose page faults took a quarter of
 * `decode --json`'s time (measured: 306,000 page faults for 790 MB of JSON).
 */
let pending = Buffer.allocUnsafeSlow(4 * FLUSH_AT);
let pendingUsed = 0;
/** `Uint8Array.prototype.set`, called through this reference: `pending.set(…)` looks the method up through a generic property-load stub on every call (as src/wire/bytes.ts explains). */
const typedArraySet = Uint8Array.prototype.set;
/** Pieces up to this many bytes are copied by a loop in {@link Output.bytes}. */
const SHORT_PIECE = 16;

/** The pending buffer's size now (it grows for a long line; test/cli/output.test.ts writes up to its end). */
export function outputCapacity(): number {
  return pending.length;
}

/**
 * The thread's own pending buffer while a chunk of `--jobs` runs (jobs.ts runChunk), or null: the
 * chunk's lines are then written straight into its output slot, which goes back to the coordinator
 * as it is. They used to be written here and copied into the slot every 64 KB, a second copy of every
 * byte `decode --json` prints (3 GB for the 1 GB capture).
 */
let ownPending: typeof pending | null = null;

/** A chunk begins: what the command writes goes into `out` (its output slot), grown as needed. */
export function beginChunkOutput(out: ArrayBuffer): void {
  spill();
  ownPending = pending;
  pending = Buffer.from(out);
  pendingUsed = 0;
}

/**
 * The chunk's reading ended (or failed): its output is what was written so far, in `job.output`'s
 * first `job.outputLength` bytes. What the command writes after it (its closing line) goes to the
 * thread's own buffer again, and is dropped there: it is the coordinator's to write.
 */
export function endChunkOutput(job: WorkerJob): void {
  if (ownPending === null) return;
  job.output = pending;
  job.outputLength = pendingUsed;
  pending = ownPending;
  ownPending = null;
  pendingUsed = 0;
}

/** Hands the pending bytes to stdout; returns false if stdout asks to wait. A chunk's output stays where it is written ({@link beginChunkOutput}). */
function spill(): boolean {
  if (pendingUsed === 0 || ownPending !== null) return true;
  const n = pendingUsed;
  pendingUsed = 0;
  // On a chunk of --jobs, after its reading ended: the closing line is the coordinator's to write.
  if (workerJob() !== undefined) return true;
  if (stdoutClosed) return true;
  const ok = process.stdout.write(pending.subarray(0, n));
  // A pipe that was full keeps the bytes queued (by reference): they are the stream's now.
  if (process.stdout.writableLength > 0) pending = Buffer.allocUnsafeSlow(pending.length);
  return ok;
}

/** Room for `n` more bytes after the pending ones: those are handed on first, and the buffer grows for a larger piece (a chunk's output slot grows with its bytes kept). */
function makeRoom(n: number): void {
  if (ownPending !== null) {
    // A new ArrayBuffer of its own (allocUnsafeSlow's may not be transferable): it goes back to the coordinator.
    const grown = Buffer.from(new ArrayBuffer(Math.max(2 * pending.length, pendingUsed + n, FLUSH_AT)));
    typedArraySet.call(grown, pending.subarray(0, pendingUsed), 0);
    pending = grown;
    return;
  }
  spill();
  if (n > pending.length) pending = Buffer.allocUnsafeSlow(n);
}

/** Writes the lines not yet written (before an error is reported: the frames before the damage still print). */
export async function flushOutputs(): Promise<void> {
  if (!spill()) await once(process.stdout, 'drain');
}

/** Lines batched into large writes; `await maybeFlush()` between batches respects backpressure. */
export class Output {
  constructor() {
    guardStdout();
  }

  line(s: string): void {
    // At most 3 bytes per UTF-16 unit, and the newline.
    const most = 3 * s.length + 1;
    if (pendingUsed + most > pending.length) {
      // A long line (doctor --json's report): room for its exact length, not three times it.
      makeRoom(most > pending.length ? Buffer.byteLength(s) + 1 : most);
    }
    pendingUsed += pending.write(s, pendingUsed);
    pending[pendingUsed++] = 0x0a;
  }

  /**
   * Appends bytes already encoded (a piece of a line, or pieces ending in a newline). With
   * {@link decimal}, the per-frame lines of `checksum --verify` are written from cached pieces with
   * no string in between: building and encoding each line as a string took two fifths of the
   * command's time (1 GB, one thread: 1.5-1.9 s with the lines, 0.9-1.0 s without them).
   */
  bytes(b: Uint8Array): void {
    const n = b.length;
    if (pendingUsed + n > pending.length) makeRoom(n);
    if (n <= SHORT_PIECE) {
      // Member names and separators: a loop costs less than calling the built-in.
      const to = pending;
      const at = pendingUsed;
      for (let i = 0; i < n; i++) to[at + i] = b[i]!;
    } else {
      typedArraySet.call(pending, b, pendingUsed);
    }
    pendingUsed += n;
  }

  /**
   * Appends `s` as UTF-8, no newline: a piece of a line (with {@link bytes} and {@link decimal}, the
   * Output is the JsonSink `decode --json` writes each frame's fields into). Short ASCII, byte by byte:
   * Buffer's write is a call into the runtime (decode --json on 258 MB, alternated: 6.48 s with every
   * piece through it, 6.08 s so).
   */
  text(s: string): void {
    const most = 3 * s.length;
    if (pendingUsed + most > pending.length) makeRoom(most > pending.length ? Buffer.byteLength(s) : most);
    const n = s.length;
    if (n <= 64) {
      let at = pendingUsed;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        pending[at++] = c;
      }
      if (i === n) {
        pendingUsed = at;
        return;
      }
    }
    pendingUsed += pending.write(s, pendingUsed);
  }

  /** Appends the decimal digits of `n`, a whole number from 0 to 2^53 - 1, after spaces up to `width` (at most 16) characters, as padStart would. */
  decimal(n: number, width = 0): void {
    if (pendingUsed + 16 > pending.length) makeRoom(16);
    let digits = 1;
    for (let t = n; t >= 10; t = Math.floor(t / 10)) digits++;
    for (let k = digits; k < width; k++) pending[pendingUsed++] = 0x20;
    let at = pendingUsed + digits;
    pendingUsed = at;
    for (let t = n; ; ) {
      const q = Math.floor(t / 10);
      pending[--at] = 0x30 + (t - 10 * q);
      if (q === 0) break;
      t = q;
    }
  }

  async maybeFlush(): Promise<void> {
    if (pendingUsed >= FLUSH_AT) await this.flush();
  }

  flush(): Promise<void> {
    return flushOutputs();
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
