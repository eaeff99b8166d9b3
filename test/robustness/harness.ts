/**
 * Shared machinery of the robustness properties (issue 6):
 *
 * - the input pools: frames of the whole matrix (test/helpers/arbitraries.ts, test/offload/arbitraries.ts),
 *   the Scapy known-answer vectors and every frame of every capture in test/corpus/data/raw (plus
 *   those of NVGRE_EXTRA_CAPTURES, when set: test/helpers/corpus.ts), and
 *   the hostile forms of each (random bytes, random truncations, random single-byte and multi-byte
 *   mutations);
 * - placement: an input copied to a random byteOffset of a larger buffer whose every other byte is a
 *   guard (0xA5, or pseudo-random), so a property can require that (a) a view gives exactly the result
 *   of a fresh copy, (b) two different guard patterns give identical results — no byte past the end
 *   influences a result — and (c) no guard byte is ever written;
 * - outcomes: a function's result (serialized) or its `NvgreError` (as `toInfo()`); any other exception
 *   propagates and fails the property;
 * - run counts: modest under `npx vitest run`, large under `vitest.fuzz.config.ts` (FUZZ_RUNS), and a
 *   per-property count of the cases actually run, which the fuzz run prints as a table.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, inject } from 'vitest';
import { fromHex, toHex } from '../../src/wire/bytes.js';
import { NvgreError } from '../../src/wire/errors.js';
import { FrameLayout, walkFrame } from '../../src/wire/layout.js';
import { buildFrame } from '../../src/frame/build.js';
import { readCapture } from '../../src/capture/stream.js';
import { CORPUS_DIR, corpusCaptures, corpusFiles, extraCaptures, requireCorpus } from '../helpers/corpus.js';
import { innerFrame, nvgreFrame } from '../helpers/arbitraries.js';
import { scapyVectors, vectorBytes } from '../helpers/vectors.js';
import { arbFrameSpec } from '../offload/arbitraries.js';

// ---------------------------------------------------------------------------------------------
// Run counts

declare module 'vitest' {
  export interface ProvidedContext {
    /** Set by the fuzz config's global setup: where each file leaves its per-property case counts. */
    nvgreFuzzDir: string;
  }
}

/** True under `vitest run --config vitest.fuzz.config.ts`. */
export const FUZZING = process.env.NVGRE_FUZZ === '1';

/**
 * Total fuzz cases the fuzz run aims at; each property gets `FUZZ_RUNS × weight` (weights sum to more
 * than 1 over all properties, so the default 1,000,000 is a floor on the total).
 */
export const FUZZ_RUNS = (() => {
  const n = Number(process.env.FUZZ_RUNS);
  return Number.isInteger(n) && n > 0 ? n : 1_000_000;
})();

/** Runs of a property: `modest` normally; `FUZZ_RUNS × weight` (at least `modest`) when fuzzing. */
export function runsOf(modest: number, weight: number): number {
  if (!FUZZING) {
    const env = Number(process.env.PROPERTY_RUNS);
    return Number.isInteger(env) && env > 0 ? Math.min(env, modest * 10) : modest;
  }
  return Math.max(modest, Math.round(FUZZ_RUNS * weight));
}

const counts = new Map<string, { cases: number; ms: number }>();

/**
 * Runs `fc.assert` for the property `name` over `arb` with `runs` cases, counting every case executed
 * and the wall time (for the fuzz summary).
 */
export function check<T>(name: string, arb: fc.Arbitrary<T>, predicate: (value: T) => void, runs: number): void {
  const c = counts.get(name) ?? { cases: 0, ms: 0 };
  counts.set(name, c);
  const start = performance.now();
  try {
    fc.assert(
      fc.property(arb, (value) => {
        c.cases++;
        predicate(value);
      }),
      { numRuns: runs },
    );
  } finally {
    c.ms += performance.now() - start;
  }
}

