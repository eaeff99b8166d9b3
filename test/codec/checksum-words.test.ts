/** The 32-bit word loop of onesComplementSum equals a plain RFC 1071 byte-pair sum for every alignment, length and buffer. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { onesComplementSum } from '../../src/wire/checksum.js';

/** RFC 1071 §1 reference: big-endian 16-bit words from `offset`, odd tail padded with zero, end-around carry. */
function referenceSum(b: Uint8Array, offset: number, length: number, initial: number): number {
  let s = initial;
  for (let i = 0; i < length; i += 2) s += (b[offset + i]! << 8) | (i + 1 < length ? b[offset + i + 1]! : 0);
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return s;
}

describe('onesComplementSum word loop', () => {
  it('matches the byte-pair reference on random views, offsets, lengths and initial values', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 5000 }),
        fc.nat(7),
        fc.nat(),
        fc.nat(),
        fc.nat({ max: 0xfffff }),
        (data, shift, a, b, initial) => {
          const backing = new Uint8Array(data.length + 8);
          backing.set(data, shift);
          const view = backing.subarray(shift, shift + data.length);
          const offset = a % view.length;
          const length = b % (view.length - offset + 1);
          expect(onesComplementSum(view, offset, length, initial)).toBe(referenceSum(view, offset, length, initial));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('interleaves buffers (view cache) and handles all-0xFF data without losing carries', () => {
    const ff = new Uint8Array(70000).fill(0xff);
    const other = new Uint8Array(999).map((_, i) => i);
    for (let k = 0; k < 50; k++) {
      expect(onesComplementSum(ff, k, 65536, k)).toBe(referenceSum(ff, k, 65536, k));
      expect(onesComplementSum(other, k, 900, 0)).toBe(referenceSum(other, k, 900, 0));
    }
    expect(onesComplementSum(ff, 0, 64, 0)).toBe(0xffff);
    // Beyond 4 MiB it sums in chunks; the result must not change.
    const big = new Uint8Array((1 << 22) + 10).map((_, i) => (i * 7) & 0xff);
    expect(onesComplementSum(big, 1, big.length - 1, 0)).toBe(referenceSum(big, 1, big.length - 1, 0));
  });

  it('matches the reference in any order of sums over views of two buffers (two-entry view cache)', () => {
    // Views of the same buffer at different offsets, of another buffer, and the buffer itself: the
    // cache keeps two views with their offsets and word views, and swaps or replaces them on a miss.
    const a = new Uint8Array(4096).map((_, i) => (i * 37 + 11) & 0xff);
    const b = new Uint8Array(3000).map((_, i) => (i * 53 + 5) & 0xff);
    const views = [a, a.subarray(1), a.subarray(2, 3000), a.subarray(7), b, b.subarray(3), b.subarray(4, 2900)];
    fc.assert(
      fc.property(
        fc.array(fc.record({ v: fc.nat(views.length - 1), at: fc.nat(), len: fc.nat() }), { minLength: 1, maxLength: 40 }),
        (steps) => {
          for (const { v, at, len } of steps) {
            const view = views[v]!;
            const offset = at % (view.length - 64);
            const length = 64 + (len % (view.length - offset - 63));
            expect(onesComplementSum(view, offset, length, 0)).toBe(referenceSum(view, offset, length, 0));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
