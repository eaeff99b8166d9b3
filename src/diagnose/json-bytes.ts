/**
 * JSON text written as UTF-8 bytes, piece by piece, for output that ends up as bytes anyway (`nvgre
 * decode --json` writes about 2 KB a frame). As a string, each `+` of a piece made a rope node for the
 * collector, and the output then flattened the rope and encoded it: on a 258 MB capture, the CLI's
 * write of the line took a fifth of the command's profile. Member names and constant values are
 * encoded once; numbers are written digit by digit.
 */

import { assertBytes } from '../wire/bytes.js';
import { shown, uint } from '../wire/guards.js';

/** Where JSON bytes go: {@link JsonBytes} here, the CLI's output buffer there. */
export interface JsonSink {
  /** Appends bytes already encoded. `b` may be the library's own (a member name, `null`): copy it, never keep or change it. */
  bytes(b: Uint8Array): void;
  /** Appends the decimal digits of `n`, a whole number from 0 to 2^53 − 1. */
  decimal(n: number): void;
  /** Appends `s` as UTF-8 (any string; JSON escaping is the caller's). */
  text(s: string): void;
}

// TextEncoder is a global in every supported runtime (Node ≥ 18, browsers, Deno, Bun); src/ compiles without DOM types.
declare const TextEncoder: new () => { encode(s: string): Uint8Array; encodeInto(s: string, into: Uint8Array): { read: number; written: number } };
const encoder = new TextEncoder();

/** TypeError unless `out` has the three methods of a {@link JsonSink}. */
export function assertSink(out: unknown): asserts out is JsonSink {
  const o = out as Partial<Record<keyof JsonSink, unknown>> | null;
  if (o === null || typeof o !== 'object' || typeof o.bytes !== 'function' || typeof o.decimal !== 'function' || typeof o.text !== 'function') {
    throw new TypeError(`out must be a JsonSink (an object with bytes, decimal and text methods, such as a JsonBytes), got ${shown(out)}`);
  }
}

/** The UTF-8 bytes of `s`, made once for pieces written again and again. */
export function utf8(s: string): Uint8Array {
  return encoder.encode(s);
}

/** A growable byte buffer implementing {@link JsonSink}: `frameFieldsJson` writes its text here. */
export class JsonBytes implements JsonSink {
  private buf = new Uint8Array(2048);
  private used = 0;

  /** The bytes written since the last {@link reset} (a view of the buffer, valid until the next write). */
  get written(): Uint8Array {
    return this.buf.subarray(0, this.used);
  }

  reset(): void {
    this.used = 0;
  }

  private room(n: number): void {
    if (this.used + n <= this.buf.length) return;
    const grown = new Uint8Array(Math.max(2 * this.buf.length, this.used + n));
    grown.set(this.buf.subarray(0, this.used));
    this.buf = grown;
  }

  bytes(b: Uint8Array): void {
    assertBytes(b, 'b');
    this.room(b.length);
    this.buf.set(b, this.used);
    this.used += b.length;
  }

  decimal(n: number): void {
    uint(n, 'n', Number.MAX_SAFE_INTEGER);
    this.room(16);
    this.used = writeDecimal(this.buf, this.used, n);
  }

  text(s: string): void {
    if (typeof s !== 'string') throw new TypeError(`s must be a string, got ${shown(s)}`);
    // At most 3 bytes per UTF-16 unit (a surrogate pair's 4 bytes are 2 units).
    this.room(3 * s.length);
    this.used = writeText(this.buf, this.used, s);
  }
}

/** Writes the digits of `n` (a whole number, 0 … 2^53 − 1) at `at`; returns the end. The caller leaves 16 bytes of room. */
export function writeDecimal(buf: Uint8Array, at: number, n: number): number {
  let digits = 1;
  for (let t = n; t >= 10; t = Math.floor(t / 10)) digits++;
  const end = at + digits;
  let i = end;
  for (let t = n; ; ) {
    const q = Math.floor(t / 10);
    buf[--i] = 0x30 + (t - 10 * q);
    if (q === 0) break;
    t = q;
  }
  return end;
}

/**
 * Writes `s` as UTF-8 at `at`; returns the end. The caller leaves 3 bytes of room per UTF-16 unit.
 * ASCII, what JSON of a frame's fields almost always is, byte by byte; from the first other unit on,
 * TextEncoder (which writes a lone surrogate as U+FFFD, as the CLI's output and every UTF-8 writer here do).
 */
export function writeText(buf: Uint8Array, at: number, s: string): number {
  const n = s.length;
  let i = 0;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) break;
    buf[at++] = c;
  }
  if (i === n) return at;
  return at + encoder.encodeInto(i === 0 ? s : s.slice(i), buf.subarray(at)).written;
}
