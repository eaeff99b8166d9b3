/**
 * The one's-complement sum (RFC 1071) with WebAssembly 128-bit SIMD, for long ranges (docs/offload.md
 * §1.1). The module is assembled here by hand, byte by byte with comments, and compiled on first use:
 * no build step, no dependency, about 2.2 KB. Where WebAssembly or its SIMD is missing (or
 * `setChecksumKernel('js')` was called) the pure-TypeScript word loop of checksum.ts does the work;
 * both give identical results on every input (test/wire/checksum-simd.test.ts).
 *
 * The kernel sums little-endian 16-bit words: each 16-byte vector has its words' sign bits flipped
 * (unsigned w becomes signed w − 32768) and `i32x4.dot_i16x8_s` with a vector of ones adds neighbouring
 * words into four 32-bit lanes (one instruction on x86, where the unsigned pairwise add takes three:
 * 49 → 67 GB/s). Four accumulators take one vector each per 64-byte iteration; the four are added,
 * their lanes summed exactly in 64 bits with the 32768 per word added back, and the total folded to
 * 16 bits, so the result is a small integer (no number object for the caller to allocate). Little-endian
 * words are byte-swapped, and their sum is the byte-swapped sum (RFC 1071 §2 B): the caller swaps the
 * result back. A tail of under 16 bytes is one more vector, its bytes past the range masked off (no loop,
 * no branch where a word loop was: a 1500-byte sum 2–4 % faster, alternated runs). Each vector moves a
 * lane by at most 65536, so with at most {@link SimdKernel.CHUNK} bytes per call (4,099 vectors per accumulator) a lane stays within ±2^28 and
 * the sum of the four within ±2^30.
 *
 * For segmentInto the module also lays segments out (`segments`): the staged frame's header, then a
 * payload slice copied and summed in the same pass (`sumCopy`, the same loop with a store beside each
 * load), for a batch of segments that the caller moves out with one set(). That is three passes over
 * the payload (into the module, copy-and-sum, out) where copying in the caller took four, and no
 * built-in call per segment (a `copyWithin` of 1448 bytes costs about 17 ns more than its bytes). Then
 * `fixSegments` (checksum-simd-fix.ts) writes every segment's fields before the batch is moved out.
 */
import { typedArraySet } from './bytes.js';
import { FixParam, fixSegmentsBody } from './checksum-simd-fix.js';
import { verifyV4V4Body } from './checksum-simd-v4v4.js';
import {
  BLOCK,
  BR,
  BR_IF,
  CALL,
  END,
  I32X4_ADD,
  I32X4_DOT_I16X8_S,
  I32X4_EXTRACT_LANE,
  I8X16_LT_U,
  I8X16_SPLAT,
  I32_ADD,
  I32_AND,
  I32_CONST,
  I32_EQ,
  I32_EQZ,
  I32_GE_U,
  I32_LT_U,
  I32_STORE,
  I32_SUB,
  I32_WRAP_I64,
  I64_ADD,
  I64_AND,
  I64_CONST,
  I64_EXTEND_I32_S,
  I64_EXTEND_I32_U,
  I64_MUL,
  I64_SHR_U,
  LOCAL_GET,
  LOCAL_SET,
  LOCAL_TEE,
  LOOP,
  MEMORY_COPY,
  SELECT,
  V128_AND,
  V128_CONST,
  V128_LOAD,
  V128_STORE,
  V128_XOR,
  VOID,
  leb,
  name,
  section,
  sleb,
} from './wasm.js';

