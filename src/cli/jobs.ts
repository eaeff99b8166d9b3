/**
 * `--jobs N`: a large classic pcap read by several threads (docs/cli.md "All cores").
 *
 * The main thread (the coordinator) reads the file in blocks, cuts each block at its last whole
 * record, and hands the chunk (its bytes, the file header, the number of its first frame) to a worker,
 * or runs it itself when every worker has two: `--jobs N` is this thread and N − 1 workers. A worker
 * (or the main thread, for its chunks) runs the same command with the same arguments on the chunk:
 * `readRecords` there reads the chunk instead of the file, frame numbers continue from the chunk's
 * first, and the lines the command writes while reading are returned as bytes instead of printed. The
 * coordinator writes the chunks' output in the input's order, and adds up the counters each command
 * keeps in a {@link jobCounters} object (frame number: the highest), so the closing line and the exit
 * status come out as with one thread. A command with state across frames either reads one span of the
 * file per thread and has the spans' states merged in order (jobs-spans.ts: the doctor), or stays on
 * one thread (-c, --frames, reassembly, a policy), as does standard input, pcapng and a file below
 * {@link minBytes}.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import os from 'node:os';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { ChunkReader, newSlot, slotOf, type Chunk, type Slot } from './chunk-reader.js';
import { EXIT, usageError } from './errors.js';
import { beginChunkOutput, endChunkOutput, flushOutputs } from './io.js';

/** What a worker is given for one chunk. */
export interface ChunkTask {
  readonly id: number;
  readonly header: Uint8Array;
  /** The chunk is the first `length` bytes of this buffer (a {@link Slot}'s, transferred: the worker owns it until it answers). */
  readonly input: ArrayBuffer;
  readonly length: number;
  readonly firstFrame: number;
  /** Where the chunk's first byte is in the file. */
  readonly fileOffset: number;
  /** Where the worker writes the chunk's output (transferred, and back with the answer; reused once written). */
  readonly out: ArrayBuffer;
  /** A span's chunk with more of the span to come: the command goes on reading (readSpanHere). */
  readonly more?: boolean;
}

/**
 * What a worker is given for a span (jobs-spans.ts): it reads the span itself, chunk after chunk,
 * through the coordinator's file descriptor (threads share the process's; every read names its
 * position), and answers once, at the span's end, after a {@link SpanProgress} per chunk.
 */
export interface SpanTask {
  readonly id: number;
  readonly header: Uint8Array;
  readonly fd: number;
  /** The span: from a record boundary to the next span's start (the last: the file's size). */
  readonly start: number;
  readonly end: number;
  readonly firstFrame: number;
  readonly chunkBytes: number;
}

/** A worker's note that it read a chunk of its span (for the coordinator's progress line). */
export interface SpanProgress {
  readonly progress: true;
  readonly bytes: number;
  readonly records: number;
}

/** What a worker returns for one chunk. */
export interface ChunkResult {
  readonly id: number;
  /** The task's input buffer, handed back. */
  readonly input: ArrayBuffer;
  /** The chunk's output: the first `outputLength` bytes of `out` (the task's, or a larger one if it did not fit). */
  readonly out: ArrayBuffer;
  readonly outputLength: number;
  readonly counters: Record<string, number>;
  readonly warning: string | undefined;
  /** The command's error (a malformed record) as it would print it, and its exit status. */
  readonly error: { readonly text: string; readonly exitCode: number } | undefined;
  /** What the command left for the coordinator to merge (the doctor's part), copied by postMessage. */
  readonly state: unknown;
}

/** The worker side: set while a worker runs a command on a chunk. */
export interface WorkerJob {
  readonly header: Uint8Array;
  bytes: Uint8Array;
  firstFrame: number;
  fileOffset: number;
  /** More chunks of this span follow: read them with {@link WorkerJob.nextChunk} (readSpanHere). */
  more: boolean;
  /** Reads the span's next chunk into `bytes` (firstFrame, fileOffset, more change with it). */
  nextChunk: () => Promise<void>;
  /** Output written while reading (the first `outputLength` bytes), set when reading ends (io.ts endChunkOutput); the closing line after it is the coordinator's. */
  output: Uint8Array;
  outputLength: number;
  counters: Record<string, number> | undefined;
  warning: string | undefined;
  /** Set by a command whose state the coordinator merges chunk by chunk (the doctor's part). */
  state: unknown;
}

