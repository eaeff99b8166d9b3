/**
 * The one's-complement sum (RFC 1071) with WebAssembly 128-bit SIMD, for long ranges (docs/offload.md
 * §1.1). The module is assembled here by hand, byte by byte with comments, and compiled on first use:
 * no build step, no dependency, about 200 bytes. Where WebAssembly or its SIMD is missing (or
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
 * result back. A tail of under 16 bytes is summed word by word in the module too. Each vector moves a
 * lane by at most 65536, so with at most {@link SimdKernel.CHUNK} bytes per call (4,099 vectors per accumulator) a lane stays within ±2^28 and
 * the sum of the four within ±2^30.
 */
import { typedArraySet } from './bytes.js';

/** The kernel's limits. */
export const enum SimdKernel {
  /** Bytes staged and summed per call: 256 KiB, 4 WebAssembly pages (the module's whole memory). */
  CHUNK = 256 * 1024,
}

/** Unsigned LEB128 of a small non-negative integer (section and body sizes). */
function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** A section: id, size, contents. */
function section(id: number, contents: number[]): number[] {
  return [id, ...leb(contents.length), ...contents];
}

/** A name: length, UTF-8 bytes (ASCII here). */
function name(s: string): number[] {
  return [s.length, ...Array.from(s, (c) => c.charCodeAt(0))];
}

// Instructions (WebAssembly core spec §5.4; SIMD opcodes are 0xFD followed by a LEB128 opcode).
const LOCAL_GET = 0x20;
const LOCAL_SET = 0x21;
const LOCAL_TEE = 0x22;
const I32_CONST = 0x41;
const I32_ADD = 0x6a;
const I32_AND = 0x71;
const I32_LT_U = 0x49;
const I32_GT_U = 0x4b;
const I32_GE_U = 0x4f;
const BLOCK = 0x02;
const LOOP = 0x03;
const BR = 0x0c;
const BR_IF = 0x0d;
const IF = 0x04;
const END = 0x0b;
const VOID = 0x40; // block type: no result
const V128_LOAD = [0xfd, 0x00]; // followed by memarg: align exponent, offset
const V128_CONST = [0xfd, 0x0c]; // followed by 16 bytes
const I32X4_EXTRACT_LANE = [0xfd, 0x1b]; // followed by the lane index
const V128_XOR = [0xfd, 0x51];
const I32X4_ADD = [0xfd, 0xae, 0x01];
const I32X4_DOT_I16X8_S = [0xfd, 0xba, 0x01];
const I64_LOAD8_U = 0x31; // followed by memarg
const I64_LOAD16_U = 0x33; // followed by memarg
const I64_CONST = 0x42;
const I64_ADD = 0x7c;
const I64_MUL = 0x7e;
const I64_AND = 0x83;
const I64_SHR_U = 0x88;
const I64_EXTEND_I32_S = 0xac;
const I64_EXTEND_I32_U = 0xad;
const I32_WRAP_I64 = 0xa7;

// Locals: 0 p (pointer, param), 1 len (param), 2 end, 3–6 the four accumulators (v128, zero at entry),
// 7 the sign mask (0x8000 in each 16-bit lane), 8 ones (1 in each 16-bit lane).
const P = 0;
const LEN = 1;
const END_PTR = 2;
const ACC = [3, 4, 5, 6] as const;
const SIGN = 7;
const ONES = 8;
const SUM = 9; // i64

/** sum = (sum & 0xFFFF) + (sum >>> 16), leaving sum on the stack too. */
function fold64(): number[] {
  return [LOCAL_SET, SUM, LOCAL_GET, SUM, I64_CONST, 0xff, 0xff, 0x03 /* 0xFFFF */, I64_AND, LOCAL_GET, SUM, I64_CONST, 0x10, I64_SHR_U, I64_ADD, LOCAL_TEE, SUM];
}

/**
 * acc[k] += dot(load(p + offset) ^ SIGN, ONES): each 32-bit lane gains (w0 − 32768) + (w1 − 32768) for
 * its two 16-bit words. `i32x4.dot_i16x8_s` is one instruction on x86 (pmaddwd) where the unsigned
 * pairwise add is three; flipping the sign bit maps each unsigned word onto a signed one 32768 lower,
 * which the caller adds back exactly (65536 per lane per vector).
 */
function accumulate(k: number, offset: number): number[] {
  return [LOCAL_GET, ACC[k]!, LOCAL_GET, P, ...V128_LOAD, 4, ...leb(offset), LOCAL_GET, SIGN, ...V128_XOR, LOCAL_GET, ONES, ...I32X4_DOT_I16X8_S, ...I32X4_ADD, LOCAL_SET, ACC[k]!];
}

/**
 * The body of `sum(p, len) -> i32`: the folded sum of len bytes at p as little-endian words (any len;
 * an odd last byte is the low byte of its word, which is network order's zero padding on the right).
 */