/** The kernel's limits. */
export const enum SimdKernel {
  /** Bytes staged and summed per call: 256 KiB at the start of the module's memory, 0–15 bytes in ({@link stageOffset}); a sum reads up to 16 bytes past its range, into the 16 of slack and the output area, and ignores them. */
  CHUNK = 262144,
  /** Where `segments` lays out segments: after the staging area (CHUNK + 16), 0–15 bytes in. */
  OUT = 262160,
  /** Most bytes of one batch of segments: up to SUMS, less the 15 bytes a batch may start in and the 16 its last slice's tail vector may store past its end. */
  OUT_BYTES = 262096,
  /** Where `segments` stores the slices' sums, 4 bytes each. */
  SUMS = 524288,
  /** Most slices per `segments` call. */
  SUMS_MAX = 4096,
  /** Where fixSegments' parameter block starts (checksum-simd-fix.ts FixParam): after the sums, SUMS + 4 × SUMS_MAX. */
  FIX_PARAMS = 540672,
  /** The module's memory in 64 KiB WebAssembly pages: staging, output, sums and fixSegments' parameters (8 + 0.26, rounded up). */
  PAGES = 9,
}

// Locals of `sum(p, len)`: 0 p (pointer, param), 1 len (param), 2 end, 3–6 the four accumulators (v128,
// zero at entry), 7 the sign mask (0x8000 in each 16-bit lane), 8 ones (1 in each 16-bit lane), 9 the
// sum (i64). `sumCopy(p, len, dst)` has one more parameter, so each of those after len is one higher,
// and a last local, the vector just read (v128).
interface Locals {
  readonly P: number;
  readonly LEN: number;
  /** sumCopy: where the bytes go (advances with P); -1 in sum. */
  readonly DST: number;
  readonly END_PTR: number;
  readonly ACC: readonly [number, number, number, number];
  readonly SIGN: number;
  readonly ONES: number;
  readonly SUM: number;
  /** sumCopy: a vector just loaded, stored and summed. */
  readonly VEC: number;
}

function localsOf(copy: boolean): Locals {
  const b = copy ? 1 : 0; // sumCopy's third parameter shifts every local after the first two
  return { P: 0, LEN: 1, DST: copy ? 2 : -1, END_PTR: 2 + b, ACC: [3 + b, 4 + b, 5 + b, 6 + b], SIGN: 7 + b, ONES: 8 + b, SUM: 9 + b, VEC: copy ? 11 : -1 };
}

/** sum = (sum & 0xFFFF) + (sum >>> 16), leaving sum on the stack too. */
function fold64(L: Locals): number[] {
  const S = L.SUM;
  return [LOCAL_SET, S, LOCAL_GET, S, I64_CONST, 0xff, 0xff, 0x03 /* 0xFFFF */, I64_AND, LOCAL_GET, S, I64_CONST, 0x10, I64_SHR_U, I64_ADD, LOCAL_TEE, S];
}

/**
 * acc[k] += dot(load(p + offset) ^ SIGN, ONES): each 32-bit lane gains (w0 − 32768) + (w1 − 32768) for
 * its two 16-bit words. `i32x4.dot_i16x8_s` is one instruction on x86 (pmaddwd) where the unsigned
 * pairwise add is three; flipping the sign bit maps each unsigned word onto a signed one 32768 lower,
 * which the caller adds back exactly (65536 per lane per vector). sumCopy also stores the vector at
 * dst + offset (one load serves both).
 */
function accumulate(L: Locals, k: number, offset: number): number[] {
  const acc = L.ACC[k]!;
  const load = [LOCAL_GET, L.P, ...V128_LOAD, 4, ...leb(offset)];
  if (L.DST < 0) return [LOCAL_GET, acc, ...load, LOCAL_GET, L.SIGN, ...V128_XOR, LOCAL_GET, L.ONES, ...I32X4_DOT_I16X8_S, ...I32X4_ADD, LOCAL_SET, acc];
  return [
    LOCAL_GET, L.DST, ...load, LOCAL_TEE, L.VEC, ...V128_STORE, 4, ...leb(offset),
    LOCAL_GET, acc, LOCAL_GET, L.VEC, LOCAL_GET, L.SIGN, ...V128_XOR, LOCAL_GET, L.ONES, ...I32X4_DOT_I16X8_S, ...I32X4_ADD, LOCAL_SET, acc,
  ];
}

/** sumCopy: dst += n, beside the caller's p += n (nothing in sum). */
function advance(L: Locals, n: number): number[] {
  const step = [I32_CONST, ...sleb(n), I32_ADD];
  return L.DST < 0 ? [] : [LOCAL_GET, L.DST, ...step, LOCAL_SET, L.DST];
}

