/**
 * The WebAssembly SIMD kernel of onesComplementSum (src/wire/checksum-simd.ts, docs/offload.md §2.1)
 * against the pure-TypeScript kernel and a plain byte-pair loop written here: identical on every length
 * from 0 to 70,000 and every start offset 0–15, subarrays, shared memory, maximal carries, and never
 * writing to its input.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { onesComplementSum } from '../../src/wire/checksum.js';
import { checksumKernel, setChecksumKernel } from '../../src/wire/checksum.checked.js';
import { instantiateSimd, SimdKernel, simdModuleBytes } from '../../src/wire/checksum-simd.js';
import { NvgreError } from '../../src/wire/errors.js';
import { runs } from '../helpers/arbitraries.js';

/** RFC 1071 §1 by the letter: big-endian 16-bit words, an odd last byte padded with zero, end-around carry. */
function reference(b: Uint8Array, offset: number, length: number, initial = 0): number {
  let s = initial;
  let i = offset;
  const end = offset + length;
  for (; i + 1 < end; i += 2) s += (b[i]! << 8) | b[i + 1]!;
  if (i < end) s += b[i]! << 8;
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return s;
}

function both(bytes: Uint8Array, offset: number, length: number, initial = 0): [number, number] {
  setChecksumKernel('auto');
  const simd = onesComplementSum(bytes, offset, length, initial);
  setChecksumKernel('js');
  const js = onesComplementSum(bytes, offset, length, initial);
  setChecksumKernel('auto');
  return [simd, js];
}

afterEach(() => setChecksumKernel('auto'));

describe('the WebAssembly SIMD checksum kernel', () => {
  it('is in use on this runtime (Node 20 has WebAssembly SIMD), and can be turned off', () => {
    expect(WebAssembly.validate(simdModuleBytes() as Uint8Array<ArrayBuffer>)).toBe(true);
    expect(checksumKernel()).toBe('wasm');
    setChecksumKernel('js');
    expect(checksumKernel()).toBe('js');
    setChecksumKernel('auto');
    expect(checksumKernel()).toBe('wasm');
  });

  it('refuses an unknown kernel with INVALID_ARGUMENT', () => {
    expect(() => setChecksumKernel('simd' as 'auto')).toThrow(NvgreError);
    try {
      setChecksumKernel(undefined as unknown as 'auto');
    } catch (e) {
      expect((e as NvgreError).code).toBe('INVALID_ARGUMENT');
    }
  });

  it('equals the TypeScript kernel and RFC 1071 on every length 0–70,000, from every offset 0–15', () => {
    const big = new Uint8Array(70_000 + 16);
    for (let i = 0; i < big.length; i++) big[i] = (i * 2654435761) >>> 24;
    // Every length from one offset, then every offset at lengths around the kernel's block sizes.
    let ref = 0; // reference(big, 3, n), built byte by byte
    for (let n = 0; n <= 70_000; n++) {
      if (n > 0) ref += (n - 1) % 2 === 0 ? big[3 + n - 1]! << 8 : big[3 + n - 1]!;
      let folded = ref;
      while (folded > 0xffff) folded = (folded & 0xffff) + Math.floor(folded / 0x10000);
      if (n % 3 === 0 || n < 2048 || n > 69_000) {
        const [simd, js] = both(big, 3, n);
        if (simd !== folded || js !== folded) expect({ n, simd, js }).toEqual({ n, simd: folded, js: folded });
      }
    }
    for (let offset = 0; offset < 16; offset++) {
      for (const n of [511, 512, 513, 527, 528, 575, 576, 577, 1480, 1500, 4096, 65_535, 65_536, 65_537]) {
        const [simd, js] = both(big, offset, n, 0x1234);
        expect([simd, js]).toEqual([reference(big, offset, n, 0x1234), reference(big, offset, n, 0x1234)]);
      }
    }
  });

  it('carries right on all-0xFF input (lanes at their limit) beyond one staged chunk: 1 MiB and 5 MiB + 3', () => {
    for (const n of [1 << 20, 5 * (1 << 20) + 3, 256 * 1024, 256 * 1024 + 16]) {
      const ff = new Uint8Array(n).fill(0xff);
      expect(both(ff, 0, n)).toEqual([reference(ff, 0, n), reference(ff, 0, n)]);
      const f0 = new Uint8Array(n).fill(0x80); // every word 0x8080: the sign flip's edge
      expect(both(f0, 1, n - 1)).toEqual([reference(f0, 1, n - 1), reference(f0, 1, n - 1)]);
    }
  });

  it('gives 0 for all-zero input and 0xFFFF where the words sum to a multiple of 0xFFFF', () => {
    const zero = new Uint8Array(4096);
    expect(both(zero, 0, 4096)).toEqual([0, 0]);
    const cancel = new Uint8Array(4096);
    cancel[0] = 0xff;
    cancel[1] = 0xff;
    expect(both(cancel, 0, 4096)).toEqual([0xffff, 0xffff]);
  });

  it('reads subarrays at any byteOffset, Node Buffers and SharedArrayBuffer views, and never writes them', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 6000 }), fc.nat(64), fc.nat(0xffff), (data, cut, initial) => {
        const backing = new Uint8Array(data.length + 128);
        backing.set(data, 64);
        const view = backing.subarray(64 - (cut % 64), 64 + data.length);
        const start = cut % 64;
        const before = backing.slice();
        const expected = reference(data, 0, data.length, initial);
        expect(both(view, start, data.length, initial)).toEqual([expected, expected]);
        const shared = new Uint8Array(new SharedArrayBuffer(data.length + 3), 3, data.length);
        shared.set(data);
        expect(both(shared, 0, data.length, initial)).toEqual([expected, expected]);
        expect(both(Buffer.from(data), 0, data.length, initial)).toEqual([expected, expected]);
        expect(backing).toEqual(before);
      }),
      { numRuns: runs(200) },
    );
  });

  it('sums a range inside a long array (the range is not copied alone above 256 KiB)', () => {
    const big = new Uint8Array(600_000);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7) & 0xff;
    for (const [o, n] of [[0, 600_000], [1, 599_999], [300_001, 1500], [599_000, 1000], [17, 262_160]] as const) {
      expect(both(big, o, n)).toEqual([reference(big, o, n), reference(big, o, n)]);
    }
  });
});