/** {@link check} for an async predicate. */
export async function checkAsync<T>(name: string, arb: fc.Arbitrary<T>, predicate: (value: T) => Promise<void>, runs: number): Promise<void> {
  const c = counts.get(name) ?? { cases: 0, ms: 0 };
  counts.set(name, c);
  const start = performance.now();
  try {
    await fc.assert(
      fc.asyncProperty(arb, async (value) => {
        c.cases++;
        await predicate(value);
      }),
      { numRuns: runs },
    );
  } finally {
    c.ms += performance.now() - start;
  }
}

/** Case counts of this file, for the fuzz summary (see fuzz-summary.ts). */
export function reportCounts(file: string): void {
  afterAll(() => {
    if (!FUZZING) return;
    let dir: string | undefined;
    try {
      dir = inject('nvgreFuzzDir');
    } catch {
      dir = undefined;
    }
    if (!dir) return;
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `${file}.json`), JSON.stringify(Object.fromEntries(counts)));
  });
}

// ---------------------------------------------------------------------------------------------
// Outcomes

export type Outcome = { readonly ok: true; readonly value: string } | { readonly ok: false; readonly error: string };

/** JSON with byte arrays as hex (and a marker, so bytes never compare equal to a string). */
export function stable(value: unknown): string {
  // The holder's raw value, before any toJSON (a Buffer would serialize as { type, data }).
  return (
    JSON.stringify(value, function (this: Record<string, unknown>, k: string, v: unknown) {
      const raw = k === '' ? value : this[k];
      return raw instanceof Uint8Array ? `bytes:${toHex(raw)}` : typeof v === 'bigint' ? `bigint:${v}` : v;
    }) ?? 'undefined'
  );
}

/** The result of `f` serialized, or its NvgreError; any other exception propagates (the property fails). */
export function outcome(f: () => unknown, serialize: (v: never) => unknown = (v) => v): Outcome {
  let v: unknown;
  try {
    v = f();
  } catch (e) {
    if (e instanceof NvgreError) return { ok: false, error: stable(e.toInfo()) };
    throw e;
  }
  return { ok: true, value: stable((serialize as (v: unknown) => unknown)(v)) };
}

/** Runs `f` expecting it never to throw at all (lint, tryDecapsulate, parseFrame partial, Reassembler.push). */
export function never<T>(what: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw new Error(`${what} threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`, { cause: e });
  }
}

// ---------------------------------------------------------------------------------------------
// Placement in guard-filled buffers

export interface Placement {
  /** byteOffset of the input inside the larger buffer. */
  readonly at: number;
  /** Guard bytes after the input. */
  readonly after: number;
  /** Seed of the pseudo-random guard pattern (pattern B); pattern A is 0xA5. */
  readonly seed: number;
}

export const placement: fc.Arbitrary<Placement> = fc.record({
  at: fc.oneof(fc.constantFrom(1, 2, 3, 5, 7, 8), fc.integer({ min: 0, max: 64 })),
  after: fc.oneof(fc.constantFrom(0, 1, 4), fc.integer({ min: 0, max: 48 })),
  seed: fc.integer({ min: 1, max: 0x7fffffff }),
});

export interface Embedded {
  /** The whole buffer, guards included. */
  readonly whole: Uint8Array;
  /** The input: `whole.subarray(at, at + length)`. */
  readonly view: Uint8Array;
  /** A copy of `whole` taken right after placement. */
  readonly before: Uint8Array;
}

/** xorshift32 bytes: guard pattern B. */
function guardByte(state: { x: number }): number {
  let x = state.x;
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  state.x = x >>> 0;
  return state.x & 0xff;
}

/** `bytes` copied to byteOffset `p.at` of a buffer filled with guard pattern A (0xA5) or B (pseudo-random from `p.seed`). */
export function embed(bytes: Uint8Array, p: Placement, pattern: 'A' | 'B'): Embedded {
  const whole = new Uint8Array(p.at + bytes.length + p.after);
  if (pattern === 'A') whole.fill(0xa5);
  else {
    const s = { x: p.seed || 1 };
    for (let i = 0; i < whole.length; i++) whole[i] = guardByte(s);
  }
  whole.set(bytes, p.at);
  return { whole, view: whole.subarray(p.at, p.at + bytes.length), before: whole.slice() };
}

