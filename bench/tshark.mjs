// `nvgre decode --json` versus `tshark -T fields -e gre.key -e ip.src -e ip.dst` on the same realistic
// capture (bench/traffic.mjs: 1,000 flows, advancing sequence numbers, mixed sizes and IP versions;
// 200,000 frames, 20,000 in --quick mode). Both write to /dev/null; wall time of the whole process.
// The two commands run in turn (ours, theirs, theirs, ours, …) and the ratio is the median of the
// per-pair ratios. No goal: the issue asks for an honest figure, and tshark dissects far more.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { QUICK, alternateTimes, benchCase, record } from './harness.mjs';
import { writeRealisticCapture } from './traffic.mjs';

function timeCommand(cmd, args) {
  const t = performance.now();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${String(r.stderr).slice(0, 500)}`);
  return ms;
}

export async function run(lib) {
  await benchCase('tshark', () => measure(lib));
}

async function measure(lib) {
  const has = spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!has) {
    if (process.env.CI === 'true') throw new Error('tshark is not installed: in CI a missing tool is a failure');
    record({ operation: 'nvgre decode --json vs tshark', size: '', ops: NaN, baseline: 'tshark (not installed: skipped)', baseOps: NaN, ratio: NaN });
    return;
  }
  const count = QUICK ? 20_000 : 200_000;
  const dir = mkdtempSync(path.join(tmpdir(), 'nvgre-bench-'));
  try {
    const file = path.join(dir, 'realistic.pcap');
    writeRealisticCapture(lib, file, count);
    const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
    const ours = () => timeCommand(process.execPath, [cli, 'decode', '--json', file]);
    const theirs = () => timeCommand('tshark', ['-n', '-r', file, '-T', 'fields', '-e', 'gre.key', '-e', 'ip.src', '-e', 'ip.dst']);
    const rounds = QUICK ? 2 : 6;
    const r = alternateTimes(ours, theirs, rounds);
    record({
      operation: 'nvgre decode --json vs tshark -T fields -e gre.key -e ip.src -e ip.dst',
      size: `${count.toLocaleString('en-US')} frames, realistic`,
      ops: (count / r.ms) * 1000,
      baseline: 'tshark, runs alternated',
      baseOps: (count / r.baseMs) * 1000,
      ratio: r.ratio,
      spread: r.spread,
      note: `(${(r.ms / 1000).toFixed(1)} s vs ${(r.baseMs / 1000).toFixed(1)} s)`,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
