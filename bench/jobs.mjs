// The command line on a realistic capture (bench/traffic.mjs), each pair of runs alternated (ours,
// theirs, theirs, ours, …) and the ratio the median of the per-pair ratios, with its spread:
//   --jobs 2 against --jobs 1 for decode, decode --json, checksum --verify and doctor (goal 1.7x), on a 1 GB
//   capture as the goal is set (1,600,000 frames; 4 pairs of runs, since a pair of decode --json
//   takes about 40 s): the workers' start and their own compilation of the hot code are a fixed
//   cost, which a smaller capture would weigh more than the goal does
//   nvgre decode (one line per frame, the inner frame decoded) against tcpdump -r F -nn (goal 1x),
//   400,000 frames (about 260 MB), 6 pairs
// --quick mode: 40,000 frames and two pairs for every row.
// Output goes to /dev/null; wall time of the whole process. No timing is asserted.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { QUICK, alternateTimes, benchCase, record } from './harness.mjs';
import { writeRealisticCapture } from './traffic.mjs';

const COUNT = QUICK ? 40_000 : 400_000;
const JOBS_COUNT = QUICK ? 40_000 : 1_600_000;
const PAIRS = QUICK ? 2 : 6;
const JOBS_PAIRS = QUICK ? 2 : 4;
const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

function timeCommand(cmd, args) {
  const devnull = openSync('/dev/null', 'w');
  try {
    const t = performance.now();
    const r = spawnSync(cmd, args, { stdio: ['ignore', devnull, 'pipe'], env: { ...process.env, NVGRE_NO_PROGRESS: '1' } });
    const ms = performance.now() - t;
    // checksum --verify exits 1 when a checksum is bad, doctor when a finding is an error; anything else
    // is a failure of the benchmark.
    if (r.status !== 0 && !(r.status === 1 && (args.includes('--verify') || args[1] === 'doctor'))) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${String(r.stderr).slice(0, 500)}`);
    return ms;
  } finally {
    closeSync(devnull);
  }
}

/** Alternated pairs of runs (harness.mjs alternateTimes): the per-pair ratio of their time to ours. */
function pairs(ours, theirs, n = PAIRS) {
  return alternateTimes(ours, theirs, n);
}

function withCapture(lib, count, fn) {
  const dir = mkdtempSync(path.join(tmpdir(), 'nvgre-bench-'));
  try {
    const file = path.join(dir, 'realistic.pcap');
    const bytes = writeRealisticCapture(lib, file, count);
    fn(file, `${count.toLocaleString('en-US')} frames, ${bytes >= 1e9 ? `${(bytes / 1e9).toFixed(2)} GB` : `${(bytes / 1e6).toFixed(0)} MB`}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(lib) {
  for (const args of [['decode'], ['decode', '--json'], ['checksum', '--verify'], ['doctor']]) {
    await benchCase(`${args.join(' ')} --jobs 2`, () =>
      withCapture(lib, JOBS_COUNT, (file, size) => {
        const r = pairs(() => timeCommand(process.execPath, [cli, ...args, '--jobs', '2', file]), () => timeCommand(process.execPath, [cli, ...args, '--jobs', '1', file]), JOBS_PAIRS);
        record({
          operation: `nvgre ${args.join(' ')} --jobs 2`,
          size,
          ops: (JOBS_COUNT / r.ms) * 1000,
          baseline: 'the same command, --jobs 1, runs alternated',
          baseOps: (JOBS_COUNT / r.baseMs) * 1000,
          ratio: r.ratio,
          spread: r.spread,
          goal: 1.7,
          note: `(${(r.ms / 1000).toFixed(2)} s vs ${(r.baseMs / 1000).toFixed(2)} s)`,
        });
      }),
    );
  }
  await benchCase('decode vs tcpdump', () => {
    const has = spawnSync('tcpdump', ['--version'], { stdio: 'ignore' }).status === 0;
    if (!has) {
      if (process.env.CI === 'true') throw new Error('tcpdump is not installed: in CI a missing tool is a failure');
      record({ operation: 'nvgre decode vs tcpdump -r F -nn', size: '', ops: NaN, baseline: 'tcpdump (not installed: skipped)', baseOps: NaN, ratio: NaN });
      return;
    }
    withCapture(lib, COUNT, (file, size) => {
      for (const jobs of ['1', '2']) {
        // --jobs 1 is decode's default for the one-line summary (docs/cli.md "All cores").
        const r = pairs(() => timeCommand(process.execPath, [cli, 'decode', '--jobs', jobs, file]), () => timeCommand('tcpdump', ['-r', file, '-nn']));
        record({
          operation: `nvgre decode --jobs ${jobs} vs tcpdump -r F -nn`,
          size,
          ops: (COUNT / r.ms) * 1000,
          baseline: 'tcpdump -r F -nn, runs alternated',
          baseOps: (COUNT / r.baseMs) * 1000,
          ratio: r.ratio,
          spread: r.spread,
          goal: jobs === '1' ? 1 : undefined,
          note: `(${(r.ms / 1000).toFixed(2)} s vs ${(r.baseMs / 1000).toFixed(2)} s)`,
        });
      }
    });
  });
}