/** Byte positions (relative to the view) where `e.whole` differs from its snapshot, or where a guard changed. */
export function changes(e: Embedded, at: number): { inside: number[]; guards: number[] } {
  const inside: number[] = [];
  const guards: number[] = [];
  for (let i = 0; i < e.whole.length; i++) {
    if (e.whole[i] === e.before[i]) continue;
    if (i >= at && i < at + e.view.length) inside.push(i - at);
    else guards.push(i);
  }
  return { inside, guards };
}

/** Indices where two equal-length arrays differ. */
export function diff(a: Uint8Array, b: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) out.push(i);
  return out;
}

/**
 * The heart of every read-only property: `f` on a fresh copy, and on the input embedded at a random
 * offset among guard pattern A and among guard pattern B, gives the same outcome; nothing (input or
 * guards) is written. Returns the outcome.
 */
export function sameEverywhere(bytes: Uint8Array, p: Placement, f: (view: Uint8Array) => unknown, serialize?: (v: never) => unknown): Outcome {
  const copy = bytes.slice();
  const fresh = outcome(() => f(copy), serialize);
  if (diff(copy, bytes).length !== 0) throw new Error(`a read-only function wrote to its input at ${diff(copy, bytes).join(', ')}`);
  for (const pattern of ['A', 'B'] as const) {
    const e = embed(bytes, p, pattern);
    const got = outcome(() => f(e.view), serialize);
    if (got.ok !== fresh.ok || (got.ok ? got.value : got.error) !== (fresh.ok ? fresh.value : fresh.error)) {
      throw new Error(
        `outcome differs at byteOffset ${p.at} among guard pattern ${pattern} from a fresh copy:\n  fresh: ${(fresh.ok ? fresh.value : fresh.error).slice(0, 600)}\n  view:  ${(got.ok ? got.value : got.error).slice(0, 600)}`,
      );
    }
    const c = changes(e, p.at);
    if (c.inside.length + c.guards.length !== 0) throw new Error(`a read-only function wrote bytes (input ${c.inside.join(',')}; guards ${c.guards.join(',')})`);
  }
  return fresh;
}

// ---------------------------------------------------------------------------------------------
// Input pools

// The capture corpus (test/helpers/corpus.ts): a missing corpus is an error, not an empty pool that
// would quietly leave real captures out of every property.
requireCorpus();

/**
 * Every capture file of the corpus (pcap and pcapng, whatever the extension), by path relative to
 * raw/, then those of NVGRE_EXTRA_CAPTURES ("extra:" + path), if any.
 */
export const CORPUS_CAPTURES: ReadonlyArray<{ readonly name: string; readonly bytes: Uint8Array }> = [...corpusCaptures(), ...extraCaptures()].map((c) => ({
  name: c.name,
  bytes: c.bytes.slice(),
}));

/** Every frame of every capture above (a capture readCapture refuses gives none), plus the hex-dump packet(s) (`.dat`) of the corpus. */
export const CORPUS_FRAMES: readonly Uint8Array[] = [
  ...CORPUS_CAPTURES.flatMap((c) => {
    try {
      return readCapture(c.bytes).records.map((r) => r.data.slice());
    } catch {
      return [];
    }
  }),
  ...corpusFiles('raw')
    .filter((f) => f.endsWith('.dat'))
    .map((f) => fromHex(readFileSync(path.join(CORPUS_DIR, f), 'utf8'))),
];

/** The Scapy known-answer vectors (test/fixtures/scapy/vectors.json). */
export const SCAPY_FRAMES: readonly Uint8Array[] = scapyVectors.map(vectorBytes);

