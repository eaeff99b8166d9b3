/**
 * JsonBytes (src/diagnose/json-bytes.ts), the byte sink frameFieldsJson writes into: pieces, decimal
 * numbers and text come out as their UTF-8, in order, across the buffer's growth, and reset starts over.
 */
import { describe, expect, it } from 'vitest';
import { JsonBytes } from '../../src/index.js';

const utf8 = (s: string) => Buffer.from(s, 'utf8');

describe('JsonBytes', () => {
  it('writes numbers as their decimal digits, at each digit count and up to 2^53 - 1', () => {
    const numbers = [0, 1, 9, 10, 99, 100, 65535, 65536, 4294967295, 4294967296, 999_999_999_999_999, Number.MAX_SAFE_INTEGER];
    for (let k = 0; k < 2000; k++) numbers.push(Math.floor(Math.abs(Math.sin(k + 1)) * 10 ** (k % 16)));
    const w = new JsonBytes();
    for (const n of numbers) {
      w.reset();
      w.decimal(n);
      expect(Buffer.from(w.written).toString('latin1')).toBe(String(n));
    }
  });

  it('writes text as UTF-8: ASCII, 2, 3 and 4-byte characters, a lone surrogate as U+FFFD', () => {
    const w = new JsonBytes();
    for (const t of ['', 'ok', '"rfc7637"', 'é', 'aé', 'é€😀', 'x'.repeat(100) + '€', '\ud800', 'a\udc00b', '😀'.repeat(700)]) {
      w.reset();
      w.text(t);
      expect(Buffer.from(w.written).equals(utf8(t))).toBe(true);
    }
  });

  it('keeps every piece in order while it grows, from one byte to pieces longer than its buffer', () => {
    const w = new JsonBytes();
    const expected: Buffer[] = [];
    let seed = 3;
    const rnd = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % n;
    for (let k = 0; k < 5000; k++) {
      const kind = rnd(3);
      if (kind === 0) {
        const b = new Uint8Array(k % 50 === 0 ? 5000 : rnd(40)).fill(0x61 + (k % 26));
        w.bytes(b);
        expected.push(Buffer.from(b));
      } else if (kind === 1) {
        const n = rnd(1 << 30);
        w.decimal(n);
        expected.push(utf8(String(n)));
      } else {
        const t = k % 3 === 0 ? '€'.repeat(rnd(30)) : 'abc'.repeat(rnd(20));
        w.text(t);
        expected.push(utf8(t));
      }
    }
    expect(Buffer.from(w.written).equals(Buffer.concat(expected))).toBe(true);
    w.reset();
    w.text('again');
    expect(Buffer.from(w.written).toString()).toBe('again');
  });
});
