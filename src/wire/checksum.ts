/**
 * Internet checksum arithmetic (RFC 1071), pseudo-header sums (RFC 768, RFC 9293 §3.1, RFC 8200 §8.1)
 * and incremental update (RFC 1624 §3 Eqn. 3). See docs/offload.md Part A.
 *
 * Sums are kept as folded 16-bit one's-complement values in `number`s (exact to 2^53); negation is
 * `x ^ 0xffff`, never `~x` (which yields a negative 32-bit number).
 */
import { simdSum } from './checksum-simd.js';

/** Folds an exact non-negative integer sum into 16 bits with end-around carry (RFC 1071 §1). */
export function fold(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return sum;
}

/** One's-complement addition of two folded 16-bit sums. */
export function addSum(a: number, b: number): number {
  const s = a + b;
  return s > 0xffff ? s - 0xffff : s;
}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// Two-entry cache for the word loop. Reading `byteOffset` or `buffer` of a typed array is not
// inlined by V8 (about 8 and 13 ns each on Node 20, more than summing a small header) and creating a
// view costs more still, while hot paths sum the same view, or views of one buffer, again and again:
// the last view summed maps straight to its word view and offset; a new view of the last buffer
// reuses the word view. Two entries, because loops commonly alternate between two views: a frame
// built into a transmit buffer and then parsed through a view of its bytes, or a segment written
// into a target and verified through the view handed to a callback (with one entry, building into
// a buffer and parsing a view of it spent about 35 ns a frame on these reads).
let cachedView: Uint8Array | null = null;
let cachedViewOffset = 0;
let cachedBuffer: ArrayBufferLike | null = null;
let cachedWords: Uint32Array = new Uint32Array(0);
let previousView: Uint8Array | null = null;
let previousViewOffset = 0;
let previousBuffer: ArrayBufferLike | null = null;
let previousWords: Uint32Array = cachedWords;

/** Makes `bytes` the current entry: swaps in the previous one, or replaces it with a new entry. */
function selectView(bytes: Uint8Array): void {
  const view = cachedView;
  const offset = cachedViewOffset;
  const buffer = cachedBuffer;
  const words = cachedWords;
  if (bytes === previousView) {
    cachedView = bytes;
    cachedViewOffset = previousViewOffset;
    cachedBuffer = previousBuffer;
    cachedWords = previousWords;
  } else {
    const b = bytes.buffer;
    if (b === buffer) cachedWords = words;
    else if (b === previousBuffer) cachedWords = previousWords;
    else cachedWords = new Uint32Array(b, 0, b.byteLength >>> 2);
    cachedBuffer = b;
    cachedView = bytes;
    cachedViewOffset = bytes.byteOffset;
  }
  previousView = view;
  previousViewOffset = offset;
  previousBuffer = buffer;
  previousWords = words;
}

/** A resizable buffer has grown since its word view was made: a new word view of it. */
function rebuildWords(): void {
  const b = cachedBuffer!;
  cachedWords = new Uint32Array(b, 0, b.byteLength >>> 2);
}

/**
 * From this many bytes on, the SIMD kernel beats the word loop despite copying the bytes into its
 * memory first (measured on Node 20: see docs/offload.md §1.1).
 */
const SIMD_MIN = 320;
/** Below this many bytes the byte-pair loop beats setting up the word loop. */
const WORD_LOOP_MIN = 64;
/** Up to 2^20 words of 2^32 each the running total stays exact (< 2^53) without intermediate folds. */
const WORD_LOOP_MAX = 1 << 22;

/**
 * {@link fold} for a sum of 32-bit words below 2^53, without its loop of float divisions: split into
 * two 32-bit halves (2^32 ≡ 1 mod 0xFFFF), add their 16-bit halves, fold twice in integers.
 */
function foldWords(sum: number): number {
  const hi = Math.floor(sum / 0x100000000); // a multiplication: the divisor is a power of two
  const lo = sum - hi * 0x100000000;
  let s = (lo >>> 16) + (lo & 0xffff) + (hi >>> 16) + (hi & 0xffff);
  s = (s >>> 16) + (s & 0xffff);
  return (s >>> 16) + (s & 0xffff);
}

function swap16(x: number): number {
  return ((x & 0xff) << 8) | (x >>> 8);
}

/**
 * Folded 16-bit one's-complement sum of `length` bytes at `offset`, read as big-endian 16-bit words
 * starting at `offset` (an odd trailing byte is padded with zero on the right, RFC 1071 §1), plus
 * `initial` (a folded sum, ≥ 0). `offset` and `length` may be odd. Not complemented: use
 * {@link internetChecksum} for the field value. The caller guarantees the range lies inside `bytes`.
 */
export function onesComplementSum(bytes: Uint8Array, offset: number, length: number, initial = 0): number {
  if (length >= SIMD_MIN) {
    // Long ranges: the WebAssembly SIMD kernel where the runtime has it (checksum-simd.ts). This front
    // is kept small enough for V8 to inline into its caller: called from behind a non-inlined function,
    // the module's call costs about 10 ns more (a sixth of a 1500-byte sum).
    const s = simdSum(bytes, offset, length, initial);
    if (s >= 0) return s;
  }
  return loopSum(bytes, offset, length, initial);
}