/**
 * acc0 += the tail of under 16 bytes as one vector, with no loop or branch: the 16 bytes at p,
 * sign-flipped as in {@link accumulate}, then every byte at or past len & 15 cleared by a mask
 * (`i8x16.lt_u` of 0…15 against len & 15), so the bytes past the range add nothing. A whole word adds
 * w − 32768 as in the loops; an odd last byte keeps its word's low byte (network order's zero padding
 * on the right, RFC 1071 §1) and loses the flipped high bit, so it adds itself: the caller adds back
 * 32768 per whole word of the range. The load reads up to 15 bytes past the range, and sumCopy stores
 * all 16 at dst (up to 15 past the copy): the module's areas leave that slack ({@link SimdKernel}).
 */
function tailVector(L: Locals): number[] {
  const below = [...V128_CONST, ...Array.from({ length: 16 }, (_, i) => i), LOCAL_GET, L.LEN, I32_CONST, 0x0f, I32_AND, ...I8X16_SPLAT, ...I8X16_LT_U];
  const load = [LOCAL_GET, L.P, ...V128_LOAD, 4, 0];
  const vector = L.DST < 0 ? load : [LOCAL_GET, L.DST, ...load, LOCAL_TEE, L.VEC, ...V128_STORE, 4, 0, LOCAL_GET, L.VEC];
  const acc = L.ACC[0];
  return [LOCAL_GET, acc, ...vector, LOCAL_GET, L.SIGN, ...V128_XOR, ...below, ...V128_AND, LOCAL_GET, L.ONES, ...I32X4_DOT_I16X8_S, ...I32X4_ADD, LOCAL_SET, acc];
}

/**
 * The body of `sum(p, len) -> i32` (copy false) or `sumCopy(p, len, dst) -> i32` (copy true): the folded
 * sum of len bytes at p as little-endian words (any len; an odd last byte is the low byte of its word,
 * which is network order's zero padding on the right). Reads up to 16 bytes past the range. sumCopy also
 * copies the len bytes to dst (the ranges must not overlap), in the same pass: each vector is loaded
 * once, stored, and summed; it may write up to 16 bytes past dst + len, which the next segment's
 * header overwrites.
 */
