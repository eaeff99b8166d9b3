/**
 * `--jobs` for a command whose state runs through the whole capture: one span of the file per thread,
 * the spans' states merged in order (the doctor, docs/doctor.md §12; docs/cli.md "All cores"). The
 * chunked form and the worker side are in jobs.ts.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { once } from 'node:events';
import { ChunkReader, findSpans, newSlot, slotOf, type Chunk, type Slot } from './chunk-reader.js';
import { ChunkError, chunkBytes, chunkRunner, detachOnce, moveJobTo, pcapLittleEndian, runChunk, type ChunkResult, type ChunkTask, type Runner } from './jobs.js';

/**
 * `--jobs` for a command whose state runs through the whole capture and is merged part by part (the
 * doctor, docs/doctor.md §12): the file is cut into `jobs` spans of about equal size at record
 * boundaries (findSpans walks the record headers once), and each thread (this one the first span, a
 * worker each of the others) reads one span from start to end, chunk after chunk, as one run of the
 * command, so that it pays for a fresh state once per span
 * (one part per 4 MiB chunk made the doctor slower on two threads than on one: each part met its
 * flows anew). Each span's state goes to `onState` in the file's order once all are read; its output
 * (if the command writes any while reading) is written in that order too. Resolves to true; to false
 * when `onState` refused a state (the caller reads the file on one thread). The first span with an
 * error throws it as a {@link ChunkError}, after the spans before it were merged.
 */
export async function coordinateSpans(
  file: string,
  jobs: number,
  command: string,
  argv: readonly string[],
  onProgress: (bytes: number, frames: number) => void,
  onState: (state: unknown) => boolean,
): Promise<boolean> {
  const here = chunkRunner();
  detachOnce();
  const fd = openSync(file, 'r');
  const workers: Worker[] = [];
  try {
    const size = statSync(file).size;
    const header = new Uint8Array(24);
    readSync(fd, header, 0, 24, 0);
    const le = pcapLittleEndian(header)!;
    const CHUNK = chunkBytes();
    const url = new URL(import.meta.url); // the bundled CLI, as in jobs.ts: a worker runs it and serves
    // This thread reads the first span itself, the workers the others. They start while the spans are found.
    for (let k = 0; k < jobs - 1; k++) workers.push(new Worker(url, { workerData: { nvgreJob: { command, argv } } }));
    const starts = findSpans(fd, size, le, jobs, CHUNK);
    let bytes = 24;
    let frames = 0;
    let onMain = 0; // spans read to their end on this thread (NVGRE_JOBS_STATS)
    const sent = (chunk: Chunk) => {
      // Frames handed out so far (the spans advance side by side: their numbers are not a count).
      bytes += chunk.length;
      frames += chunk.records;
      onProgress(bytes, frames);
    };
    // All settled before anything is thrown: this thread's span must end before its reader closes.
    const settled = await Promise.allSettled(
      starts.map((start, k) => {
        const reader = new ChunkReader(fd, le, start.offset, k + 1 < starts.length ? starts[k + 1]!.offset : size, start.firstFrame, CHUNK);
        if (k > 0) return readSpan(workers[k - 1]!, reader, header, CHUNK, sent);
        // The workers' spans are set going first: this thread's own runs until its first turn.
        return Promise.resolve().then(async () => {
          const r = await readSpanHere(here, command, argv, reader, header, CHUNK, sent);
          onMain++;
          return r;
        });
      }),
    );
    const results = settled.map((r) => {
      if (r.status === 'rejected') throw r.reason;
      return r.value;
    });
    if (process.env.NVGRE_JOBS_STATS !== undefined) {
      process.stderr.write(`nvgre: --jobs ${jobs}: ${starts.length} spans, ${onMain} on the main thread, ${starts.length - onMain} on ${workers.length} worker${workers.length === 1 ? '' : 's'}\n`);
    }
    let warned = false;
    for (const r of results) {
      if (r.warning !== undefined && !warned) {
        warned = true;
        process.stderr.write(r.warning);
      }
      if (r.outputLength > 0 && !process.stdout.write(new Uint8Array(r.out, 0, r.outputLength))) await once(process.stdout, 'drain');
      if (r.error !== undefined) throw new ChunkError(r.error.text, r.error.exitCode);
      if (!onState(r.state)) return false;
    }
    return true;
  } finally {
    closeSync(fd);
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/**
 * One span read by one worker: its first two chunks sent at once (the second waits in the worker), then
 * the next each time the worker hands a read chunk back, until it answers with the span's end (or an
 * error). The worker never waits for this thread, which runs a span of its own meanwhile. Two slots per span.
 */
async function readSpan(worker: Worker, reader: ChunkReader, header: Uint8Array, chunkSize: number, sent: (chunk: Chunk) => void): Promise<ChunkResult> {
  const replies: ChunkResult[] = [];
  let answer: (() => void) | undefined;
  let failure: unknown;
  worker.on('message', (r: ChunkResult) => {
    replies.push(r);
    answer?.();
  });
  worker.on('error', (e) => {
    failure ??= e;
    answer?.();
  });
  let id = 0;
  const send = (slot: Slot): boolean => {
    const chunk = reader.next(slot);
    if (chunk === null) return false;
    const task: ChunkTask = { id, header, input: slot.buffer, length: chunk.length, firstFrame: chunk.firstFrame, fileOffset: chunk.fileOffset, out: new ArrayBuffer(0), more: chunk.more, continues: id > 0 };
    id++;
    worker.postMessage(task, [task.input]);
    sent(chunk);
    return true;
  };
  if (send(newSlot(chunkSize))) send(newSlot(chunkSize));
  for (;;) {
    while (replies.length === 0 && failure === undefined) await new Promise<void>((resolve) => (answer = resolve));
    if (failure !== undefined) throw failure;
    const r = replies.shift()!;
    if (r.partial !== true) return r;
    send(slotOf(r.input)); // nothing left to send once the span's last chunk went
  }
}

/** This thread's span (the first), read here while the workers read theirs; between chunks it takes their messages. */
async function readSpanHere(run: Runner, command: string, argv: readonly string[], reader: ChunkReader, header: Uint8Array, chunkSize: number, sent: (chunk: Chunk) => void): Promise<ChunkResult> {
  const slot = newSlot(chunkSize);
  const first = reader.next(slot)!;
  sent(first);
  const task: ChunkTask = { id: 0, header, input: slot.buffer, length: first.length, firstFrame: first.firstFrame, fileOffset: first.fileOffset, out: new ArrayBuffer(0), more: first.more };
  return runChunk(run, command, argv, task, async () => {
    // A turn of the event loop: the workers' hand-backs are answered with their next chunks.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const chunk = reader.next(slot)!; // the same slot: the command keeps no view of a chunk it read (as on a worker, where it is handed back)
    sent(chunk);
    moveJobTo(slot.buffer, chunk);
  });
}