/** {@link onesComplementSum} in TypeScript: the word loop (or the byte-pair loop for short ranges). */
function loopSum(bytes: Uint8Array, offset: number, length: number, initial: number): number {
  if (length >= WORD_LOOP_MAX) {
    // Sum in even-length chunks (each starts on the same word parity) to keep the totals exact.
    let sum = initial;
    let o = offset;
    for (let left = length; left > 0; ) {
      const n = Math.min(left, WORD_LOOP_MAX - 2);
      sum = loopSum(bytes, o, n, sum);
      o += n;
      left -= n;
    }
    return sum;
  }
  let sum = initial;
  let i = offset;
  const end = offset + length;
  if (length >= WORD_LOOP_MIN && LITTLE_ENDIAN_HOST) {
    // Head: bytes until the absolute address is 4-aligned, tracking the word parity.
    let odd = 0; // 1 when the next byte is the low-order byte of its 16-bit word
    if (bytes !== cachedView) selectView(bytes);
    let abs = cachedViewOffset + i;
    while ((abs & 3) !== 0) {
      sum += odd !== 0 ? bytes[i]! : bytes[i]! << 8;
      odd ^= 1;
      i++;
      abs++;
    }
    let w = abs >>> 2;
    const n = (end - i) >>> 2;
    const wEnd = w + n;
    // A resizable buffer may have grown or shrunk since its word view was made.
    if (wEnd > cachedWords.length) rebuildWords();
    const words = cachedWords;
    const unrolled = wEnd - (n & 7);
    // Each 32-bit little-endian word holds two byte-swapped 16-bit words; 65536 ≡ 1 (mod 65535),
    // so summing whole words and folding equals summing the halves. Byte-swapped words sum to the
    // byte-swapped sum (RFC 1071 §2 B); a body that starts at an odd position is swapped back.
    // Two sums, so that each iteration's additions do not all wait on one chain (~15% at 1500 B).
    let body = 0;
    let body2 = 0;
    while (w < unrolled) {
      body += words[w]! + words[w + 1]! + words[w + 2]! + words[w + 3]!;
      body2 += words[w + 4]! + words[w + 5]! + words[w + 6]! + words[w + 7]!;
      w += 8;
    }
    body += body2;
    while (w < wEnd) body += words[w++]!;
    i += n << 2;
    body = foldWords(body);
    sum += odd !== 0 ? body : swap16(body);
    while (i < end) {
      sum += odd !== 0 ? bytes[i]! : bytes[i]! << 8;
      odd ^= 1;
      i++;
    }
    return fold(sum);
  }
  const pairsEnd = end - ((end - i) & 1);
  while (i < pairsEnd) {
    sum += (bytes[i]! << 8) | bytes[i + 1]!;
    i += 2;
  }
  if (i < end) sum += bytes[i]! << 8;
  return fold(sum);
}

/** The RFC 1071 checksum field value of `length` bytes at `offset`: the complement of their sum. */
export function internetChecksum(bytes: Uint8Array, offset = 0, length = bytes.length - offset, initial = 0): number {
  return onesComplementSum(bytes, offset, length, initial) ^ 0xffff;
}

/**
 * IPv4 pseudo-header sum (RFC 9293 §3.1, RFC 768): source, destination, zero, protocol, L4 length.
 * `addrOffset` points at the IPv4 source address (the destination follows it).
 */
export function ipv4PseudoHeaderSum(bytes: Uint8Array, addrOffset: number, protocol: number, l4Length: number): number {
  const o = addrOffset;
  return fold(
    ((bytes[o]! << 8) | bytes[o + 1]!) +
      ((bytes[o + 2]! << 8) | bytes[o + 3]!) +
      ((bytes[o + 4]! << 8) | bytes[o + 5]!) +
      ((bytes[o + 6]! << 8) | bytes[o + 7]!) +
      protocol +
      l4Length,
  );
}

/**
 * IPv6 pseudo-header sum (RFC 8200 §8.1): source, final destination, 32-bit upper-layer length,
 * upper-layer Next Header. Source and destination are given separately because a Routing header
 * moves the final destination (docs/offload.md §3).
 */
export function ipv6PseudoHeaderSum(
  src: Uint8Array,
  srcOffset: number,
  dst: Uint8Array,
  dstOffset: number,
  nextHeader: number,
  upperLayerLength: number,
): number {
  let s = nextHeader + Math.floor(upperLayerLength / 0x10000) + (upperLayerLength & 0xffff);
  for (let k = 0; k < 16; k += 2) {
    s += ((src[srcOffset + k]! << 8) | src[srcOffset + k + 1]!) + ((dst[dstOffset + k]! << 8) | dst[dstOffset + k + 1]!);
  }
  return fold(s);
}

/**
 * RFC 1624 §3 Eqn. 3: `HC' = ~(~HC + ~m + m')` for one 16-bit word changing from `oldWord` to `newWord`.
 * Skips the update when nothing changes (docs/offload.md §5). Callers handle the UDP zero rules.
 */
export function updateChecksum16(checksum: number, oldWord: number, newWord: number): number {
  if (oldWord === newWord) return checksum;
  return addSum(addSum(checksum ^ 0xffff, oldWord ^ 0xffff), newWord) ^ 0xffff;
}

/** RFC 1624 update for a 32-bit field (applied per 16-bit word). */
export function updateChecksum32(checksum: number, oldValue: number, newValue: number): number {
  return updateChecksum16(
    updateChecksum16(checksum, oldValue >>> 16, newValue >>> 16),
    oldValue & 0xffff,
    newValue & 0xffff,
  );
}