function sumBody(copy: boolean): number[] {
  const L = localsOf(copy);
  const { P, LEN, END_PTR, ACC, SIGN, ONES, SUM } = L;
  const code = [
    ...V128_CONST, ...Array.from({ length: 8 }, () => [0x00, 0x80]).flat(), LOCAL_SET, SIGN,
    ...V128_CONST, ...Array.from({ length: 8 }, () => [0x01, 0x00]).flat(), LOCAL_SET, ONES,
    // end = p + (len & ~63): the 64-byte blocks
    LOCAL_GET, P, LOCAL_GET, LEN, I32_CONST, 0x40 /* -64 */, I32_AND, I32_ADD, LOCAL_SET, END_PTR,
    BLOCK, VOID,
    LOCAL_GET, P, LOCAL_GET, END_PTR, I32_GE_U, BR_IF, 0, // no whole block: skip
    LOOP, VOID,
    ...accumulate(L, 0, 0), ...accumulate(L, 1, 16), ...accumulate(L, 2, 32), ...accumulate(L, 3, 48),
    ...advance(L, 64),
    LOCAL_GET, P, I32_CONST, 0xc0, 0x00 /* 64 */, I32_ADD, LOCAL_TEE, P, LOCAL_GET, END_PTR, I32_LT_U, BR_IF, 0,
    END,
    END,
    // end = p + (len & 48): the remaining 16-byte vectors
    LOCAL_GET, P, LOCAL_GET, LEN, I32_CONST, 0x30 /* 48 */, I32_AND, I32_ADD, LOCAL_SET, END_PTR,
    BLOCK, VOID,
    LOCAL_GET, P, LOCAL_GET, END_PTR, I32_GE_U, BR_IF, 0,
    LOOP, VOID,
    ...accumulate(L, 0, 0),
    ...advance(L, 16),
    LOCAL_GET, P, I32_CONST, 0x10 /* 16 */, I32_ADD, LOCAL_TEE, P, LOCAL_GET, END_PTR, I32_LT_U, BR_IF, 0,
    END,
    END,
    ...tailVector(L),
    // acc = acc0 + acc1 + acc2 + acc3 (each lane within ±2^30), its lanes added exactly in an i64
    LOCAL_GET, ACC[0], LOCAL_GET, ACC[1], ...I32X4_ADD, LOCAL_GET, ACC[2], ...I32X4_ADD, LOCAL_GET, ACC[3], ...I32X4_ADD,
    LOCAL_SET, ACC[0],
    LOCAL_GET, ACC[0], ...I32X4_EXTRACT_LANE, 0, I64_EXTEND_I32_S,
    LOCAL_GET, ACC[0], ...I32X4_EXTRACT_LANE, 1, I64_EXTEND_I32_S, I64_ADD,
    LOCAL_GET, ACC[0], ...I32X4_EXTRACT_LANE, 2, I64_EXTEND_I32_S, I64_ADD,
    LOCAL_GET, ACC[0], ...I32X4_EXTRACT_LANE, 3, I64_EXTEND_I32_S, I64_ADD,
    // + 16384 × (len & ~1): the 32768 per whole word the sign flip took (exact, and now ≥ 0: the true sum, < 2^34)
    LOCAL_GET, LEN, I32_CONST, 0x7e /* -2 */, I32_AND, I64_EXTEND_I32_U, I64_CONST, 0x80, 0x80, 0x01 /* 16384 */, I64_MUL, I64_ADD,
    // three end-around folds (RFC 1071 §1): < 2^35 → < 2^19 + 2^16 → ≤ 0x1FFFE → ≤ 0xFFFF
    ...fold64(L), ...fold64(L), ...fold64(L),
    I32_WRAP_I64,
    END,
  ];
  // Local declarations: one i32 (end), six v128 (the accumulators, the sign mask, the ones), one i64
  // (the sum); sumCopy adds one v128 (the vector).
  const locals = copy ? [4, 1, 0x7f, 6, 0x7b, 1, 0x7e, 1, 0x7b] : [3, 1, 0x7f, 6, 0x7b, 1, 0x7e];
  const body = [...locals, ...code];
  return [...leb(body.length), ...body];
}

// Parameters of `segments(src, header, headerLength, mss, count, last, out, sums)`, and its local len.
const SRC = 0;
const HDR = 1;
const HLEN = 2;
const MSS = 3;
const COUNT = 4;
const LAST = 5;
const OUT = 6;
const SUMS = 7;
const SEG_LEN = 8;

/**
 * The body of `segments(...)`: lays `count` segments out back to back at `out`, each the `headerLength`
 * bytes at `header` then a payload slice (`mss` bytes from `src`, the next `mss` after it, …; the last
 * slice `last` bytes), and stores each slice's folded sum (as `sum` gives it) at `sums`, 4 bytes each.
 * The segments' headers are the template's, unchanged: the caller fixes their fields.
 */
function segmentsBody(): number[] {
  const code = [
    BLOCK, VOID,
    LOOP, VOID,
    LOCAL_GET, COUNT, I32_EQZ, BR_IF, 1,
    // the header: memory.copy(out, header, headerLength)
    LOCAL_GET, OUT, LOCAL_GET, HDR, LOCAL_GET, HLEN, ...MEMORY_COPY,
    // len = count === 1 ? last : mss
    LOCAL_GET, LAST, LOCAL_GET, MSS, LOCAL_GET, COUNT, I32_CONST, 1, I32_EQ, SELECT, LOCAL_SET, SEG_LEN,
    // out += headerLength; sums[…] = sumCopy(src, len, out)
    LOCAL_GET, OUT, LOCAL_GET, HLEN, I32_ADD, LOCAL_SET, OUT,
    LOCAL_GET, SUMS,
    LOCAL_GET, SRC, LOCAL_GET, SEG_LEN, LOCAL_GET, OUT, CALL, SUM_COPY_INDEX,
    I32_STORE, 2, 0,
    // src += mss; out += len; sums += 4; count −= 1
    LOCAL_GET, SRC, LOCAL_GET, MSS, I32_ADD, LOCAL_SET, SRC,
    LOCAL_GET, OUT, LOCAL_GET, SEG_LEN, I32_ADD, LOCAL_SET, OUT,
    LOCAL_GET, SUMS, I32_CONST, 4, I32_ADD, LOCAL_SET, SUMS,
    LOCAL_GET, COUNT, I32_CONST, 1, I32_SUB, LOCAL_SET, COUNT,
    BR, 0,
    END,
    END,
    END,
  ];
  const body = [1, 1, 0x7f /* one i32: len */, ...code];
  return [...leb(body.length), ...body];
}