let job: WorkerJob | undefined;

/** The chunk this worker thread is running a command on, or undefined on the main thread. */
export function workerJob(): WorkerJob | undefined {
  return job;
}

/**
 * Detaches a throwaway buffer, once per thread, before the thread's hot code is optimized. V8 compiles
 * typed-array reads without a detached-buffer check for as long as no buffer of the isolate was ever
 * detached (its ArrayBufferDetaching protector); the first transfer by postMessage detaches one, and every
 * optimized function that reads a typed array is then thrown away and compiled again. On a worker that
 * happened when it handed its first chunk back: each worker ran its next chunks in unoptimized code and
 * compiled its hot code twice (decode --jobs 2 on 1.6 million frames: 494 optimizations, 353 with this).
 * Alternated runs on 258 MB: decode 1.38 → 1.25 s, checksum --verify 0.66 → 0.59 s, doctor 1.15 → 1.06 s;
 * on 1 GB the doctor 3.47 → 2.83 s, decode and checksum --verify within this host's noise.
 */
export function detachOnce(): void {
  if (detached) return;
  detached = true;
  const b = new ArrayBuffer(8);
  structuredClone(b, { transfer: [b] });
}
let detached = false;

/** The counters of the running command, merged by the coordinator after reading. */
let coordinatorCounters: Record<string, number> | undefined;

/**
 * A command's counters: frame number `n` and whatever its closing line counts. On a worker `n` starts
 * at the frame before the chunk's first; on the coordinator the object receives the workers' totals.
 */
export function jobCounters<T extends { n: number } & Record<string, number>>(initial: T): T {
  const c = { ...initial };
  if (job !== undefined) {
    c.n = job.firstFrame - 1;
    job.counters = c;
  } else {
    coordinatorCounters = c;
  }
  return c;
}

/**
 * `--jobs N`. The default is the number of cores where a frame costs enough to pay for the
 * coordination (`heavy`: decode --json, -V, -x), and for the one-line summary and the doctor only on
 * a file of at least {@link LARGE_FILE} bytes: below it the workers' start and their own compilation
 * of the hot code cost about what the second core saves (measured on 2 cores, 258 MB: 0.95-1.1x;
 * 1 GB: decode 1.26-1.5x; docs/cli.md "All cores"). checksum --verify does not ask (one thread unless
 * --jobs is given: 0.93-1.31x on 1 GB with two workers, 1.07-1.22x with the main thread and one).
 */
export function jobsOption(value: string | undefined, heavy = true, file?: string): number {
  if (value === undefined) {
    const all = heavy || (file !== undefined && (regularFileSize(file) ?? 0) >= LARGE_FILE);
    return all ? (typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length) : 1;
  }
  if (!/^[1-9][0-9]{0,2}$/.test(value)) throw usageError(`--jobs must be a whole number from 1 to 999, got "${value}".`);
  return Number(value);
}

/** From this size on (512 MiB) the cheap commands read with all cores by default. */
export const LARGE_FILE = 512 << 20;

/** A regular file's size; null for standard input, a pipe, a device or a missing file (the reader reports that). */
function regularFileSize(file: string): number | null {
  if (file === '-') return null;
  try {
    const st = statSync(file);
    return st.isFile() ? st.size : null;
  } catch {
    return null;
  }
}

/** Files below this many bytes are read on one thread (starting workers costs more). */
function minBytes(): number {
  const v = Number(process.env.NVGRE_JOBS_MIN_BYTES);
  return Number.isFinite(v) && v >= 0 ? v : 8 << 20;
}

/** Bytes per chunk (tests make it small so that small captures split into many chunks). */
export function chunkBytes(): number {
  const v = Number(process.env.NVGRE_JOBS_CHUNK_BYTES);
  return Number.isFinite(v) && v >= 64 ? v : 4 << 20;
}

/** Chunks sent to a worker before it answers: one it works on, the next waiting (the main thread may be busy with a chunk of its own when it answers). */
const IN_FLIGHT = 2;

