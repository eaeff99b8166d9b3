/**
 * `--jobs` for a command whose state runs through the whole capture: one span of the file per thread,
 * the spans' states merged in order (the doctor, docs/doctor.md §12; docs/cli.md "All cores"). The
 * chunked form and the worker side are in jobs.ts.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { once } from 'node:events';
import { ChunkReader, findSpans } from './chunk-reader.js';
import { ChunkError, chunkBytes, chunkRunner, detachOnce, pcapLittleEndian, readSpanHere, type ChunkResult, type SpanProgress, type SpanTask } from './jobs.js';

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
    const sent = (chunk: { length: number; records: number }) => {
      // Frames handed out so far (the spans advance side by side: their numbers are not a count).
      bytes += chunk.length;
      frames += chunk.records;
      onProgress(bytes, frames);
    };
    // All settled before anything is thrown: this thread's span must end before its reader closes.
    const settled = await Promise.allSettled(
      starts.map((start, k) => {
        const end = k + 1 < starts.length ? starts[k + 1]!.offset : size;
        if (k > 0) return readSpan(workers[k - 1]!, { id: k, header, fd, start: start.offset, end, firstFrame: start.firstFrame, chunkBytes: CHUNK }, sent);
        const reader = new ChunkReader(fd, le, start.offset, end, start.firstFrame, CHUNK);
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
 * One span read by one worker: it reads the span itself (a {@link SpanTask}) and notes each chunk it
 * read, so that nothing waits on this thread, which reads a span of its own meanwhile. (The worker's
 * chunks used to be read here and sent: this thread read the whole file, and the worker waited for
 * its next chunk whenever this thread was in one of its own.)
 */
async function readSpan(worker: Worker, task: SpanTask, sent: (chunk: { length: number; records: number }) => void): Promise<ChunkResult> {
  return new Promise<ChunkResult>((resolve, reject) => {
    worker.on('message', (r: ChunkResult | SpanProgress) => {
      if ('progress' in r) sent({ length: r.bytes, records: r.records });
      else resolve(r);
    });
    worker.on('error', reject);
    worker.postMessage(task);
  });
}
