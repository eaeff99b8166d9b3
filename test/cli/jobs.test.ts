/**
 * `--jobs N` (src/cli/jobs.ts, docs/cli.md "All cores"): a capture split into chunks read by worker
 * threads gives the same bytes on standard output and standard error, and the same exit status, as
 * one thread. Chunks are forced small (NVGRE_JOBS_CHUNK_BYTES) so that a capture of a few hundred
 * frames splits into dozens; the capture mixes IPv4 and IPv6, bad checksums, frames that are not
 * NVGRE, and (in one file) a record cut short at the end.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFrame, writePcap } from '../../src/index.js';
import { LARGE_FILE, jobsOption } from '../../src/cli/jobs.js';
import { buildCli, type BuiltCli } from '../helpers/cli-build.js';
import { childEnv, spawnAsync } from '../helpers/spawn.js';

let built: BuiltCli | undefined;
let work: string;

/** 600 frames of 60 flows: NVGRE over IPv4 and IPv6, some with a bad inner checksum, some plain IP. */
function frames(): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < 600; i++) {
    const f = i % 60;
    const v6 = f % 4 === 0;
    const payload = new Uint8Array((i * 37) % 1400).fill(i & 0xff);
    if (i % 97 === 5) {
      out.push(buildFrame({ ethernet: {}, ipv4: { src: '10.9.9.9', dst: '10.9.9.8' }, udp: { srcPort: 53, dstPort: 53 }, payload }));
      continue;
    }
    const frame = buildFrame({
      ethernet: { src: '00:1d:d8:b7:1c:01', dst: '00:1d:d8:b7:1c:02' },
      ...(v6 ? { ipv6: { src: '2001:db8::1', dst: `2001:db8::${f + 2}` } } : { ipv4: { src: '192.0.2.1', dst: `192.0.2.${f + 2}` } }),
      nvgre: { vsid: 5001 + (f % 3), flowId: 1 + f },
      inner: {
        ethernet: { src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02' },
        ipv4: { src: `10.0.${f}.1`, dst: `10.0.${f}.2` },
        ...(f % 5 === 0 ? { udp: { srcPort: 40000 + f, dstPort: 4000 } } : { tcp: { srcPort: 40000 + f, dstPort: 443, seq: i * 1000, flags: 0x18 } }),
        payload,
      },
    });
    if (i % 41 === 7) frame[frame.length - 1]! ^= 0x5a; // the inner checksum no longer holds
    out.push(frame);
  }
  return out;
}

beforeAll(async () => {
  built = await buildCli();
  work = mkdtempSync(path.join(os.tmpdir(), 'nvgre-jobs-'));
  const pcap = writePcap(frames());
  writeFileSync(path.join(work, 'mixed.pcap'), pcap);
  writeFileSync(path.join(work, 'cut.pcap'), pcap.subarray(0, pcap.length - 300)); // the last record cut short
  // Record 301 claims 2 GiB: the coordinator cannot cut the file there, the reader reports it.
  const damaged = Uint8Array.from(pcap);
  const view = new DataView(damaged.buffer);
  let o = 24;
  for (let i = 0; i < 300; i++) o += 16 + view.getUint32(o + 8, true);
  view.setUint32(o + 8, 0x7ffffff0, true);
  writeFileSync(path.join(work, 'damaged.pcap'), damaged);
}, 180_000);

afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
  built?.dispose();
});

