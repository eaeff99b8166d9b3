/** The offload hot-path sum kernel equals onesComplementSum (RFC 1071) for every alignment, length and buffer. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { onesComplementSum } from '../../src/checksum.js';
import { bulkSum } from '../../src/offload/sum.js';

describe('bulkSum', () => {
  it('matches onesComplementSum on random views, offsets, lengths and initial values', () => {
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
          expect(bulkSum(view, offset, length, initial)).toBe(onesComplementSum(view, offset, length, initial));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('interleaves buffers (single-entry view cache) and handles all-0xFF data without losing carries', () => {
    const ff = new Uint8Array(70000).fill(0xff);
    const other = new Uint8Array(999).map((_, i) => i);
    for (let k = 0; k < 50; k++) {
      expect(bulkSum(ff, k, 65536, k)).toBe(onesComplementSum(ff, k, 65536, k));
      expect(bulkSum(other, k, 900, 0)).toBe(onesComplementSum(other, k, 900, 0));
    }
    expect(bulkSum(ff, 0, 64, 0)).toBe(0xffff);
    // Beyond the bulk bound it delegates.
    const big = new Uint8Array((1 << 22) + 10).fill(0xab);
    expect(bulkSum(big, 1, big.length - 1, 0)).toBe(onesComplementSum(big, 1, big.length - 1, 0));
  });
});