function sumBody(): number[] {
  const code = [
    ...V128_CONST, ...Array.from({ length: 8 }, () => [0x00, 0x80]).flat(), LOCAL_SET, SIGN,
    ...V128_CONST, ...Array.from({ length: 8 }, () => [0x01, 0x00]).flat(), LOCAL_SET, ONES,
    // end = p + (len & ~63): the 64-byte blocks
    LOCAL_GET, P, LOCAL_GET, LEN, I32_CONST, 0x40 /* -64 */, I32_AND, I32_ADD, LOCAL_SET, END_PTR,
    BLOCK, VOID,
    LOCAL_GET, P, LOCAL_GET, END_PTR, I32_GE_U, BR_IF, 0, // no whole block: skip
    LOOP, VOID,
    ...accumulate(0, 0), ...accumulate(1, 16), ...accumulate(2, 32), ...accumulate(3, 48),
    LOCAL_GET, P, I32_CONST, 0xc0, 0x00 /* 64 */, I32_ADD, LOCAL_TEE, P, LOCAL_GET, END_PTR, I32_LT_U, BR_IF, 0,
    END,
    END,
    // end = p + (len & 48): the remaining 16-byte vectors
    LOCAL_GET, P, LOCAL_GET, LEN, I32_CONST, 0x30 /* 48 */, I32_AND, I32_ADD, LOCAL_SET, END_PTR,
    BLOCK, VOID,
    LOCAL_GET, P, LOCAL_GET, END_PTR, I32_GE_U, BR_IF, 0,
    LOOP, VOID,
    ...accumulate(0, 0),
    LOCAL_GET, P, I32_CONST, 0x10 /* 16 */, I32_ADD, LOCAL_TEE, P, LOCAL_GET, END_PTR, I32_LT_U, BR_IF, 0,
    END,
    END,
    // acc = acc0 + acc1 + acc2 + acc3 (each lane within ±2^30), its lanes added exactly in an i64
    LOCAL_GET, ACC[0], LOCAL_GET, ACC[1], ...I32X4_ADD, LOCAL_GET, ACC[2], ...I32X4_ADD, LOCAL_GET, ACC[3], ...I32X4_ADD,
    LOCAL_SET, ACC[0],
    LOCAL_GET, ACC[0], ...I32X4_EXTRACT_LANE, 0, I64_EXTEND_I32_S,
    LOCAL_GET, ACC[0], ...I32X4_EXTRACT_LANE, 1, I64_EXTEND_I32_S, I64_ADD,
    LOCAL_GET, ACC[0], ...I32X4_EXTRACT_LANE, 2, I64_EXTEND_I32_S, I64_ADD,
    LOCAL_GET, ACC[0], ...I32X4_EXTRACT_LANE, 3, I64_EXTEND_I32_S, I64_ADD,
    // + 16384 × (len & ~15): the 32768 per word the sign flip took (exact, and now ≥ 0: the true sum, < 2^34)
    LOCAL_GET, LEN, I32_CONST, 0x70 /* -16 */, I32_AND, I64_EXTEND_I32_U, I64_CONST, 0x80, 0x80, 0x01 /* 16384 */, I64_MUL, I64_ADD,
    LOCAL_SET, SUM,
    // The tail of under 16 bytes, here rather than in the caller (a loop of byte reads there cost about
    // what the vectors did at 1500 bytes): end = p + (len & 15); words while two bytes are left.
    LOCAL_GET, P, LOCAL_GET, LEN, I32_CONST, 0x0f, I32_AND, I32_ADD, LOCAL_SET, END_PTR,
    BLOCK, VOID,
    LOOP, VOID,
    LOCAL_GET, P, I32_CONST, 0x02, I32_ADD, LOCAL_GET, END_PTR, I32_GT_U, BR_IF, 1, // p + 2 > end: done
    LOCAL_GET, SUM, LOCAL_GET, P, I64_LOAD16_U, 0, 0, I64_ADD, LOCAL_SET, SUM,
    LOCAL_GET, P, I32_CONST, 0x02, I32_ADD, LOCAL_SET, P,
    BR, 0,
    END,
    END,
    // An odd last byte.
    LOCAL_GET, P, LOCAL_GET, END_PTR, I32_LT_U, IF, VOID,
    LOCAL_GET, SUM, LOCAL_GET, P, I64_LOAD8_U, 0, 0, I64_ADD, LOCAL_SET, SUM,
    END,
    LOCAL_GET, SUM,
    // three end-around folds (RFC 1071 §1): < 2^35 → < 2^19 + 2^16 → ≤ 0x1FFFE → ≤ 0xFFFF
    ...fold64(), ...fold64(), ...fold64(),
    I32_WRAP_I64,
    END,
  ];
  // Local declarations: one i32 (end), six v128 (the accumulators, the sign mask, the ones), one i64 (the sum).
  const locals = [3, 1, 0x7f, 6, 0x7b, 1, 0x7e];
  const body = [...locals, ...code];
  return [...leb(body.length), ...body];
}