/** Function index of sumCopy in the module (sum is 0, segments 2). */
const SUM_COPY_INDEX = 1;

/**
 * The module: `sum`, `sumCopy` (internal), `segments` and `verifyV4V4` (checksum-simd-v4v4.ts), its
 * memory exported as `mem`: staging at 0 ({@link SimdKernel.CHUNK} bytes and 16 of slack), then the
 * segments' output and their sums.
 */
export function simdModuleBytes(): Uint8Array {
  const i32 = 0x7f;
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
    // types: 0 (i32, i32) -> i32; 1 (i32, i32, i32) -> i32; 2 (i32 × 8) -> (); 3 (i32 × 4) -> ()
    ...section(1, [4, 0x60, 2, i32, i32, 1, i32, 0x60, 3, i32, i32, i32, 1, i32, 0x60, 8, i32, i32, i32, i32, i32, i32, i32, i32, 0, 0x60, 4, i32, i32, i32, i32, 0]),
    ...section(3, [5, 0, 1, 2, 0, 3]), // functions: sum, sumCopy, segments, verifyV4V4, fixSegments
    ...section(5, [1, 0x00, SimdKernel.PAGES]), // memory: one, at least PAGES pages, no maximum
    ...section(7, [5, ...name('sum'), 0x00, 0, ...name('segments'), 0x00, 2, ...name('verifyV4V4'), 0x00, 3, ...name('fixSegments'), 0x00, 4, ...name('mem'), 0x02, 0]), // exports
    ...section(10, [5, ...sumBody(false), ...sumBody(true), ...segmentsBody(), ...verifyV4V4Body(), ...fixSegmentsBody(SimdKernel.SUMS, SimdKernel.FIX_PARAMS)]), // code
  ]);
}

export interface SimdSum {
  /** The folded sum (≤ 0xFFFF) of `length` bytes at `mem[pointer…]` read as little-endian words. */
  readonly sum: (pointer: number, length: number) => number;
  /** See {@link segmentsBody}: (src, header, headerLength, mss, count, last, out, sums). */
  readonly segments: (src: number, header: number, headerLength: number, mss: number, count: number, last: number, out: number, sums: number) => void;
  /** See checksum-simd-v4v4.ts: the checksums of the IPv4/NVGRE/IPv4/TCP frame of `len` bytes staged at `at`. */
  readonly verifyV4V4: (len: number, at: number) => number;
  /** See checksum-simd-fix.ts: (out, count, first, last). */
  readonly fixSegments: (out: number, count: number, first: number, last: number) => void;
  /** The module's memory, where the caller stages bytes. */
  readonly mem: Uint8Array;
}

/** The few WebAssembly globals used here (the project's TypeScript library set has no DOM types). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: { sum: SimdSum['sum']; segments: SimdSum['segments']; verifyV4V4: SimdSum['verifyV4V4']; fixSegments: SimdSum['fixSegments']; mem: { buffer: ArrayBuffer } } };
}

/** Compiles and instantiates the kernel; null where WebAssembly or its SIMD is unavailable. */
export function instantiateSimd(): SimdSum | null {
  try {
    const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
    if (wasm === undefined) return null;
    const bytes = simdModuleBytes();
    if (!wasm.validate(bytes)) return null; // no SIMD (or bulk memory) in this runtime
    const { exports } = new wasm.Instance(new wasm.Module(bytes), {});
    return { sum: exports.sum, segments: exports.segments, verifyV4V4: exports.verifyV4V4, fixSegments: exports.fixSegments, mem: new Uint8Array(exports.mem.buffer) };
  } catch {
    return null; // a content security policy without 'wasm-unsafe-eval', or any other refusal
  }
}