/** Chunks issued per reading thread and not yet written out. */
const WINDOW_PER_THREAD = 3;

/** A classic pcap's byte order, or null for anything else (pcapng, stdin, too short). */
export function pcapLittleEndian(header: Uint8Array): boolean | null {
  if (header.length < 24) return null;
  const m = (header[0]! << 24) | (header[1]! << 16) | (header[2]! << 8) | header[3]!;
  if (m === (0xa1b2c3d4 | 0) || m === (0xa1b23c4d | 0)) return false;
  if (m === (0xd4c3b2a1 | 0) || m === (0x4d3cb2a1 | 0)) return true;
  return null;
}

/** Whether `file` is read by workers: a regular classic-pcap file of at least minBytes, jobs > 1. */
export function parallelReadable(file: string, jobs: number): boolean {
  if (jobs <= 1 || !isMainThread) return false;
  const size = regularFileSize(file);
  if (size === null || size < minBytes()) return false;
  try {
    const fd = openSync(file, 'r');
    try {
      const header = new Uint8Array(24);
      return readSync(fd, header, 0, 24, 0) === 24 && pcapLittleEndian(header) !== null;
    } finally {
      closeSync(fd);
    }
  } catch {
    return false; // the one-thread reader reports the problem
  }
}

/**
 * Reads `file` with `jobs` threads running `command argv` chunk by chunk, this one and `jobs` − 1
 * workers; writes their output in order and leaves the merged counters in the command's
 * {@link jobCounters} object. A chunk's error throws a {@link ChunkError} worded as the one-thread
 * reader would print it.
 *
 * Each worker is sent two chunks, one to work on and the next waiting in it, and this thread runs a
 * chunk itself whenever every worker has its two; it takes the workers' answers between its chunks
 * (a chunk takes milliseconds). On 2 cores that is one worker where there were two: one engine less
 * to start, warm up and collect (decode of 1 GB, alternated: 3.20 → 2.94 s, CPU time 5.89 → 5.36 s).
 */