/** Valid frames of the whole matrix: NVGRE (nested, tagged, fragments, trailers, reserved VSIDs), plain frames, offload matrix, vectors, corpus. */
export const validFrame: fc.Arbitrary<Uint8Array> = fc.oneof(
  { weight: 4, arbitrary: nvgreFrame({ trailer: true, reservedVsid: true, inner: { vlans: 1, fragments: true } }).map((x) => x.bytes) },
  { weight: 1, arbitrary: nvgreFrame({ depth: 2, trailer: true }).map((x) => x.bytes) },
  { weight: 1, arbitrary: nvgreFrame({ depth: 3, outerExtras: false, inner: { kinds: ['ipv4', 'raw'], ipExtras: false } }).map((x) => x.bytes) },
  { weight: 2, arbitrary: arbFrameSpec({ maxPayload: 400 }).map((s) => buildFrame(s)) },
  { weight: 1, arbitrary: innerFrame({ vlans: 2, fragments: true }).map((x) => x.bytes) },
  { weight: 2, arbitrary: fc.constantFrom(...SCAPY_FRAMES) },
  ...(CORPUS_FRAMES.length > 0 ? [{ weight: 2, arbitrary: fc.constantFrom(...CORPUS_FRAMES) }] : []),
);

function mutate(frame: Uint8Array, edits: ReadonlyArray<readonly [number, number]>): Uint8Array {
  const f = frame.slice();
  if (f.length > 0) for (const [i, v] of edits) f[i % f.length] = v;
  return f;
}

/**
 * One of the frame's IP or UDP length fields set to a value no larger than it was: the datagram (or
 * segment) then ends inside the frame, followed by bytes that are padding as far as it is concerned.
 */
function shrinkLength(frame: Uint8Array, which: number, value: number): Uint8Array {
  const f = frame.slice();
  let l: FrameLayout;
  try {
    l = walkFrame(f, new FrameLayout(), 0, f.length, { lenient: true });
  } catch {
    return f;
  }
  // [field offset, the smallest value that still covers its own header]
  const fields: Array<[number, number]> = [];
  for (const ip of [l.outerIp, l.innerIp]) {
    if (ip.version === 4) fields.push([ip.offset + 2, ip.headerLength]);
    else if (ip.version === 6) fields.push([ip.offset + 4, ip.headerLength - 40]);
  }
  if (l.transportProtocol === 17 && l.transportOffset >= 0 && l.transportEnd - l.transportOffset >= 8) fields.push([l.transportOffset + 4, 8]);
  if (fields.length === 0) return f;
  const [at, floor] = fields[which % fields.length]!;
  const current = (f[at]! << 8) | f[at + 1]!;
  // Uniformly smaller, or near the boundaries: just past the header (ports, first payload bytes), just below the original.
  const k = (value >>> 2) % 10;
  const v = Math.max(0, Math.min(current, value % 3 === 0 ? value % (current + 1) : value % 3 === 1 ? floor + k : current - k));
  f[at] = v >>> 8;
  f[at + 1] = v & 0xff;
  return f;
}

/** A valid frame, or one made hostile: random bytes, a random truncation, a single-byte mutation, several mutations (± a cut). */
export const hostileFrame: fc.Arbitrary<Uint8Array> = fc.oneof(
  { weight: 2, arbitrary: validFrame },
  { weight: 3, arbitrary: fc.tuple(validFrame, fc.nat()).map(([f, n]) => f.slice(0, n % (f.length + 1))) },
  { weight: 4, arbitrary: fc.tuple(validFrame, fc.nat(), fc.integer({ min: 0, max: 255 })).map(([f, i, v]) => mutate(f, [[i, v]])) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(validFrame, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 2, maxLength: 8 }), fc.option(fc.nat(), { nil: undefined }))
      .map(([f, edits, cut]) => {
        const m = mutate(f, edits);
        return cut === undefined ? m : m.slice(0, cut % (m.length + 1));
      }),
  },
  { weight: 2, arbitrary: fc.tuple(validFrame, fc.nat(), fc.nat()).map(([f, which, v]) => shrinkLength(f, which, v)) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 160 }) },
);

/** A frame's bytes as hex (for failure messages and regression tests). */
export function hex(b: Uint8Array): string {
  return toHex(b);
}