async function nvgre(args: string[], env: Record<string, string> = {}) {
  const r = await spawnAsync(process.execPath, [built!.cli, ...args], {
    cwd: work,
    maxBuffer: 64 << 20,
    env: { ...process.env, NVGRE_NO_PROGRESS: '1', NVGRE_JOBS_MIN_BYTES: '0', NVGRE_JOBS_CHUNK_BYTES: '20000', ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const COMMANDS: string[][] = [
  ['decode'],
  ['decode', '--json'],
  ['decode', '-V'],
  ['decode', '-Y', 'inner.udp || !csum.ok'],
  ['decode', '--filter-vsid', '5002', '-x'],
  ['checksum', '--verify'],
  ['checksum', '--verify', '--json'],
  // The doctor: each worker reads one span of the file, the parts merged in order (docs/doctor.md §12).
  ['doctor'],
  ['doctor', '--json', '--examples', '20', '-Y', '!inner.udp'],
];

// The tests only read the captures: they run side by side.
describe.concurrent('--jobs', () => {
  for (const file of ['mixed.pcap', 'cut.pcap', 'damaged.pcap']) {
    // All forms on the mixed capture; on the damaged ones one form of each command (the error path is the reader's,
    // the same for every form), which keeps the process starts of the suite down.
    for (const args of file === 'mixed.pcap' ? COMMANDS : [['decode', '--json'], ['checksum', '--verify'], ['doctor']]) {
      it(`${args.join(' ')} ${file}: the same output and exit status as with one job`, async () => {
        const one = await nvgre([...args, '--jobs', '1', file]);
        // The doctor reports at the end: a corrupt capture gives its error and no report.
        expect(one.stdout.length).toBeGreaterThan(args[0] === 'doctor' && file !== 'mixed.pcap' ? -1 : 1000);
        if (file === 'cut.pcap') expect(one.stderr).toMatch(/record 600/);
        if (file === 'damaged.pcap') expect(one.stderr).toMatch(/record 301 at offset \d+ claims 2147483632/);
        // Two jobs on the mixed capture, three on the damaged ones (fewer process starts, same coverage).
        for (const jobs of file === 'mixed.pcap' ? ['2'] : ['3']) {
          const many = await nvgre([...args, '--jobs', jobs, file]);
          expect(many.stderr).toBe(one.stderr);
          expect(many.stdout).toBe(one.stdout);
          expect(many.status).toBe(one.status);
        }
      });
    }
  }

  it('splits the capture (a chunk of 20,000 bytes holds about 25 frames): the workers really run', async () => {
    // With the coordinator's chunking off (the file is below the threshold) the output is the same too.
    const split = await nvgre(['checksum', '--verify', '--jobs', '2', 'mixed.pcap']);
    const whole = await nvgre(['checksum', '--verify', '--jobs', '2', 'mixed.pcap'], { NVGRE_JOBS_MIN_BYTES: String(1 << 30) });
    expect(split.stdout).toBe(whole.stdout);
    expect(split.status).toBe(1); // bad checksums
    // A broken worker path shows: frame numbers restart at each chunk without the offset.
    expect(split.stdout.match(/^frame 1:/gm)?.length).toBe(1);
  });

  it("--jobs 2 reads with two threads: the main thread takes chunks too, between the worker's answers", async () => {
    // NVGRE_JOBS_STATS: one line on stderr with the split. The main thread runs a chunk whenever its
    // worker has two (one it works on, the next waiting), so both read some; the output is the same.
    const one = await nvgre(['decode', '-V', '--jobs', '1', 'mixed.pcap']);
    const two = await nvgre(['decode', '-V', '--jobs', '2', 'mixed.pcap'], { NVGRE_JOBS_STATS: '1' });
    expect(two.stdout).toBe(one.stdout);
    const split = /--jobs 2: (\d+) chunks, (\d+) on the main thread, (\d+) on 1 worker\n/.exec(two.stderr);
    expect(split).not.toBeNull();
    const [chunks, onMain, onWorker] = split!.slice(1).map(Number) as [number, number, number];
    expect(chunks).toBeGreaterThan(20);
    expect(onMain).toBeGreaterThan(0);
    expect(onWorker).toBeGreaterThan(0);
    expect(onMain + onWorker).toBe(chunks);
  });

  it('doctor --jobs 2: the main thread reads the first span and one worker the second, with the same report', async () => {
    const one = await nvgre(['doctor', '--jobs', '1', 'mixed.pcap']);
    const two = await nvgre(['doctor', '--jobs', '2', 'mixed.pcap'], { NVGRE_JOBS_STATS: '1' });
    expect(two.stdout).toBe(one.stdout);
    expect(two.status).toBe(one.status);
    expect(two.stderr).toContain('nvgre: --jobs 2: 2 spans, 1 on the main thread, 1 on 1 worker\n');
  });

  it('a reader slower than the command (a full pipe) gets the same bytes, with one job and with two', async () => {
    // The output buffers are reused once written; a pipe that is full keeps them queued instead, and
    // the coordinator waits for it to drain. A reader that takes 16 KB every 2 ms keeps the pipe full.
    const slow = (jobs: string) =>
      new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, [built!.cli, 'decode', '-V', '--jobs', jobs, 'mixed.pcap'], {
          cwd: work,
          env: childEnv({ ...process.env, NVGRE_NO_PROGRESS: '1', NVGRE_JOBS_MIN_BYTES: '0', NVGRE_JOBS_CHUNK_BYTES: '20000' }),
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        const parts: Buffer[] = [];
        child.stdout.on('readable', function take() {
          const b = child.stdout.read(16384) as Buffer | null;
          if (b === null) return;
          parts.push(b);
          setTimeout(take, 2);
        });
        child.on('error', reject);
        child.on('close', (code) => (code === 0 ? resolve(Buffer.concat(parts).toString('utf8')) : reject(new Error(`exit ${code}`))));
      });
    const expected = (await nvgre(['decode', '-V', '--jobs', '1', 'mixed.pcap'])).stdout;
    expect(expected.length).toBeGreaterThan(1 << 20); // many times a pipe's 64 KB
    expect(await slow('1')).toBe(expected);
    expect(await slow('2')).toBe(expected);
  }, 60_000);

  it('doctor: a part past a tracking cap is refused, and the capture read again on one thread, with the same report', async () => {
    // 60 flows, 30 tracked: each span's part turns flows away, so no part can be merged exactly.
    const one = await nvgre(['doctor', '--max-flows', '30', '--jobs', '1', 'mixed.pcap']);
    const two = await nvgre(['doctor', '--max-flows', '30', '--jobs', '2', 'mixed.pcap']);
    expect(one.stdout).toMatch(/TRACKING_LIMIT/);
    expect(two.stdout).toBe(one.stdout);
    expect(two.status).toBe(one.status);
    expect(one.stderr).toBe('');
    expect(two.stderr).toMatch(/a tracking cap .* reading .* again on one thread/);
    // Within the caps the parts merge: nothing said.
    expect((await nvgre(['doctor', '--max-flows', '60', '--jobs', '2', 'mixed.pcap'])).stderr).toBe('');
  });

  it('refuses a --jobs that is not a whole number from 1 to 999', async () => {
    for (const bad of ['0', '-1', 'two', '1000', '1.5', '']) {
      expect(() => jobsOption(bad)).toThrow(/--jobs must be a whole number from 1 to 999/);
    }
    expect([jobsOption('1'), jobsOption('999'), jobsOption(undefined, false)]).toEqual([1, 999, 1]);
    // The cheap commands (decode's one-line summary, the doctor) use every core from 512 MiB on
    // (sparse files: nothing is written).
    const cores = os.availableParallelism();
    const big = path.join(work, 'big.pcap');
    writeFileSync(big, '');
    truncateSync(big, LARGE_FILE - 1);
    expect([jobsOption(undefined, false, big), jobsOption(undefined, true, big), jobsOption('1', false, big)]).toEqual([1, cores, 1]);
    truncateSync(big, LARGE_FILE);
    expect([jobsOption(undefined, false, big), jobsOption(undefined, false, '-'), jobsOption(undefined, false, path.join(work, 'missing.pcap'))]).toEqual([cores, 1, 1]);
    rmSync(big);
    // And the command says so with the usage exit status.
    const r = await nvgre(['decode', '--jobs', '0', 'mixed.pcap']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--jobs must be a whole number from 1 to 999/);
  });

  it('reads standard input, -c and --frames on one thread, with the same results', async () => {
    const stdin = await spawnAsync(process.execPath, [built!.cli, 'decode', '--jobs', '2', '-'], { cwd: work, input: writePcap(frames()), env: { ...process.env, NVGRE_JOBS_MIN_BYTES: '0', NVGRE_JOBS_CHUNK_BYTES: '20000' } });
    expect(stdin.stdout).toBe((await nvgre(['decode', '--jobs', '1', 'mixed.pcap'])).stdout);
    expect((await nvgre(['decode', '-c', '5', '--jobs', '2', 'mixed.pcap'])).stdout).toBe((await nvgre(['decode', '-c', '5', '--jobs', '1', 'mixed.pcap'])).stdout);
    expect((await nvgre(['decode', '--frames', '100-110', '--jobs', '3', 'mixed.pcap'])).stdout).toBe((await nvgre(['decode', '--frames', '100-110', 'mixed.pcap', '--jobs', '1'])).stdout);
  });
});
