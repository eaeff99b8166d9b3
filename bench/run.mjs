// Runs every benchmark script and prints one Markdown table.
//   npm run bench              full run (several minutes)
//   npm run bench -- --quick   brief run of every case (CI: checks the benchmarks work, asserts no timing)
import os from 'node:os';
import { QUICK, table, unmetGoals } from './harness.mjs';

const lib = await import('../dist/index.js');
const started = Date.now();
process.stderr.write(`nvgre benchmarks${QUICK ? ' (quick)' : ''}: node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores\n`);

// --only codec,offload runs a subset (the scripts are bench/<name>.mjs).
const onlyArg = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const selected = onlyArg ? onlyArg.split(',') : ['codec', 'offload', 'capture', 'scapy', 'tshark'];
const allocations = [];
for (const name of selected) {
  let mod;
  try {
    mod = await import(`./${name}.mjs`);
  } catch (e) {
    if (e?.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes(`${name}.mjs`)) continue;
    throw e;
  }
  process.stderr.write(`${name}:\n`);
  const allocs = await mod.run(lib);
  if (Array.isArray(allocs)) allocations.push(...allocs);
}

console.log(`\nnode ${process.version} · ${os.cpus()[0]?.model ?? 'unknown CPU'} · ${QUICK ? 'quick mode (figures are rough)' : 'full run'} · ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
console.log(table());
if (allocations.length) {
  console.log('\n| hot path | heap bytes allocated per call |\n|---|---|');
  for (const a of allocations) console.log(`| ${a.name} | ${Number.isFinite(a.bytes) ? a.bytes.toFixed(1) : 'n/a (run with --expose-gc)'} |`);
}
const unmet = unmetGoals();
if (unmet.length) console.log(`\nGoals not met in this run: ${unmet.map((r) => `${r.operation} [${r.size}] ${r.ratio.toFixed(2)}× < ${r.goal}×`).join('; ')}`);