export async function coordinate(file: string, jobs: number, command: string, argv: readonly string[], onProgress: (bytes: number, frames: number) => void): Promise<void> {
  const counters = coordinatorCounters;
  coordinatorCounters = undefined;
  const run = chunkRunner();
  detachOnce(); // before the reader's walk is optimized: the slots are transferred
  const fd = openSync(file, 'r');
  const size = statSync(file).size;
  const header = new Uint8Array(24);
  readSync(fd, header, 0, 24, 0);
  const le = pcapLittleEndian(header)!;
  const CHUNK = chunkBytes();
  // Slots reused chunk after chunk: a fresh 4 MiB array per chunk cost more than the checks of its
  // frames (the kernel zero-fills and maps its pages as the read touches them, and V8 counts each as
  // external memory, which brings on full collections): reading and cutting a 258 MB capture took
  // 0.40 s in fresh arrays and 0.05 s in reused ones. A slot's buffer is transferred to the worker
  // and back with its answer, so handing it over copies nothing (a SharedArrayBuffer did the same,
  // but V8 copies into and out of shared memory byte-safely, several times slower than memcpy).
  // Three slots per thread: two in each worker (one it works on, one waiting), one this thread works
  // on, and the rest read ahead while the threads work, so that a worker that answers gets its next
  // chunk at once (it used to wait for the read).
  const freeSlots: Slot[] = [];
  for (let k = 0; k < (IN_FLIGHT + 1) * jobs; k++) freeSlots.push(newSlot(CHUNK));
  // Output slots: a worker writes a chunk's output into one; free again once written to stdout.
  const freeOut: ArrayBuffer[] = [];
  const draining: ArrayBuffer[] = [];
  const reader = new ChunkReader(fd, le, 24, size, 1, CHUNK);
  let nextId = 0;
  let eof = false;
  /** The next chunk to hand out, in `slot`: the whole records of the next block, or the file's rest (whole or not). */
  const nextChunk = (slot: Slot): Omit<ChunkTask, 'out'> | null => {
    const chunk = reader.next(slot);
    eof = reader.finished;
    if (chunk === null) return null;
    return { id: nextId++, header, input: slot.buffer, length: chunk.length, firstFrame: chunk.firstFrame, fileOffset: chunk.fileOffset };
  };

  const workers: Worker[] = [];
  const results = new Map<number, ChunkResult>();
  let written = 0;
  let issued = 0;
  let framesDone = 0;
  let bytesDone = 24;
  let failure: number | undefined;
  let errorText = '';
  let warned = false;
  let onMain = 0;
  const merged: Record<string, number> = {};
  const url = new URL(import.meta.url);
  try {
    await new Promise<void>((resolve, reject) => {
      /** Chunks sent to each worker and not answered yet. */
      const inFlight = new Map<Worker, number>();
      const ready: Omit<ChunkTask, 'out'>[] = [];
      let waitingForDrain = false;
      /** The main thread is running a chunk of its own. */
      let busy = false;
      /** A turn of this thread is asked for, to run a chunk here after the waiting answers ({@link runHereSoon}). */
      let hereQueued = false;
      let settled = false;
      const finishIfDone = () => {
        let active = 0;
        for (const n of inFlight.values()) active += n;
        if (!settled && !busy && !hereQueued && active === 0 && (failure !== undefined || (eof && ready.length === 0 && !waitingForDrain))) {
          settled = true;
          resolve();
        }
      };
      const flushInOrder = () => {
        for (let r = results.get(written); r !== undefined && failure === undefined && !waitingForDrain; r = results.get(written)) {
          results.delete(written);
          written++;
          if (r.warning !== undefined && !warned) {
            warned = true;
            process.stderr.write(r.warning);
          }
          if (r.outputLength > 0) {
            const more = process.stdout.write(new Uint8Array(r.out, 0, r.outputLength));
            if (process.stdout.writableLength === 0) {
              freeOut.push(r.out);
            } else if (!more) {
              // A slow reader (a pipe): the stream holds the slot's bytes until it drains, and the
              // workers wait with it rather than pile up output in memory.
              draining.push(r.out);
              waitingForDrain = true;
              process.stdout.once('drain', () => {
                waitingForDrain = false;
                freeOut.push(...draining.splice(0));
                flushInOrder();
                feed();
              });
            } // else the stream keeps these bytes queued; the slot is left to it
          } else {
            freeOut.push(r.out);
          }
          for (const [k, v] of Object.entries(r.counters)) merged[k] = k === 'n' ? Math.max(merged[k] ?? 0, v) : (merged[k] ?? 0) + v;
          framesDone = Math.max(framesDone, r.counters.n ?? 0);
          if (r.error !== undefined) failure = r.error.exitCode;
          if (r.error !== undefined) errorText = r.error.text;
        }
        onProgress(bytesDone, framesDone);
      };
      const accept = (r: ChunkResult) => {
        freeSlots.push(slotOf(r.input));
        results.set(r.id, r);
        flushInOrder();
      };
      /** Whether another chunk may be issued: at most {@link WINDOW_PER_THREAD} per thread wait for their turn to be written. */
      const mayIssue = () => failure === undefined && !waitingForDrain && ready.length > 0 && issued - written < WINDOW_PER_THREAD * jobs;
      const issue = (): ChunkTask => {
        const task: ChunkTask = { ...ready.shift()!, out: freeOut.pop() ?? new ArrayBuffer(CHUNK) };
        issued++;
        bytesDone += task.length;
        return task;
      };
      /** Hands read chunks to the workers, up to {@link IN_FLIGHT} each (the next waits in the worker while it works on one). */
      const dispatch = () => {
        for (let depth = 1; depth <= IN_FLIGHT; depth++) {
          for (const w of workers) {
            if (!mayIssue()) return;
            if (inFlight.get(w)! >= depth) continue;
            const task = issue();
            inFlight.set(w, inFlight.get(w)! + 1);
            w.postMessage(task, [task.input, task.out]);
          }
        }
      };
      /**
       * Runs the next chunk on this thread when every worker has its fill. A chunk takes milliseconds
       * and a worker has the next one queued meanwhile; the workers' answers are taken in between.
       */
      const runHere = () => {
        if (settled || busy || !mayIssue()) return;
        for (const n of inFlight.values()) if (n < IN_FLIGHT) return;
        busy = true;
        const task = issue();
        onMain++;
        runChunk(run, command, argv, task, async () => undefined).then(
          (r) => {
            busy = false;
            accept(r);
            feed();
          },
          (e: unknown) => {
            busy = false;
            reject(e);
          },
        );
      };
      /**
       * Runs {@link runHere} once the answers that came in while this thread worked have all been
       * taken (they wait in the port; setImmediate runs after the event loop has delivered them). Run
       * at once, it started a chunk after the first answer, with the worker's count of chunks in
       * flight still counting the ones it had finished: the worker sat idle until this thread's chunk
       * ended (checksum --verify --jobs 2 on 1 GB: the worker idle a quarter of the time).
       */
      const runHereSoon = () => {
        if (hereQueued || busy) return;
        hereQueued = true;
        setImmediate(() => {
          hereQueued = false;
          runHere();
          finishIfDone();
        });
      };
      /** Dispatches, reads ahead into the free slots (dispatching each chunk as it is read), then runs one here. */
      const feed = () => {
        if (settled) return;
        dispatch();
        while (!eof && failure === undefined && freeSlots.length > 0) {
          const task = nextChunk(freeSlots[freeSlots.length - 1]!);
          if (task === null) break;
          freeSlots.pop();
          ready.push(task);
          dispatch();
        }
        runHereSoon();
        finishIfDone();
      };
      // --jobs N: N threads read, this one and N − 1 workers.
      for (let k = 0; k < jobs - 1; k++) {
        const w = new Worker(url, { workerData: { nvgreJob: { command, argv } } });
        workers.push(w);
        inFlight.set(w, 0);
        w.on('message', (r: ChunkResult) => {
          inFlight.set(w, inFlight.get(w)! - 1);
          accept(r);
          feed();
        });
        w.on('error', reject);
      }
      feed();
    });
  } finally {
    closeSync(fd);
    await Promise.all(workers.map((w) => w.terminate()));
  }
  if (process.env.NVGRE_JOBS_STATS !== undefined) process.stderr.write(`nvgre: --jobs ${jobs}: ${issued} chunks, ${onMain} on the main thread, ${issued - onMain} on ${workers.length} worker${workers.length === 1 ? '' : 's'}\n`);
  if (counters !== undefined) for (const k of Object.keys(counters)) if (merged[k] !== undefined) counters[k] = merged[k]!;
  if (failure !== undefined) throw new ChunkError(errorText, failure);
}

