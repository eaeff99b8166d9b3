// Runs every benchmark script and prints one Markdown table.
//   npm run bench              full run (several minutes)
//   npm run bench -- --quick   brief run of every case (CI: checks the benchmarks work, asserts no timing)
//   npm run bench -- --only=codec,offload   a subset
// Each group (bench/<name>.mjs) runs in its own process.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { QUICK, addRows, recordedRows, table, unmetGoals } from './harness.mjs';

// --only codec,offload runs a subset (the scripts are bench/<name>.mjs).
const onlyArg = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const selected = onlyArg ? onlyArg.split(',') : ['codec', 'offload', 'capture', 'scapy', 'tshark'];
const CHILD = process.argv.includes('--child');
for (const name of selected) {
  if (!existsSync(new URL(`./${name}.mjs`, import.meta.url))) throw new Error(`no benchmark group "${name}" (bench/${name}.mjs)`);
}

if (CHILD) {
  // One group in a fresh process: what V8 learned from another group's frames (call-site
  // feedback, inlining decisions) must not change this group's figures.
  const lib = await import('../dist/index.js');
  const [name] = selected;
  process.stderr.write(`${name}:\n`);
  const mod = await import(`./${name}.mjs`);
  const allocs = (await mod.run(lib)) ?? [];
  process.stdout.write(JSON.stringify({ rows: recordedRows(), allocs }));
  process.exit(0);
}

const started = Date.now();
process.stderr.write(`nvgre benchmarks${QUICK ? ' (quick)' : ''}: node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores\n`);
const allocations = [];
const self = fileURLToPath(import.meta.url);
for (const name of selected) {
  const args = [...process.execArgv, self, `--only=${name}`, '--child', ...(QUICK ? ['--quick'] : [])];
  const child = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 64 << 20 });
  if (child.status !== 0) throw new Error(`benchmark group ${name} failed (exit ${child.status ?? child.signal})`);
  const { rows, allocs } = JSON.parse(child.stdout);
  addRows(rows);
  allocations.push(...allocs);
}

console.log(`\nnode ${process.version} · ${os.cpus()[0]?.model ?? 'unknown CPU'} · ${QUICK ? 'quick mode (figures are rough)' : 'full run'} · ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
console.log(table());
if (allocations.length) {
  console.log('\n| hot path | heap bytes allocated per call |\n|---|---|');
  for (const a of allocations) console.log(`| ${a.name} | ${Number.isFinite(a.bytes) ? a.bytes.toFixed(1) : 'n/a (run with --expose-gc)'} |`);
}
const unmet = unmetGoals();
if (unmet.length) console.log(`\nGoals not met in this run: ${unmet.map((r) => `${r.operation} [${r.size}] ${r.ratio.toFixed(2)}× < ${r.goal}×`).join('; ')}`);
