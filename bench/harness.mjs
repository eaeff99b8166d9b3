// Shared benchmark harness: warm-up, calibrated batches, then short interleaved rounds of candidate
// and baseline; a ratio is the median of per-round ratios, printed with its spread. No framework.
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

/**
 * Every array a goal row copies lives in one arena at a fixed page offset, so that every process copies
 * between the same addresses modulo 4 KiB. A copy's speed depends on them, and on an AMD host very much
 * so: glibc's memmove (2.36, Debian 12) copies 2 KiB and more with `rep movsb`, which runs 13-20x slower
 * when the destination lies 1-15 bytes above the source modulo 4 KiB (measured on the AMD EPYC host:
 * 64 KiB in 26-35 µs instead of 1.6-2 µs; 9000 B in 4 µs instead of 0.2 µs; 2x slower at 16-31 bytes;
 * unaffected at 1500 B and with GLIBC_TUNABLES=glibc.cpu.x86_rep_movsb_threshold set above the size).
 * Separately allocated arrays landed in that window in some processes and not in others: the same
 * segmentInto row read 0.46x in one process and 3.0x in the next, its baseline's 64 KiB set() 20x
 * slower. A destination just below its source (load/store aliasing) costs up to 8 % on Intel too.
 *
 * The arena is larger than glibc's largest mmap threshold (32 MiB), so it is always a fresh mapping,
 * which glibc hands out 16 bytes past a page boundary: an array at arena offset `o` sits at address
 * 16 + o modulo 4 KiB in every process. WebAssembly memory (the checksum kernel's staging and output
 * areas) is page-aligned, so arrays at page offsets well away from 0 in both directions stay out of the
 * window for copies into and out of the kernel as well. Not freed: one per process (bench/run.mjs runs
 * each case in a process of its own).
 */
const ARENA_BYTES = 48 << 20;
const PAGE = 4096;
let arena = null;
let arenaUsed = 0;

/** A `length`-byte array in the arena whose first byte sits at `pageOffset` modulo 4 KiB (see above). */
export function pinned(length, pageOffset = 16) {
  arena ??= new ArrayBuffer(ARENA_BYTES);
  // The arena's own start is at 16 modulo 4 KiB: offset o is at 16 + o.
  let at = arenaUsed - (arenaUsed % PAGE) + ((pageOffset - 16 + PAGE) % PAGE);
  if (at < arenaUsed) at += PAGE;
  if (at + length > ARENA_BYTES) throw new Error(`bench arena full: ${length} bytes at ${at}`);
  arenaUsed = at + length;
  return new Uint8Array(arena, at, length);
}

/** A copy of `bytes` in the arena at `pageOffset` modulo 4 KiB. */
export function pinnedCopy(bytes, pageOffset = 16) {
  const copy = pinned(bytes.length, pageOffset);
  copy.set(bytes);
  return copy;
}

/**
 * A source and a destination array for a set() baseline: the source at page offset 16, the destination
 * 2 KiB after it modulo 4 KiB (far from both aliasing windows).
 */
export function pinnedPair(srcLength, dstLength) {
  return { src: pinned(srcLength, 16), dst: pinned(dstLength, 16 + 2048) };
}

/** Records heap bytes allocated per call of a hot path (see bytesPerCall). */
export function recordAllocation(name, bytes) {
  allocations.push({ name, bytes });
}

export function recordedAllocations() {
  return allocations;
}

/**
 * Sink that keeps results alive so the JIT cannot drop the work. A module-local variable: when it was
 * an exported `let`, each write went through the module's binding cell, and whether that write was
 * optimised varied from process to process, so a 64-byte set() ran at 40 or at 80 M/s by the luck of
 * the process (both sides of a comparison alike, but a candidate and a different baseline not).
 */
let sinkValue = 0;
export function consume(v) {
  sinkValue = (sinkValue + (typeof v === 'number' ? v : v ? 1 : 0)) | 0;
}

/** The sink's value (printed nowhere; exists so that the sink is observable). */
export function sink() {
  return sinkValue;
}

/**
 * A timing loop of its own for each measured function. One shared loop would see every case's
 * closure at its `fn(i)` call site: V8 inlines the closure into the loop while that site has seen
 * few of them and stops once it has seen many, so a case's figure (and its baseline's) would depend
 * on how many cases ran before it. A loop compiled from source has its own feedback, like the hot
 * loop of an application that calls one function.
 */