/** A chunk's error, already worded as the command prints it: the command reports it unchanged. */
export class ChunkError extends Error {
  constructor(
    readonly text: string,
    readonly exitCode: number,
  ) {
    super(text);
  }
}

/** The worker thread's loop: run the command on each chunk or span it is given, one after another in the order sent. */
async function serve(run: Runner): Promise<void> {
  const { command, argv } = (workerData as { nvgreJob: { command: string; argv: string[] } }).nvgreJob;
  detachOnce(); // before any chunk: a chunk's buffer goes back by transfer
  /** Tasks sent while one is running (coordinate keeps up to {@link IN_FLIGHT} per worker). */
  const queue: (ChunkTask | SpanTask)[] = [];
  let running = false;
  parentPort!.on('message', async (first: ChunkTask | SpanTask) => {
    queue.push(first);
    if (running) return;
    running = true;
    for (let task = queue.shift(); task !== undefined; task = queue.shift()) {
      if ('fd' in task) {
        const reader = new ChunkReader(task.fd, pcapLittleEndian(task.header)!, task.start, task.end, task.firstFrame, task.chunkBytes);
        const result = await readSpanHere(run, command, argv, reader, task.header, task.chunkBytes, (chunk) => {
          const note: SpanProgress = { progress: true, bytes: chunk.length, records: chunk.records };
          parentPort!.postMessage(note);
        });
        parentPort!.postMessage({ ...result, id: task.id }, [result.input, result.out]); // the slot too: cloned, it was 4 MiB copied
      } else {
        const result = await runChunk(run, command, argv, task, async () => undefined);
        parentPort!.postMessage(result, [task.input, result.out]);
      }
    }
    running = false;
  });
}

