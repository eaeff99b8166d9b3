// Shared benchmark harness: warm-up, calibrated batches, several samples, median; candidate and
// baseline are sampled alternately (ABAB…) so machine noise hits both alike. No framework.
import { performance } from 'node:perf_hooks';

export const QUICK = process.argv.includes('--quick');

// Each benchmark case runs in a process of its own (bench/run.mjs): V8's code for a shared function
// (its inlining, its call-site feedback) depends on what else ran in the process, and figures moved by
// ±20% with the order of cases. `--list` only names a group's cases; `--case=K` runs case K alone.
const LIST = process.argv.includes('--list');
const caseArg = process.argv.find((a) => a.startsWith('--case='));
const ONLY_CASE = caseArg === undefined ? undefined : Number(caseArg.slice('--case='.length));
const caseNames = [];
const allocations = [];

/**
 * Declares one benchmark case. Setup belongs inside `fn`, so that a process running another case
 * neither builds this one's frames nor runs its code.
 */
export async function benchCase(name, fn) {
  const k = caseNames.length;
  caseNames.push(name);
  if (LIST || (ONLY_CASE !== undefined && k !== ONLY_CASE)) return;
  await fn();
}

/** The cases declared so far (with --list: the group's whole list). */
export function declaredCases() {
  return caseNames;
}

/** Records heap bytes allocated per call of a hot path (see bytesPerCall). */
export function recordAllocation(name, bytes) {
  allocations.push({ name, bytes });
}

export function recordedAllocations() {
  return allocations;
}

/** Sink that keeps results alive so the JIT cannot drop the work. */
export let sink = 0;
export function consume(v) {
  sink = (sink + (typeof v === 'number' ? v : v ? 1 : 0)) | 0;
}

/**
 * A timing loop of its own for each measured function. One shared loop would see every case's
 * closure at its `fn(i)` call site: V8 inlines the closure into the loop while that site has seen
 * few of them and stops once it has seen many, so a case's figure (and its baseline's) would depend
 * on how many cases ran before it. A loop compiled from source has its own feedback, like the hot
 * loop of an application that calls one function.
 */
function makeTimer() {
  return new Function(
    'performance',
    'return function timeBatch(fn, iterations) { const t0 = performance.now(); for (let i = 0; i < iterations; i++) fn(i); return performance.now() - t0; };',
  )(performance);
}

function calibrate(timeBatch, fn, targetMs) {
  let n = 1;
  for (;;) {
    const ms = timeBatch(fn, n);
    if (ms >= targetMs / 4 || n >= 1 << 30) return Math.max(1, Math.round((n * targetMs) / Math.max(ms, 0.001)));
    n *= 4;
  }
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Measures ops/s of `candidate` and `baseline` side by side.
 * Returns { ops, baseOps, ratio } where ratio = ops / baseOps (higher is better for the candidate).
 */
export function compare(candidate, baseline, { samples = QUICK ? 3 : 9, sampleMs = QUICK ? 15 : 120, warmupMs = QUICK ? 20 : 300 } = {}) {
  const timeCandidate = makeTimer();
  const timeBaseline = makeTimer();
  // First a few direct calls, so that both closures have their feedback vectors before a timing loop
  // is optimised. A closure made at a site that has made many (a case per loop iteration) gets its
  // vector lazily, after some calls; a loop optimised before that cannot inline it ("no feedback
  // vector"), and then candidate and baseline were measured with or without a call's overhead by chance.
  for (let i = 0; i < 64; i++) {
    candidate(i);
    if (baseline) baseline(i);
  }
  // Warm-up: let both reach their optimised tiers.
  const end = performance.now() + warmupMs;
  while (performance.now() < end) {
    timeCandidate(candidate, 1000);
    if (baseline) timeBaseline(baseline, 1000);
  }
  const nc = calibrate(timeCandidate, candidate, sampleMs);
  const nb = baseline ? calibrate(timeBaseline, baseline, sampleMs) : 0;
  const c = [];
  const b = [];
  for (let s = 0; s < samples; s++) {
    c.push((nc / timeCandidate(candidate, nc)) * 1000);
    if (baseline) b.push((nb / timeBaseline(baseline, nb)) * 1000);
  }
  const ops = median(c);
  const baseOps = baseline ? median(b) : NaN;
  return { ops, baseOps, ratio: ops / baseOps };
}

/**
 * Bytes allocated per call, measured as heap growth over a batch small enough to stay in the young
 * generation (needs node --expose-gc; returns NaN without it).
 */
export function bytesPerCall(fn, iterations = 20000) {
  if (typeof globalThis.gc !== 'function') return NaN;
  for (let i = 0; i < 2000; i++) fn(i);
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    globalThis.gc();
    const h0 = process.memoryUsage().heapUsed;
    for (let i = 0; i < iterations; i++) fn(i);
    const h1 = process.memoryUsage().heapUsed;
    best = Math.min(best, Math.max(0, h1 - h0) / iterations);
  }
  return best;
}

const rows = [];

/** Records a table row. `goal` is a minimum ratio (or undefined). */
export function record({ operation, size, ops, baseline, baseOps, ratio, goal, bytes, note }) {
  rows.push({ operation, size, ops, baseline, baseOps, ratio, goal, bytes, note });
  const r = Number.isFinite(ratio) ? ratio.toFixed(2) : '–';
  process.stderr.write(`  ${operation} [${size}] ${fmt(ops)} ops/s  ratio ${r}${goal ? ` (goal ≥ ${goal})` : ''}\n`);
}

export function fmt(n) {
  if (!Number.isFinite(n)) return '–';
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} k`;
  return n.toFixed(n < 10 ? 2 : 0);
}

function fmtBytes(n) {
  if (!Number.isFinite(n)) return '–';
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} GB/s`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(0)} MB/s`;
  return `${(n / 1e3).toFixed(0)} kB/s`;
}

/** The rows recorded so far (a child process hands them to the parent as JSON). */
export function recordedRows() {
  return rows;
}

/** Adds rows recorded by a child process, without printing them again. */
export function addRows(more) {
  rows.push(...more);
}

export function table() {
  const head = '| operation | size | ops/s | bytes/s | baseline | baseline ops/s | ratio | goal | met |\n|---|---|---|---|---|---|---|---|---|';
  const lines = rows.map((r) => {
    const met = r.goal === undefined || !Number.isFinite(r.ratio) ? '' : r.ratio >= r.goal ? 'yes' : '**no**';
    return `| ${r.operation} | ${r.size} | ${fmt(r.ops)} | ${fmtBytes(r.bytes ? r.ops * r.bytes : NaN)} | ${r.baseline ?? ''} | ${fmt(r.baseOps)} | ${
      Number.isFinite(r.ratio) ? r.ratio.toFixed(2) + '×' : '–'
    } | ${r.goal !== undefined ? '≥ ' + r.goal + '×' : ''} | ${met}${r.note ? ' ' + r.note : ''} |`;
  });
  return [head, ...lines].join('\n');
}

export function unmetGoals() {
  return rows.filter((r) => r.goal !== undefined && Number.isFinite(r.ratio) && r.ratio < r.goal);
}