/** The module: one function `sum`, its memory exported as `mem`. */
export function simdModuleBytes(): Uint8Array {
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
    ...section(1, [1, 0x60, 2, 0x7f, 0x7f, 1, 0x7f]), // types: (i32, i32) -> i32
    ...section(3, [1, 0]), // functions: one, of type 0
    ...section(5, [1, 0x00, 4]), // memory: one, at least 4 pages (256 KiB), no maximum
    ...section(7, [2, ...name('sum'), 0x00, 0, ...name('mem'), 0x02, 0]), // exports
    ...section(10, [1, ...sumBody()]), // code
  ]);
}

export interface SimdSum {
  /** The folded sum (≤ 0xFFFF) of `length` bytes at `mem[pointer…]` read as little-endian words. */
  readonly sum: (pointer: number, length: number) => number;
  /** The module's memory, where the caller stages bytes. */
  readonly mem: Uint8Array;
}

/** The few WebAssembly globals used here (the project's TypeScript library set has no DOM types). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: { sum: (p: number, n: number) => number; mem: { buffer: ArrayBuffer } } };
}

/** Compiles and instantiates the kernel; null where WebAssembly or its SIMD is unavailable. */
export function instantiateSimd(): SimdSum | null {
  try {
    const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
    if (wasm === undefined) return null;
    const bytes = simdModuleBytes();
    if (!wasm.validate(bytes)) return null; // no SIMD in this runtime
    const { exports } = new wasm.Instance(new wasm.Module(bytes), {});
    return { sum: exports.sum, mem: new Uint8Array(exports.mem.buffer) };
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
/** Counts copies into the kernel's memory: a staged copy is current while its token equals this. */
let staging = 0;
let mode: 'auto' | 'js' = 'auto';

function load(): SimdSum | null {
  kernel = instantiateSimd();
  state = kernel === null ? OFF : READY;
  if (kernel !== null) {
    kernelMemory = kernel.mem;
    kernelSum = kernel.sum;
  }
  return kernel;
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

function fold(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return sum;
}

/**
 * The folded sum of `length` bytes at `bytes[offset…]` plus `initial` (as checksum.ts's
 * onesComplementSum), or -1 when the SIMD kernel is off or unavailable. Copies the bytes into the
 * module's memory in chunks of at most {@link SimdKernel.CHUNK} (all but the last a multiple of 16,
 * so each chunk starts on the same word parity); the kernel sums any tail.
 */
export function simdSum(bytes: Uint8Array, offset: number, length: number, initial: number): number {
  if (state !== READY && (state === OFF || load() === null)) return -1;
  const whole = bytes.length;
  if (whole <= SimdKernel.CHUNK && whole - length <= WHOLE_COPY_SLACK) {
    // The whole array in one copy, summed where the range lies: no view to make, no accessor to read
    // (each costs about what copying a 1500-byte frame does). Only when the range is most of the
    // array: segmentInto sums 46 slices of one 64 KiB frame.
    typedArraySet.call(kernelMemory, bytes, 0);
    staging++;
    return withInitial(initial, kernelSum(offset, length));
  }
  const mem = kernelMemory;
  const buffer = bytes.buffer; // accessor calls: read once
  const base = bytes.byteOffset + offset;
  let sum = initial;
  let done = 0;
  staging++;
  for (let left = length; left > 0; ) {
    const n = left > SimdKernel.CHUNK ? SimdKernel.CHUNK : left;
    typedArraySet.call(mem, new Uint8Array(buffer, base + done, n), 0);
    sum += swap16(kernelSum(0, n));
    done += n;
    left -= n;
  }
  return fold(sum);
}

/** Bytes outside the range that the whole-array copy may carry along (a frame's headers around its payload). */
const WHOLE_COPY_SLACK = 512;

/** `initial` plus one kernel sum (byte-swapped back), folded: one end-around carry when `initial` is folded. */
function withInitial(initial: number, kernelResult: number): number {
  const s = initial + swap16(kernelResult);
  return s <= 0x1fffe ? (s & 0xffff) + (s >>> 16) : fold(s);
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
  if (state !== READY && (state === OFF || load() === null)) return -1;
  if (bytes.length > SimdKernel.CHUNK) return -1;
  typedArraySet.call(kernelMemory, bytes, 0);
  return ++staging;
}

/** {@link simdSum} of a range of the array staged by {@link stageForSums} under `token`, without copying it again. */
export function stagedSum(bytes: Uint8Array, offset: number, length: number, initial: number, token: number): number {
  if (token !== staging) return simdSum(bytes, offset, length, initial);
  return withInitial(initial, kernelSum(offset, length));
}
