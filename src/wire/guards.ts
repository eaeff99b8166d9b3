/**
 * Argument guards shared by the public, argument-checked entry points (the `*.checked.ts` file beside
 * each header codec). The raw codecs trust their callers: inside the library every offset has been
 * checked once, on the hot path. The package exports the checked twins instead, so a caller's wrong
 * argument — not a `Uint8Array`, a detached buffer, a negative, fractional or NaN offset, a range past
 * the end of the bytes — is a `TypeError` / `RangeError` naming the argument rather than a silent read
 * of `undefined` (which bit operators turn into 0). Writers check every field and the space they need
 * first and throw `NO_SPACE` before writing anything.
 */
import { assertBytes, assertInt } from './bytes.js';
import { noSpace } from './errors.js';

export const U8 = 0xff;
export const U16 = 0xffff;
export const U32 = 0xffff_ffff;

export function shown(value: unknown): string {
  return typeof value === 'number' ? String(value) : value === null ? 'null' : typeof value;
}

/** An integer index into `bytes` (0 … bytes.length). */
export function index(value: unknown, name: string, bytes: Uint8Array, bytesName: string): number {
  if (typeof value === 'number' && value >= 0 && value <= bytes.length && Number.isInteger(value)) return value;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new TypeError(`${name} must be an integer, got ${shown(value)}`);
  throw new RangeError(`${name} ${value} is outside ${bytesName} (0 … ${bytes.length})`);
}

/** `length` bytes at `offset` lie inside `bytes`. */
export function span(bytes: Uint8Array, bytesName: string, offset: unknown, offsetName: string, length: number, what: string): number {
  const o = index(offset, offsetName, bytes, bytesName);
  if (o + length > bytes.length) {
    throw new RangeError(`${offsetName} ${o} leaves ${bytes.length - o} bytes of ${bytesName}; ${what} needs ${length}`);
  }
  return o;
}

/** A reader's `(bytes, offset, end)`: both integers inside the bytes (offset > end reads as "nothing left"). */
export function range(bytes: unknown, offset: unknown, end: unknown): number {
  assertBytes(bytes, 'bytes');
  index(offset, 'offset', bytes, 'bytes');
  return end === undefined ? bytes.length : index(end, 'end', bytes, 'bytes');
}

export function layerArg(value: unknown): void {
  if (typeof value !== 'string') throw new TypeError(`layer must be a string, got ${shown(value)}`);
}

export function uint(value: unknown, name: string, max: number): void {
  if (typeof value === 'number' && value >= 0 && value <= max && Number.isInteger(value)) return;
  assertInt(value, name, 0, max);
}

export function optionalUint(value: unknown, name: string, max: number): void {
  if (value !== undefined) uint(value, name, max);
}

export function optionalBool(value: unknown, name: string): void {
  if (value !== undefined && typeof value !== 'boolean') throw new TypeError(`${name} must be a boolean, got ${shown(value)}`);
}

export function object(value: unknown, name: string): void {
  if (value === null || typeof value !== 'object') throw new TypeError(`${name} must be an object, got ${shown(value)}`);
}

export function addressBytes(value: unknown, name: string, n: number): void {
  assertBytes(value, name);
  if (value.length !== n) throw new RangeError(`${name} must be ${n} bytes, got ${value.length}`);
}

/** Option bytes padded to a multiple of 4, at most 40 (IPv4 and TCP options). */
export function optionBytes(value: unknown, name: string): void {
  if (value === undefined) return;
  assertBytes(value, name);
  if (value.length % 4 !== 0 || value.length > 40) throw new RangeError(`${name} must be a multiple of 4 bytes, at most 40, got ${value.length}`);
}

export function ipVersionArg(value: unknown): 4 | 6 {
  if (value !== 4 && value !== 6) throw new RangeError(`ipVersion must be 4 or 6, got ${shown(value)}`);
  return value;
}

/** Writers: `target` and `offset`, then NO_SPACE (nothing written) unless `needed` bytes fit. */
export function targetArg(target: unknown, offset: unknown): number {
  assertBytes(target, 'target');
  return index(offset, 'offset', target, 'target');
}

export function space(target: Uint8Array, offset: number, needed: number): void {
  if (offset + needed > target.length) throw noSpace(target.length, offset, needed);
}


export function lengthArg(length: unknown, bytes: Uint8Array, offset: number): number {
  if (typeof length !== 'number' || !Number.isInteger(length)) throw new TypeError(`length must be an integer, got ${shown(length)}`);
  if (length < 0) throw new RangeError(`length must be ≥ 0, got ${length}`);
  if (offset + length > bytes.length) throw new RangeError(`offset ${offset} + length ${length} is past the end of bytes (${bytes.length})`);
  return length;
}