// Which kernel long sums use: tried on first use, or turned off by setChecksumKernel('js').
const UNTRIED = 0;
const READY = 1;
const OFF = 2;
let state = UNTRIED;
let kernel: SimdSum | null = null;
// The kernel's parts in variables of their own: the hot path reads no object.
let kernelMemory: Uint8Array = new Uint8Array(0);
let kernelSum: (pointer: number, length: number) => number = () => 0;
let kernelSegments: SimdSum['segments'] = () => undefined;
let kernelVerifyV4V4: SimdSum['verifyV4V4'] = () => -1;
let kernelFixSegments: SimdSum['fixSegments'] = () => undefined;
/** fixSegments' parameter block (checksum-simd-fix.ts FixParam). */
let kernelFixParams: Int32Array = new Int32Array(FixParam.SLOTS);
/** Counts copies into the kernel's memory: a staged copy is current while its token equals this. */
let staging = 0;
/** Where stageForSums put the array ({@link stageOffset}). */
let stagedAt = 0;
/** Where the last buildSegments laid its batch out. */
let builtAt: number = SimdKernel.OUT;
let mode: 'auto' | 'js' = 'auto';

function load(): SimdSum | null {
  kernel = instantiateSimd();
  state = kernel === null ? OFF : READY;
  if (kernel !== null) {
    kernelMemory = kernel.mem;
    kernelSum = kernel.sum;
    kernelSegments = kernel.segments;
    kernelVerifyV4V4 = kernel.verifyV4V4;
    kernelFixSegments = kernel.fixSegments;
    kernelFixParams = new Int32Array(kernel.mem.buffer, SimdKernel.FIX_PARAMS, FixParam.SLOTS);
  }
  return kernel;
}

/** True when long sums use the kernel now (compiling it on first use); false when it is off or unavailable. */
function ready(): boolean {
  return state === READY || (state !== OFF && load() !== null);
}

/** `'auto'` (default): the SIMD kernel for long ranges where the runtime has WebAssembly SIMD; `'js'`: never. */
export function setKernelMode(next: 'auto' | 'js'): void {
  mode = next;
  if (next === 'js') state = OFF;
  else state = kernel !== null ? READY : UNTRIED;
}

/** The kernel long sums use now: `'wasm'` or `'js'` (compiling the module if it was not tried yet). */
export function kernelInUse(): 'wasm' | 'js' {
  if (mode === 'js') return 'js';
  if (state === UNTRIED) load();
  return state === READY ? 'wasm' : 'js';
}

/**
 * Where a copy of the array at `byteOffset` lands in the module's memory: at the same address modulo
 * 16 (arrays' buffers start 16-byte aligned, as malloc and mmap give them, and the module's memory
 * page-aligned), so that the destination never lies 1–15 bytes above the source modulo 4 KiB. There,
 * on AMD Zen hosts, glibc's memmove (`rep movsb` from 2–4 KiB on) runs 13–20x slower: a 64 KiB copy in
 * 26–35 µs instead of 1.6–2 µs, 9000 bytes in 4 µs instead of 0.2 (measured, glibc 2.36; bench/harness.mjs
 * pinned). At a random placement that was 15 chances in 4096, always for the same array; now the worst
 * placement left (16 bytes above, 1 in 256) costs 2x. The kernel reads unaligned vectors at the same speed.
 * The same rule places segments' batches for the copy out (segment.ts). Copies below
 * {@link SLOW_COPY_MIN} stay at 0, in simdSum's inlinable front as before: they never take that path,
 * and reading `byteOffset` there cost a 1500-byte sum about a sixth of its time (0.34-0.39x of a set()
 * fell to 0.29-0.31x, alternated runs).
 */
