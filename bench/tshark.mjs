// `nvgre decode --json` versus `tshark -T fields -e gre.key` over the same 1,000,000-frame capture
// (20,000 frames in --quick mode). Both write to /dev/null; wall time of the whole process.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { QUICK, benchCase, record } from './harness.mjs';
import { bigCapture } from './capture.mjs';

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
    record({ operation: 'nvgre decode --json vs tshark', size: '', ops: NaN, baseline: 'tshark (not installed: skipped)', baseOps: NaN, ratio: NaN });
    return;
  }
  const count = QUICK ? 20_000 : 1_000_000;
  const dir = mkdtempSync(path.join(tmpdir(), 'nvgre-bench-'));
  try {
    const file = path.join(dir, 'big.pcap');
    writeFileSync(file, bigCapture(lib, count));
    const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
    const ours = timeCommand(process.execPath, [cli, 'decode', '--json', file]);
    const theirs = timeCommand('tshark', ['-n', '-r', file, '-T', 'fields', '-e', 'gre.key']);
    record({
      operation: 'nvgre decode --json vs tshark -T fields -e gre.key',
      size: `${count.toLocaleString('en-US')} frames`,
      ops: (count / ours) * 1000,
      baseline: 'tshark',
      baseOps: (count / theirs) * 1000,
      ratio: theirs / ours,
      goal: 2,
      note: `(${(ours / 1000).toFixed(1)} s vs ${(theirs / 1000).toFixed(1)} s)`,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