describe("the kernel's segments(): header and payload slices laid out, each slice copied and summed in one pass", () => {
  /** The little-endian word sum the module returns: RFC 1071 over the byte-swapped words, folded. */
  const swapped = (b: Uint8Array, o: number, n: number) => {
    const s = reference(b, o, n);
    return ((s & 0xff) << 8) | (s >>> 8);
  };

  /** The first k < n where a[ao + k] ≠ b[bo + k], or -1 (one expect per range, not per byte). */
  const firstDifference = (a: Uint8Array, ao: number, b: Uint8Array, bo: number, n: number) => {
    for (let k = 0; k < n; k++) if (a[ao + k] !== b[bo + k]) return k;
    return -1;
  };

  it('lays out and sums like a byte loop, for any header length, slice size (odd ones too), count and last slice', () => {
    const kernel = instantiateSimd()!;
    expect(kernel).not.toBeNull();
    const mem = kernel.mem;
    const sums = new Uint32Array(mem.buffer, SimdKernel.SUMS, SimdKernel.SUMS_MAX);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 1, max: 3000 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 2999 }),
        fc.integer({ min: 0, max: 0xffffffff }),
        (headerLength, mss, count, lastCut, seed) => {
          const last = Math.max(1, mss - (lastCut % mss));
          const frameLength = headerLength + (count - 1) * mss + last;
          const frame = new Uint8Array(frameLength);
          let x = seed;
          for (let i = 0; i < frameLength; i++) {
            x = (Math.imul(x, 1103515245) + 12345) >>> 0;
            frame[i] = x >>> 24;
          }
          mem.set(frame, 0);
          const outLength = count * headerLength + frameLength - headerLength;
          mem.fill(0xa5, SimdKernel.OUT, SimdKernel.OUT + outLength + 32); // stale bytes the build must overwrite
          kernel.segments(headerLength, 0, headerLength, mss, count, last, SimdKernel.OUT, SimdKernel.SUMS);
          let out = SimdKernel.OUT;
          for (let k = 0; k < count; k++) {
            const len = k === count - 1 ? last : mss;
            const src = headerLength + k * mss;
            const header = firstDifference(mem, out, frame, 0, headerLength);
            const payload = firstDifference(mem, out + headerLength, frame, src, len);
            if (header >= 0 || payload >= 0 || sums[k] !== swapped(frame, src, len)) {
              expect({ k, header, payload, sum: sums[k] }).toEqual({ k, header: -1, payload: -1, sum: swapped(frame, src, len) });
            }
            out += headerLength + len;
          }
          // The last slice's tail vector may store up to 16 bytes past the batch (SimdKernel.OUT_BYTES
          // leaves room for them); nothing further.
          expect(firstDifference(mem, out + 16, new Uint8Array(16).fill(0xa5), 0, 16)).toBe(-1);
          expect(firstDifference(mem, 0, frame, 0, frameLength)).toBe(-1); // the staged frame is only read
        },
      ),
      { numRuns: runs(300) },
    );
  });

  it('carries right with every byte 0xFF and 0x80 in the largest slices', () => {
    const kernel = instantiateSimd()!;
    const sums = new Uint32Array(kernel.mem.buffer, SimdKernel.SUMS, 4);
    for (const fill of [0xff, 0x80]) {
      const frame = new Uint8Array(100 + 2 * 65_535).fill(fill);
      kernel.mem.set(frame, 0);
      kernel.segments(100, 0, 100, 65_535, 2, 65_535, SimdKernel.OUT, SimdKernel.SUMS);
      expect([sums[0], sums[1]]).toEqual([swapped(frame, 100, 65_535), swapped(frame, 100, 65_535)]);
    }
  });
});