export function stageOffset(byteOffset: number): number {
  return byteOffset & 15;
}

/** Below this many bytes glibc's memmove does not use `rep movsb` (2 KiB with 16-byte vectors, more with wider ones). */
const SLOW_COPY_MIN = 2048;

function fold(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return sum;
}

/**
 * The folded sum of `length` bytes at `bytes[offset…]` plus `initial` (as checksum.ts's
 * onesComplementSum), or -1 when the SIMD kernel is off or unavailable. Copies the bytes into the
 * module's memory ({@link stageOffset}) in chunks of at most {@link SimdKernel.CHUNK} (all but the last
 * a multiple of 16, so each chunk starts on the same word parity and at the same offset); the kernel
 * sums any tail.
 */
export function simdSum(bytes: Uint8Array, offset: number, length: number, initial: number): number {
  if (!ready()) return -1;
  const whole = bytes.length;
  if (whole < SLOW_COPY_MIN && whole - length <= WHOLE_COPY_SLACK) {
    // The whole array in one copy, summed where the range lies: no view to make, no accessor to read
    // (each costs about what copying a 1500-byte frame does). Only when the range is most of the
    // array: segmentInto sums 46 slices of one 64 KiB frame.
    typedArraySet.call(kernelMemory, bytes, 0);
    staging++;
    return withInitial(initial, kernelSum(offset, length));
  }
  return simdSumLong(bytes, offset, length, initial);
}

/** {@link simdSum} of 2 KiB or more, or of a range that is not most of its array: copied to its {@link stageOffset}. */
function simdSumLong(bytes: Uint8Array, offset: number, length: number, initial: number): number {
  const whole = bytes.length;
  if (whole <= SimdKernel.CHUNK && whole - length <= WHOLE_COPY_SLACK) {
    const at = stageOffset(bytes.byteOffset);
    typedArraySet.call(kernelMemory, bytes, at);
    staging++;
    return withInitial(initial, kernelSum(at + offset, length));
  }
  return simdSumChunks(bytes, offset, length, initial);
}

/** {@link simdSum} of a range that is not most of its array, or longer than one chunk: views of the range, chunk by chunk. */
function simdSumChunks(bytes: Uint8Array, offset: number, length: number, initial: number): number {
  const mem = kernelMemory;
  const buffer = bytes.buffer; // accessor calls: read once
  const base = bytes.byteOffset + offset;
  const at = stageOffset(base);
  let sum = initial;
  let done = 0;
  staging++;
  for (let left = length; left > 0; ) {
    const n = left > SimdKernel.CHUNK ? SimdKernel.CHUNK : left;
    typedArraySet.call(mem, new Uint8Array(buffer, base + done, n), at);
    sum += swap16(kernelSum(at, n));
    done += n;
    left -= n;
  }
  return fold(sum);
}

/** Bytes outside the range that the whole-array copy may carry along (a frame's headers around its payload). */
const WHOLE_COPY_SLACK = 512;

/**
 * `initial` plus one kernel sum (byte-swapped back), folded: one end-around carry when `initial` is
 * folded, two in integer arithmetic below 2^32 (segmentInto's unfolded pseudo-header and header sums,
 * which the loop of {@link fold} made a twentieth of its time), the loop above.
 */
function withInitial(initial: number, kernelResult: number): number {
  let s = initial + swap16(kernelResult);
  if (s > 0xffffffff) return fold(s);
  s = (s & 0xffff) + (s >>> 16);
  return (s & 0xffff) + (s >>> 16);
}

/** The kernel's folded sum of byte-swapped words, back in network order (RFC 1071 §2 B). */
function swap16(x: number): number {
  return ((x & 0xff) << 8) | (x >>> 8);
}

/**
 * Copies `bytes` into the kernel's memory once, for several {@link stagedSum} calls over its ranges
 * (segmentInto sums every segment's payload of one frame). Returns a token for stagedSum, or -1 when
 * the kernel is off or unavailable or the array is longer than {@link SimdKernel.CHUNK}. Any other sum
 * made in between (a callback verifying a segment) replaces the staged copy; stagedSum notices by the
 * token and copies again. The caller must not change `bytes` while it uses the token.
 */
