/**
 * How the CLI reads its input file (src/cli/io.ts, fileChunks): a regular file (and standard input
 * redirected from one) in synchronous reads of 64 KB with an event-loop turn every 64 reads, anything
 * else (a named pipe) through the event loop. Checked as a user sees it: the same lines from a file
 * larger than many reads as from standard input, a redirect and a named pipe, and Ctrl-C still ends a
 * `-w` run with no unfinished file left, both while reading a file and while waiting on a pipe's
 * writer.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFrame, createEncapsulator, writePcap } from '../../src/index.js';
import { buildCli, type BuiltCli } from '../helpers/cli-build.js';
import { childEnv, spawnAsync } from '../helpers/spawn.js';

let built: BuiltCli | undefined;
let work: string;
/** About 9 MB: 140 reads of 64 KB, two event-loop turns and a short last read. */
let big: Uint8Array;
const FRAMES = 6000;

beforeAll(async () => {
  built = await buildCli();
  work = mkdtempSync(path.join(os.tmpdir(), 'nvgre-reading-'));
  const enc = createEncapsulator({ vsid: 5001, srcMac: '00:15:5d:00:0a:01', dstMac: '00:15:5d:00:0b:01', srcIp: '192.0.2.10', dstIp: '198.51.100.20' });
  const frames = Array.from({ length: FRAMES }, (_, i) =>
    enc.encapsulate(
      buildFrame({ ethernet: {}, ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, tcp: { srcPort: 40000 + (i % 1000), dstPort: 443, seq: i * 1400, flags: 0x18 }, payload: new Uint8Array(1400 + (i % 61)).fill(i & 0xff) }),
    ),
  );
  big = writePcap(frames);
  writeFileSync(file('big.pcap'), big);
}, 180_000);

afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
  built?.dispose();
});

function file(name: string): string {
  return path.join(work, name);
}

const env = { ...process.env, NVGRE_NO_PROGRESS: '1' };

function nvgre(args: string[], input?: Uint8Array) {
  return spawnAsync(process.execPath, [built!.cli, ...args], { cwd: work, input, maxBuffer: 64 << 20, env, timeout: 60_000 });
}

/** A named pipe in the work directory (mkfifo), or undefined where the system has none. */
function fifo(name: string): string | undefined {
  const p = file(name);
  return spawnSync('mkfifo', [p]).status === 0 ? p : undefined;
}

/** True once a `-w` run has created its temporary output (`.NAME.pid.time.tmp`, capture-output.ts). */
function tempOf(name: string): () => boolean {
  return () => readdirSync(work).some((f) => f.startsWith(`.${name}.`) && f.endsWith('.tmp'));
}

/**
 * Runs the CLI, sends SIGINT once `ready()` holds (polled every 10 ms), and resolves with the exit
 * status, the signal that ended the process instead (SIGINT when it was not handled; SIGKILL when the
 * process was still alive 10 s after it and was killed outright), and how long it took to end after
 * the SIGINT.
 */
function interrupted(args: string[], ready: () => boolean): Promise<{ status: number | null; signal: NodeJS.Signals | null; afterSignalMs: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [built!.cli, ...args], { cwd: work, env: childEnv(env), stdio: ['ignore', 'ignore', 'ignore'] });
    let signalled = 0;
    let poll: NodeJS.Timeout | undefined;
    let kill: NodeJS.Timeout | undefined;
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearInterval(poll);
      clearTimeout(kill);
      resolve({ status: code, signal, afterSignalMs: Date.now() - signalled });
    });
    poll = setInterval(() => {
      if (!ready()) return;
      clearInterval(poll);
      signalled = Date.now();
      child.kill('SIGINT');
      kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    }, 10);
  });
}

