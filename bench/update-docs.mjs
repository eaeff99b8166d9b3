// Regenerates the performance tables of README.md and bench/README.md from saved full runs:
//   npm run bench -- --save=/tmp/run1.json   (three times, one after another)
//   node bench/update-docs.mjs /tmp/run1.json /tmp/run2.json /tmp/run3.json
// README.md: every row with a goal or a peer tool as baseline, with its ratio in each run and whether
// the goal was met in all of them. bench/README.md: the last run's full table, the identical-work
// check and the heap bytes per call. Only the text between the bench:* markers is replaced.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { addRows, fmtRatio, table } from './harness.mjs';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node bench/update-docs.mjs RUN.json [RUN.json …]  (files written by npm run bench -- --save=FILE)');
  process.exit(2);
}
const runs = files.map((f) => JSON.parse(readFileSync(f, 'utf8')));
for (const [k, r] of runs.entries()) {
  if (r.quick) throw new Error(`${files[k]} is a quick run: its ratios are too rough for the documentation`);
}
const last = runs[runs.length - 1];
const keyOf = (row) => `${row.operation}\u0000${row.size}\u0000${row.baseline}`;
const PEER = /tshark|tcpdump|Scapy/;

function replaceBetween(text, name, body) {
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error(`markers ${start} … ${end} not found`);
  return `${text.slice(0, a + start.length)}\n${body}\n${text.slice(b)}`;
}

const day = (iso) => iso.slice(0, 10);
const machine = `${last.cpu} (${last.cores} cores), ${last.platform}, Node ${last.node}`;
const dates = [...new Set(runs.map((r) => day(r.date)))].join(', ');

// README: the headline rows.
const headline = last.rows.filter((r) => r.goal !== undefined || PEER.test(r.baseline ?? ''));
const lines = [
  `${runs.length === 1 ? 'One full run' : `${runs.length} consecutive full runs`} (\`npm run bench\`, ${runs.map((r) => `${Math.round(r.seconds / 60)} min`).join(', ')}) on ${dates}: ${machine}. Each ratio is the median of per-round ratios; bench/README.md has each with the 10th–90th percentile of its rounds.`,
  '',
  `| operation | size | baseline | ${runs.map((_, k) => `run ${k + 1}`).join(' | ')} | goal | met |`,
  `|---|---|---|${runs.map(() => '---|').join('')}---|---|`,
];
// Bounded-work rows (a refusal against its time budget) are many and far from their goal: one line here,
// each of them in bench/README.md.
const BUDGET = /^time budget/;
const budgetRows = headline.filter((r) => BUDGET.test(r.baseline ?? ''));
for (const row of headline) {
  if (BUDGET.test(row.baseline ?? '')) continue;
  const ratios = runs.map((r) => r.rows.find((x) => keyOf(x) === keyOf(row)));
  const met =
    row.goal === undefined ? '' : ratios.every((x) => x !== undefined && Number.isFinite(x.ratio) && x.ratio >= row.goal) ? 'yes' : '**no**';
  // The spreads are in bench/README.md's full table (the package ships this README: it stays short).
  const cells = ratios.map((x) => (x === undefined ? '–' : fmtRatio(x.ratio)));
  lines.push(`| ${row.operation} | ${row.size} | ${row.baseline ?? ''} | ${cells.join(' | ')} | ${row.goal !== undefined ? `≥ ${row.goal}×` : ''} | ${met} |`);
}
if (budgetRows.length > 0) {
  const lowest = runs.map((r) => Math.min(...r.rows.filter((x) => BUDGET.test(x.baseline ?? '')).map((x) => x.ratio)));
  const met = runs.every((r) => r.rows.filter((x) => BUDGET.test(x.baseline ?? '')).every((x) => Number.isFinite(x.ratio) && x.ratio >= 1)) ? 'yes' : '**no**';
  lines.push(
    `| bounded work on hostile input (${budgetRows.length} rows: a refusal or a linear walk, each in bench/README.md) | | its time budget | ${lowest.map((v) => `lowest ${v >= 100 ? Math.round(v) : v.toFixed(2)}×`).join(' | ')} | ≥ 1× | ${met} |`,
  );
}
for (const set of last.sets ?? []) {
  const per = runs.map((r) => (r.sets ?? []).find((s) => s.same === set.same));
  const met = per.every((s) => s !== undefined && s.deviation <= 0.1) ? 'yes' : '**no**';
  lines.push(
    `| harness: rows doing identical work (${set.same}, ${set.rows} rows) | | each other | ${per.map((s) => (s === undefined ? '–' : `${(s.deviation * 100).toFixed(1)} % apart`)).join(' | ')} | ≤ 10 % | ${met} |`,
  );
}
const readmePath = fileURLToPath(new URL('../README.md', import.meta.url));
writeFileSync(readmePath, replaceBetween(readFileSync(readmePath, 'utf8'), 'summary', lines.join('\n')));

// bench/README.md: the last run in full.
addRows(last.rows);
const full = [`One full run (${Math.round(last.seconds / 60)} minutes) on ${day(last.date)}: ${machine}.`, '', table()];
if (last.sets?.length) {
  full.push('', '| rows doing identical work | rows | lowest ratio | highest ratio | highest / lowest − 1 | goal |', '|---|---|---|---|---|---|');
  for (const c of last.sets) full.push(`| ${c.same} | ${c.rows} | ${c.min.toFixed(2)}× | ${c.max.toFixed(2)}× | ${(c.deviation * 100).toFixed(1)} % | ≤ 10 % |`);
}
if (last.allocations?.length) {
  full.push('', '| hot path | heap bytes allocated per call |', '|---|---|');
  for (const a of last.allocations) full.push(`| ${a.name} | ${Number.isFinite(a.bytes) ? a.bytes.toFixed(1) : 'n/a'} |`);
}
const benchReadme = fileURLToPath(new URL('./README.md', import.meta.url));
writeFileSync(benchReadme, replaceBetween(readFileSync(benchReadme, 'utf8'), 'full', full.join('\n')));
console.log(`README.md and bench/README.md updated from ${files.length} run(s)`);
