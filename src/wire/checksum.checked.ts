/**
 * The argument-checked public twins of checksum.ts (RFC 1071, RFC 1624).
 * Behaviour on valid arguments is exactly the raw function's; the guards are in guards.ts.
 */
import * as checksum from './checksum.js';
import { U8, U16, U32, index, span, uint, lengthArg } from './guards.js';
import { assertBytes } from './bytes.js';
import { kernelInUse, setKernelMode } from './checksum-simd.js';
import { NvgreError, NvgreErrorCode } from './errors.js';

/**
 * Chooses the kernel of long one's-complement sums (docs/offload.md §1.1): `'auto'` (default) uses the
 * WebAssembly SIMD kernel for ranges of 320 bytes or more where the runtime has WebAssembly SIMD,
 * `'js'` always the pure-TypeScript loop. Results are identical; this is for comparing and for
 * environments that forbid compiling WebAssembly.
 */
export function setChecksumKernel(kind: 'auto' | 'js'): void {
  if (kind !== 'auto' && kind !== 'js') {
    throw new NvgreError(NvgreErrorCode.INVALID_ARGUMENT, 'argument', 0, `checksum kernel must be 'auto' or 'js', got ${typeof kind === 'string' ? JSON.stringify(kind) : typeof kind}`);
  }
  setKernelMode(kind);
}

/** The kernel long sums use: `'wasm'` (WebAssembly SIMD) or `'js'`. Compiles the kernel if not tried yet. */
export function checksumKernel(): 'wasm' | 'js' {
  return kernelInUse();
}

/** Folded 16-bit one's-complement sum of `length` bytes at `offset` (RFC 1071 §1); see checksum.ts. */
export function onesComplementSum(bytes: Uint8Array, offset: number, length: number, initial = 0): number {
  assertBytes(bytes, 'bytes');
  lengthArg(length, bytes, index(offset, 'offset', bytes, 'bytes'));
  uint(initial, 'initial', U32);
  return checksum.onesComplementSum(bytes, offset, length, initial);
}


/** The RFC 1071 checksum field value of `length` bytes at `offset`: the complement of their sum. */
export function internetChecksum(bytes: Uint8Array, offset = 0, length?: number, initial = 0): number {
  assertBytes(bytes, 'bytes');
  index(offset, 'offset', bytes, 'bytes');
  const n = length === undefined ? bytes.length - offset : lengthArg(length, bytes, offset);
  uint(initial, 'initial', U32);
  return checksum.internetChecksum(bytes, offset, n, initial);
}

/** IPv4 pseudo-header sum (RFC 9293 §3.1); `addrOffset` points at the source address. */
export function ipv4PseudoHeaderSum(bytes: Uint8Array, addrOffset: number, protocol: number, l4Length: number): number {
  assertBytes(bytes, 'bytes');
  span(bytes, 'bytes', addrOffset, 'addrOffset', 8, 'the source and destination addresses');
  uint(protocol, 'protocol', U8);
  uint(l4Length, 'l4Length', U16);
  return checksum.ipv4PseudoHeaderSum(bytes, addrOffset, protocol, l4Length);
}

/** IPv6 pseudo-header sum (RFC 8200 §8.1). */
export function ipv6PseudoHeaderSum(src: Uint8Array, srcOffset: number, dst: Uint8Array, dstOffset: number, nextHeader: number, upperLayerLength: number): number {
  assertBytes(src, 'src');
  span(src, 'src', srcOffset, 'srcOffset', 16, 'an IPv6 address');
  assertBytes(dst, 'dst');
  span(dst, 'dst', dstOffset, 'dstOffset', 16, 'an IPv6 address');
  uint(nextHeader, 'nextHeader', U8);
  uint(upperLayerLength, 'upperLayerLength', U32);
  return checksum.ipv6PseudoHeaderSum(src, srcOffset, dst, dstOffset, nextHeader, upperLayerLength);
}

/** RFC 1624 §3 Eqn. 3 for one 16-bit word. */
export function updateChecksum16(sum: number, oldWord: number, newWord: number): number {
  uint(sum, 'checksum', U16);
  uint(oldWord, 'oldWord', U16);
  uint(newWord, 'newWord', U16);
  return checksum.updateChecksum16(sum, oldWord, newWord);
}

/** RFC 1624 update for a 32-bit field. */
export function updateChecksum32(sum: number, oldValue: number, newValue: number): number {
  uint(sum, 'checksum', U16);
  uint(oldValue, 'oldValue', U32);
  uint(newValue, 'newValue', U32);
  return checksum.updateChecksum32(sum, oldValue, newValue);
}

/** Folds an exact non-negative integer sum into 16 bits (RFC 1071 §1). */
export function fold(sum: number): number {
  uint(sum, 'sum', Number.MAX_SAFE_INTEGER);
  return checksum.fold(sum);
}

/** One's-complement addition of two folded 16-bit sums. */
export function addSum(a: number, b: number): number {
  uint(a, 'a', U16);
  uint(b, 'b', U16);
  return checksum.addSum(a, b);
}