/**
 * A span read on this thread, chunk after chunk into one slot, as one run of the command: the
 * coordinator's own span (the first), or a worker's. Between chunks a turn of the event loop (on the
 * main thread the workers' messages are taken then). `sent` hears of each chunk read.
 */
export async function readSpanHere(run: Runner, command: string, argv: readonly string[], reader: ChunkReader, header: Uint8Array, chunkSize: number, sent: (chunk: Chunk) => void): Promise<ChunkResult> {
  const slot = newSlot(chunkSize);
  const first = reader.next(slot)!;
  sent(first);
  const task: ChunkTask = { id: 0, header, input: slot.buffer, length: first.length, firstFrame: first.firstFrame, fileOffset: first.fileOffset, out: new ArrayBuffer(0), more: first.more };
  return runChunk(run, command, argv, task, async () => {
    await new Promise<void>((resolve) => setImmediate(resolve));
    // The same slot: the command keeps no view of a chunk it read (readChunk), and a record longer
    // than the slot grows it (the reader replaces the slot's buffer).
    const chunk = reader.next(slot)!;
    sent(chunk);
    moveJobTo(slot.buffer, chunk);
  });
}

/**
 * Runs the command on one chunk, on this thread: `readRecords` reads the chunk, and the lines written
 * while reading go to the chunk's output buffer (see {@link WorkerJob}). Used by the workers and by
 * {@link coordinate} on the main thread.
 */
export async function runChunk(run: Runner, command: string, argv: readonly string[], task: ChunkTask, nextChunk: () => Promise<void>): Promise<ChunkResult> {
  beginChunkOutput(task.out); // before the job is set: anything this thread had pending is printed, not taken as the chunk's
  job = {
    header: task.header,
    bytes: new Uint8Array(task.input, 0, task.length),
    firstFrame: task.firstFrame,
    fileOffset: task.fileOffset,
    more: task.more === true,
    nextChunk,
    output: new Uint8Array(0),
    outputLength: 0,
    counters: undefined,
    warning: undefined,
    state: undefined,
  };
  const { code, error } = await run(command, argv);
  const current = job;
  // Whatever the command left pending after reading (its closing line) is the coordinator's to
  // write: dropped here, as a worker drops it, so that it cannot reach the coordinator's own output.
  // (After an error, reading never ended: the output is what the command wrote before it.)
  endChunkOutput(current);
  await flushOutputs();
  job = undefined;
  return {
    id: task.id,
    input: task.input,
    out: current.output.buffer as ArrayBuffer,
    outputLength: current.outputLength,
    counters: current.counters ?? {},
    warning: current.warning,
    error: error === undefined ? undefined : { text: error, exitCode: code === EXIT.OK ? EXIT.DATA : code },
    state: current.state,
  };
}

/** Runs a command line to its end: main.ts's runCommand, given to {@link startWorkerIfAny}. */
export type Runner = (command: string, argv: readonly string[]) => Promise<{ code: number; error: string | undefined }>;

/** The runner, kept on the main thread too: {@link coordinate} runs chunks there between its workers' answers. */
let runner: Runner | undefined;

/** The runner {@link startWorkerIfAny} was given (main.ts gives it when the CLI loads), for the main thread's own chunks and spans. */
export function chunkRunner(): Runner {
  if (runner === undefined) throw new Error('internal: --jobs before startWorkerIfAny() was given the command runner');
  return runner;
}

/** A span's next chunk, in `input`, becomes the running command's (readChunk reads it when nextChunk resolves). */
function moveJobTo(input: ArrayBuffer, chunk: { readonly length: number; readonly firstFrame: number; readonly fileOffset: number; readonly more?: boolean }): void {
  const j = job!;
  j.bytes = new Uint8Array(input, 0, chunk.length);
  j.firstFrame = chunk.firstFrame;
  j.fileOffset = chunk.fileOffset;
  j.more = chunk.more === true;
}

/**
 * Starts the worker loop when this module runs in one of {@link coordinate}'s workers; returns whether
 * it did. On the main thread it keeps `run` for the chunks that thread reads itself.
 */
export function startWorkerIfAny(run: Runner): boolean {
  runner = run;
  if (isMainThread || (workerData as { nvgreJob?: unknown } | null)?.nvgreJob === undefined) return false;
  void serve(run);
  return true;
}