let timers = 0;
function makeTimer() {
  // A distinct source text for each timer: V8 caches compilations by source, and two timers compiled
  // from one text share their bytecode and its call-site feedback, so the candidate's and the
  // baseline's closures met at one `fn(i)` site (a self-check of two identical copies read 1.07×).
  timers++;
  return new Function(
    'performance',
    `return function timeBatch${timers}(fn, iterations) { const t0 = performance.now(); for (let i = 0; i < iterations; i++) fn(i); return performance.now() - t0; };`,
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

function quantile(sorted, q) {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function median(xs) {
  return quantile([...xs].sort((a, b) => a - b), 0.5);
}

/** Median and spread (the 10th and 90th percentiles) of per-round ratios. */
export function summarise(ratios) {
  const s = [...ratios].sort((a, b) => a - b);
  return { ratio: quantile(s, 0.5), spread: [quantile(s, 0.1), quantile(s, 0.9)], rounds: s.length };
}

/**
 * Measures ops/s of `candidate` and `baseline` in interleaved short rounds: each round times a batch
 * of the candidate and a batch of the baseline back to back (in alternating order, ABBA…), and the
 * ratio of that round is taken at once. A busy machine slows both sides of a round alike, so the
 * median of per-round ratios holds still where medians taken per side drift apart (rows doing
 * identical work moved by ±40 % when each side was sampled in its own long batches). The spread is
 * the 10th–90th percentile of the per-round ratios.
 * Returns { ops, baseOps, ratio, spread: [lo, hi], rounds } (ratio = ops / baseOps, higher is better).
 */
export function compare(candidate, baseline, options) {
  return compareEach([candidate], baseline, options)[0];
}

/**
 * {@link compare} for several candidates doing identical work (decapsulation of frames that differ only
 * past the headers it reads), each against the same baseline, in the same rounds: each round times every
 * candidate beside its own batch of the baseline. This host's speed changes by up to 40 % from one
 * minute to the next (a shared machine), and not alike for every kind of work: the same decapsulation
 * read 0.98× in one process and 0.87× in another a few seconds later. Measured in separate processes,
 * identical work read up to 15 % apart; measured in one process, round by round, every row sees the
 * same machine. Returns one result per candidate, as compare() gives it.
 */
export function compareEach(candidates, baseline, { rounds = QUICK ? 9 : 41, roundMs = QUICK ? 3 : 12, warmupMs = QUICK ? 20 : 300 } = {}) {
  // First a few direct calls, so that every closure has its feedback vector before a timing loop
  // is optimised. A closure made at a site that has made many (a case per loop iteration) gets its
  // vector lazily, after some calls; a loop optimised before that cannot inline it ("no feedback
  // vector"), and then candidate and baseline were measured with or without a call's overhead by chance.
  for (let i = 0; i < 64; i++) {
    for (const candidate of candidates) candidate(i);
    if (baseline) baseline(i);
  }
  // Warm-up in throw-away loops, so that every function reaches its optimised tier before the
  // measuring loops are compiled: a loop optimised while the function it calls was still in a lower
  // tier keeps calling it instead of inlining it (the same decapsulation read 45 M/s in a process's
  // first comparison and 65 M/s in its second).
  for (let k = 0; k < 2; k++) {
    const warmCandidates = candidates.map(() => makeTimer());
    const warmBaseline = makeTimer();
    const end = performance.now() + warmupMs / 2;
    while (performance.now() < end) {
      candidates.forEach((candidate, j) => warmCandidates[j](candidate, 1000));
      if (baseline) warmBaseline(baseline, 1000);
    }
  }
  const timeCandidates = candidates.map(() => makeTimer());
  const timeBaseline = makeTimer();
  const end = performance.now() + warmupMs / 2;
  while (performance.now() < end) {
    candidates.forEach((candidate, j) => timeCandidates[j](candidate, 1000));
    if (baseline) timeBaseline(baseline, 1000);
  }
  const nc = candidates.map((candidate, j) => calibrate(timeCandidates[j], candidate, roundMs));
  const nb = baseline ? calibrate(timeBaseline, baseline, roundMs) : 0;
  const c = candidates.map(() => []);
  const b = candidates.map(() => []);
  const ratios = candidates.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (let j = 0; j < candidates.length; j++) {
      let tc;
      let tb = NaN;
      if (r & 1 && baseline) {
        tb = timeBaseline(baseline, nb);
        tc = timeCandidates[j](candidates[j], nc[j]);
      } else {
        tc = timeCandidates[j](candidates[j], nc[j]);
        if (baseline) tb = timeBaseline(baseline, nb);
      }
      const co = (nc[j] / tc) * 1000;
      c[j].push(co);
      if (baseline) {
        const bo = (nb / tb) * 1000;
        b[j].push(bo);
        ratios[j].push(co / bo);
      }
    }
  }
  return candidates.map((_, j) => {
    const ops = median(c[j]);
    if (!baseline) return { ops, baseOps: NaN, ratio: NaN, spread: undefined, rounds };
    return { ops, baseOps: median(b[j]), ...summarise(ratios[j]) };
  });
}

/**
 * A warmed-up meter for `fn`: returns a function that times one batch of about `ms` milliseconds and
 * gives its rate in calls per second. For rounds alternated with something that is not a function
 * of this process (a peer tool's rounds).
 */
export function rateMeter(fn, ms) {
  for (let i = 0; i < 64; i++) fn(i);
  const warm = makeTimer();
  const end = performance.now() + (QUICK ? 20 : 300);
  while (performance.now() < end) warm(fn, 100);
  const timer = makeTimer();
  const n = calibrate(timer, fn, ms);
  return () => (n / timer(fn, n)) * 1000;
}

/**
 * Alternates two measurements that each return a rate (work per second), e.g. a run of our CLI and a
 * run of a peer tool, for `rounds` pairs (order alternating), and summarises the per-pair ratios
 * a / b. Peers are measured beside us this way, never sampled once before or after.
 */
export function alternate(a, b, rounds) {
  const as = [];
  const bs = [];
  const ratios = [];
  for (let r = 0; r < rounds; r++) {
    let ra;
    let rb;
    if (r & 1) {
      rb = b();
      ra = a();
    } else {
      ra = a();
      rb = b();
    }
    as.push(ra);
    bs.push(rb);
    ratios.push(ra / rb);
  }
  return { ops: median(as), baseOps: median(bs), ...summarise(ratios) };
}

/**
 * {@link alternate} for measurements that return a duration in milliseconds (a run of our command and
 * of a peer's): `rounds` pairs in alternating order, the per-pair ratio theirs / ours (above 1: ours
 * is faster), and the median durations of each side.
 */
export function alternateTimes(ours, theirs, rounds) {
  const r = alternate(() => 1000 / ours(), () => 1000 / theirs(), rounds);
  return { ...r, ms: 1000 / r.ops, baseMs: 1000 / r.baseOps };
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

/** Formats a ratio with its spread: `0.72× (0.70–0.75)`. */
export function fmtRatio(ratio, spread) {
  if (!Number.isFinite(ratio)) return '–';
  const r = ratio >= 100 ? ratio.toFixed(0) : ratio.toFixed(2);
  if (!spread) return `${r}×`;
  const f = (x) => (ratio >= 100 ? x.toFixed(0) : x.toFixed(2));
  return `${r}× (${f(spread[0])}–${f(spread[1])})`;
}

/**
 * Records a table row. `goal` is a minimum ratio (or undefined); `spread` the 10th–90th percentile of
 * the per-round ratios; `same` names a set of rows doing identical work (see consistency()).
 */
export function record({ operation, size, ops, baseline, baseOps, ratio, spread, goal, bytes, note, same }) {
  rows.push({ operation, size, ops, baseline, baseOps, ratio, spread, goal, bytes, note, same });
  process.stderr.write(`  ${operation} [${size}] ${fmt(ops)} ops/s  ratio ${fmtRatio(ratio, spread)}${goal ? ` (goal ≥ ${goal})` : ''}\n`);
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
  const head = '| operation | size | ops/s | bytes/s | baseline | baseline ops/s | ratio (10th–90th pct of rounds) | goal | met |\n|---|---|---|---|---|---|---|---|---|';
  const lines = rows.map((r) => {
    const met = r.goal === undefined || !Number.isFinite(r.ratio) ? '' : r.ratio >= r.goal ? 'yes' : '**no**';
    return `| ${r.operation} | ${r.size} | ${fmt(r.ops)} | ${fmtBytes(r.bytes ? r.ops * r.bytes : NaN)} | ${r.baseline ?? ''} | ${fmt(r.baseOps)} | ${fmtRatio(r.ratio, r.spread)} | ${r.goal !== undefined ? '≥ ' + r.goal + '×' : ''} | ${met}${r.note ? ' ' + r.note : ''} |`;
  });
  return [head, ...lines].join('\n');
}

export function unmetGoals() {
  return rows.filter((r) => r.goal !== undefined && Number.isFinite(r.ratio) && r.ratio < r.goal);
}

/**
 * Rows doing identical work (the same `same` tag: e.g. decapsulation, which reads the headers and not
 * the inner frame, of 64, 1500 and 9000-byte inner frames) must read alike: for each set, the largest
 * ratio over the smallest, minus one. The harness's own goal is ≤ 10 %.
 */
export function consistency() {
  const sets = new Map();
  for (const r of rows) {
    if (r.same === undefined || !Number.isFinite(r.ratio)) continue;
    if (!sets.has(r.same)) sets.set(r.same, []);
    sets.get(r.same).push(r);
  }
  return [...sets].map(([same, rs]) => {
    const ratios = rs.map((r) => r.ratio);
    const max = Math.max(...ratios);
    const min = Math.min(...ratios);
    return { same, rows: rs.length, min, max, deviation: max / min - 1 };
  });
}