describe('reading the input file', () => {
  it('a file of many reads gives the same lines as the same bytes on standard input', async () => {
    const [fromFile, fromStdin] = await Promise.all([nvgre(['decode', 'big.pcap']), nvgre(['decode', '-'], big)]);
    expect(fromFile.status).toBe(0);
    expect(fromFile.stdout).toBe(fromStdin.stdout);
    expect(fromFile.stdout).toContain(`-- ${FRAMES} frames`);
  }, 120_000);

  it('standard input redirected from a file reads as the file does', async () => {
    const fd = openSync(file('big.pcap'), 'r');
    try {
      const r = spawnSync(process.execPath, [built!.cli, 'decode', '-'], { cwd: work, env: childEnv(env), stdio: [fd, 'pipe', 'pipe'], maxBuffer: 64 << 20, encoding: 'utf8' });
      expect(r.status).toBe(0);
      expect(r.stdout).toBe((await nvgre(['decode', 'big.pcap'])).stdout);
    } finally {
      closeSync(fd);
    }
  }, 120_000);

  it('stops early (-c) without reading on, and reports a cut file', async () => {
    const first = await nvgre(['decode', '-c', '3', 'big.pcap']);
    expect(first.status).toBe(0);
    expect(first.stdout.trim().split('\n')).toHaveLength(4);
    writeFileSync(file('cut.pcap'), big.subarray(0, 100_000));
    const cut = await nvgre(['decode', 'cut.pcap']);
    expect(cut.status).toBe(1);
    expect(cut.stderr).toMatch(/cut\.pcap: record \d+ at offset \d+ .*cut short \(TRUNCATED\)/);
  }, 120_000);

  it('a named pipe reads as a stream: the same lines as the file', async () => {
    const pipe = fifo('in.fifo');
    if (pipe === undefined) return; // a system without mkfifo has no named pipes to read
    // The writer is a process of its own: this one reads the reader's output meanwhile.
    const [r, writer] = await Promise.all([nvgre(['decode', 'in.fifo']), spawnAsync('sh', ['-c', 'cat big.pcap > in.fifo'], { cwd: work, timeout: 60_000 })]);
    expect(writer.status).toBe(0);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe((await nvgre(['decode', 'big.pcap'])).stdout);
  }, 120_000);

  it('Ctrl-C while waiting on a named pipe ends a -w run at once, leaving no file', async () => {
    const pipe = fifo('stalled.fifo');
    if (pipe === undefined) return;
    // A writer that sends the header and a few records, then goes quiet with the pipe open.
    let writer: number | undefined;
    const opening = setTimeout(() => {
      writer = openSync(pipe, 'w');
      writeSync(writer, big, 0, 24 + 3 * 1500);
    }, 100);
    const r = await interrupted(['decap', '-w', 'stalled-out.pcap', 'stalled.fifo'], () => writer !== undefined && tempOf('stalled-out.pcap')());
    clearTimeout(opening);
    if (writer !== undefined) closeSync(writer);
    expect(r.status, `ended by ${r.signal} after ${r.afterSignalMs} ms`).toBe(130);
    expect(r.afterSignalMs).toBeLessThan(5000);
    expect(existsSync(file('stalled-out.pcap'))).toBe(false);
  }, 60_000);

  it('Ctrl-C while reading a large file ends a -w run promptly, leaving no file', async () => {
    // 180 MB: the signal comes within milliseconds of the start, long before the read could end. A
    // loop that never yielded would read on to the end and commit the file before the handler ran.
    const huge = file('huge.pcap');
    const fd = openSync(huge, 'w');
    for (let k = 0; k < 20; k++) writeSync(fd, k === 0 ? big : big.subarray(24));
    closeSync(fd);
    const r = await interrupted(['decap', '-w', 'huge-out.pcap', 'huge.pcap'], tempOf('huge-out.pcap'));
    expect(r.status, `ended by ${r.signal} after ${r.afterSignalMs} ms`).toBe(130);
    expect(existsSync(file('huge-out.pcap'))).toBe(false);
    expect(tempOf('huge-out.pcap')()).toBe(false);
  }, 120_000);
});