export function stageForSums(bytes: Uint8Array): number {
  if (!ready()) return -1;
  if (bytes.length > SimdKernel.CHUNK) return -1;
  return restage(bytes);
}

/** {@link simdSum} of a range of the array staged by {@link stageForSums} under `token`, without copying it again. */
export function stagedSum(bytes: Uint8Array, offset: number, length: number, initial: number, token: number): number {
  if (token !== staging) return simdSum(bytes, offset, length, initial);
  return withInitial(initial, kernelSum(stagedAt + offset, length));
}

/**
 * Copies `bytes` into the kernel's memory again for {@link buildSegments} after something else
 * replaced it (a callback's own sums), whether or not long sums still use the kernel: the segments'
 * bytes and sums do not depend on the kernel. Only for a caller that got a token from {@link stageForSums}.
 */
export function restage(bytes: Uint8Array): number {
  stagedAt = stageOffset(bytes.byteOffset);
  typedArraySet.call(kernelMemory, bytes, stagedAt);
  return ++staging;
}

/**
 * Lays out `count` segments of the array staged under `token` in the kernel's output area (see the
 * module's `segments`): each the staged bytes 0 … headerLength−1, then a payload slice, the first at
 * `payloadStart`, each `mss` bytes after the one before, the last `last` bytes, and stores each
 * slice's sum for {@link fixBuiltSegments}. The batch starts `outAt` (0–15) bytes into the area: the
 * destination's {@link stageOffset}, for the copy out. Returns false when the staged copy was replaced
 * (the caller restages). The caller keeps `count` ≤ {@link SimdKernel.SUMS_MAX} and the bytes within
 * {@link SimdKernel.OUT_BYTES}.
 */
export function buildSegments(token: number, payloadStart: number, headerLength: number, mss: number, count: number, last: number, outAt: number): boolean {
  if (token !== staging) return false;
  builtAt = SimdKernel.OUT + outAt;
  kernelSegments(stagedAt + payloadStart, stagedAt, headerLength, mss, count, last, builtAt, SimdKernel.SUMS);
  return true;
}

/**
 * The parameter block of {@link fixBuiltSegments} (checksum-simd-fix.ts {@link FixParam}): the caller
 * fills it before each call, since anything that segments in between (a callback) writes its own.
 */
export function fixParams(): Int32Array {
  return kernelFixParams;
}

/**
 * Writes the per-segment fields of the `count` segments the last {@link buildSegments} laid out
 * (segment numbers `first` on, the batch's last slice `last` bytes), from the parameter block and
 * the slice sums (checksum-simd-fix.ts). Only right after that build: its sums are in place.
 */
export function fixBuiltSegments(count: number, first: number, last: number): void {
  kernelFixSegments(builtAt, count, first, last);
}

/** The `length` bytes of the last {@link buildSegments} batch. */
export function builtBytes(length: number): Uint8Array {
  return new Uint8Array(kernelMemory.buffer, builtAt, length);
}

/**
 * The checksums of an IPv4/NVGRE/IPv4/TCP frame whose type, version and protocol bytes the caller
 * has checked (offload/verify.ts), by the module's `verifyV4V4` (checksum-simd-v4v4.ts): its three
 * bits, -1 when the lengths or fragment fields take the frame off that shape, or -2 when the kernel
 * is off or unavailable or the frame is longer than {@link SimdKernel.CHUNK} (the caller verifies in
 * TypeScript). Copies the frame into the module's memory, as a sum of it would.
 */
export function simdVerifyV4V4(frame: Uint8Array): number {
  if (!ready()) return -2;
  const len = frame.length;
  if (len > SimdKernel.CHUNK) return -2;
  const at = len < SLOW_COPY_MIN ? 0 : stageOffset(frame.byteOffset);
  typedArraySet.call(kernelMemory, frame, at);
  staging++;
  return kernelVerifyV4V4(len, at);
}
