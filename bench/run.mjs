// Runs every benchmark script and prints one Markdown table.
//   npm run bench              full run (several minutes)
//   npm run bench -- --quick   brief run of every case (CI: checks the benchmarks work, asserts no timing)
//   npm run bench -- --only=codec,offload   a subset of the groups (bench/<group>.mjs)
//   npm run bench -- --match=encapsulateInto   only the cases whose name contains this text
//   npm run bench -- --save=run1.json   also write the run's rows as JSON (for bench/update-docs.mjs)
// Every case (a benchCase in bench/<group>.mjs) runs in a process of its own, so no case's figures
// depend on what V8 learned from another's (see harness.mjs).
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { QUICK, addRows, consistency, declaredCases, recordedAllocations, recordedRows, table, unmetGoals } from './harness.mjs';

// --only codec,offload runs a subset (the scripts are bench/<name>.mjs).
const onlyArg = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const selected = onlyArg ? onlyArg.split(',') : ['codec', 'offload', 'rss', 'nve', 'capture', 'bounded', 'scapy', 'tshark', 'jobs'];
const CHILD = process.argv.includes('--child');
const match = process.argv.find((a) => a.startsWith('--match='))?.slice('--match='.length);
const save = process.argv.find((a) => a.startsWith('--save='))?.slice('--save='.length);
for (const name of selected) {
  if (!existsSync(new URL(`./${name}.mjs`, import.meta.url))) throw new Error(`no benchmark group "${name}" (bench/${name}.mjs)`);
}

if (CHILD) {
  // --list: the group's case names; --case=K: case K, in this fresh process.
  const lib = await import('../dist/index.js');
  const [name] = selected;
  const mod = await import(`./${name}.mjs`);
  await mod.run(lib);
  process.stdout.write(JSON.stringify({ cases: declaredCases(), rows: recordedRows(), allocs: recordedAllocations() }));
  process.exit(0);
}

const self = fileURLToPath(import.meta.url);
function child(name, extra) {
  const args = [...process.execArgv, self, `--only=${name}`, '--child', ...extra, ...(QUICK ? ['--quick'] : [])];
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`benchmark ${name} ${extra.join(' ')} failed (exit ${r.status ?? r.signal})`);
  return JSON.parse(r.stdout);
}

const started = Date.now();
process.stderr.write(`nvgre benchmarks${QUICK ? ' (quick)' : ''}: node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores\n`);
const allocations = [];
for (const name of selected) {
  const { cases } = child(name, ['--list']);
  const chosen = cases.map((caseName, k) => ({ caseName, k })).filter(({ caseName }) => match === undefined || caseName.includes(match));
  process.stderr.write(`${name} (${chosen.length} of ${cases.length} cases, one process each):\n`);
  for (const { caseName, k } of chosen) {
    const { rows, allocs } = child(name, [`--case=${k}`]);
    if (rows.length === 0) throw new Error(`benchmark ${name} case "${caseName}" recorded no figure`);
    addRows(rows);
    allocations.push(...allocs);
  }
}

console.log(`\nnode ${process.version} · ${os.cpus()[0]?.model ?? 'unknown CPU'} · ${QUICK ? 'quick mode (figures are rough)' : 'full run'} · ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
console.log(table());
if (allocations.length) {
  console.log('\n| hot path | heap bytes allocated per call |\n|---|---|');
  for (const a of allocations) console.log(`| ${a.name} | ${Number.isFinite(a.bytes) ? a.bytes.toFixed(1) : 'n/a (run with --expose-gc)'} |`);
}
const sets = consistency();
if (sets.length) {
  // The harness's own goal: rows doing identical work, measured in separate processes, read within ±10 %.
  console.log('\n| rows doing identical work | rows | lowest ratio | highest ratio | highest / lowest − 1 | goal | met |\n|---|---|---|---|---|---|---|');
  for (const c of sets) {
    console.log(`| ${c.same} | ${c.rows} | ${c.min.toFixed(2)}× | ${c.max.toFixed(2)}× | ${(c.deviation * 100).toFixed(1)} % | ≤ 10 % | ${c.deviation <= 0.1 ? 'yes' : '**no**'} |`);
  }
}
const unmet = [...unmetGoals().map((r) => `${r.operation} [${r.size}] ${r.ratio.toFixed(2)}× < ${r.goal}×`), ...sets.filter((c) => c.deviation > 0.1).map((c) => `identical work "${c.same}" differs by ${(c.deviation * 100).toFixed(1)} % > 10 %`)];
// Quick mode warms each case for 20 ms, too little for V8 to finish optimising: its ratios say only that a case runs.
const unmetLabel = QUICK ? 'Below goal in this quick run (too short to judge; the full run decides)' : 'Goals not met in this run';
if (unmet.length) console.log(`\n${unmetLabel}: ${unmet.join('; ')}`);
if (save) {
  const run = {
    date: new Date().toISOString(),
    node: process.version,
    cpu: os.cpus()[0]?.model ?? 'unknown CPU',
    cores: os.cpus().length,
    platform: `${os.type()} ${os.arch()}`,
    quick: QUICK,
    seconds: Math.round((Date.now() - started) / 1000),
    groups: selected,
    rows: recordedRows(),
    allocations,
    sets,
  };
  writeFileSync(save, JSON.stringify(run, null, 1));
  process.stderr.write(`rows written to ${save}\n`);
}
