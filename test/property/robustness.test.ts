/**
 * Decoding untrusted bytes: every strict prefix of a valid frame is TRUNCATED (never another error,
 * never another exception type); subarrays at any byteOffset (odd ones included, guard bytes around)
 * decode identically; decoding never writes to its input; mutated frames yield typed errors only.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { onesComplementSum } from '../../src/wire/checksum.js';
import { NvgreError } from '../../src/wire/errors.js';
import { parseFrame } from '../../src/frame/parse.js';
import { decapsulate, tryDecapsulate, type Decapsulated } from '../../src/tunnel/decapsulate.js';
import { nvgreFrame, runs } from '../helpers/arbitraries.js';
import { decapsulatedFields } from '../helpers/decapsulated.js';

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof NvgreError) return e.code;
    throw e;
  }
  return 'OK';
}

function summary(d: Decapsulated) {
  return { ...decapsulatedFields(d), inner: Array.from(d.inner) };
}

/** `frame` copied into a larger buffer at `at`, surrounded by guard bytes. */
function embed(frame: Uint8Array, at: number, guard: number, after: number): { whole: Uint8Array; view: Uint8Array } {
  const whole = new Uint8Array(at + frame.length + after).fill(guard);
  whole.set(frame, at);
  return { whole, view: whole.subarray(at, at + frame.length) };
}

// Frames without trailer: then every strict prefix cuts into the outer IP datagram.
const noTrailer = nvgreFrame({ trailer: false, reservedVsid: false, inner: { vlans: 0 } });

describe('truncation', () => {
  it('every strict prefix of a valid frame is TRUNCATED from decapsulate (strict and lenient) and parseFrame', () => {
    fc.assert(
      fc.property(noTrailer, ({ bytes }) => {
        expect(codeOf(() => decapsulate(bytes))).toBe('OK');
        for (let n = 0; n < bytes.length; n++) {
          const prefix = bytes.subarray(0, n);
          expect(codeOf(() => decapsulate(prefix)), `prefix of ${n}/${bytes.length} bytes`).toBe('TRUNCATED');
          expect(codeOf(() => decapsulate(prefix, { strict: false }))).toBe('TRUNCATED');
          const t = tryDecapsulate(prefix);
          expect(t.ok ? 'OK' : t.error.code).toBe('TRUNCATED');
        }
        // parseFrame on a sample of cuts (it formats every field, so it is slower).
        for (let n = 0; n < bytes.length; n += 7) expect(codeOf(() => parseFrame(bytes.subarray(0, n)))).toBe('TRUNCATED');
      }),
      { numRuns: runs(150) },
    );
  });

  it('with a trailer, cuts inside the padding still decode; cuts inside the datagram are TRUNCATED', () => {
    fc.assert(
      fc.property(nvgreFrame({ trailer: true }), ({ spec, bytes }) => {
        const trailer = spec.trailer ?? 0;
        const datagramEnd = bytes.length - trailer;
        const full = decapsulate(bytes, { strict: false });
        for (let n = Math.max(0, datagramEnd - 30); n < bytes.length; n++) {
          const prefix = bytes.subarray(0, n);
          if (n < datagramEnd) expect(codeOf(() => decapsulate(prefix, { strict: false }))).toBe('TRUNCATED');
          else expect(summary(decapsulate(prefix, { strict: false }))).toEqual(summary(full));
        }
      }),
      { numRuns: runs(150) },
    );
  });
});

describe('subarrays at a non-zero byteOffset', () => {
  const placed = fc.record({
    frame: nvgreFrame({ trailer: true, reservedVsid: true, inner: { vlans: 1 } }),
    at: fc.oneof(fc.constantFrom(1, 2, 3, 5, 7), fc.integer({ min: 1, max: 64 })),
    after: fc.integer({ min: 0, max: 9 }),
    guard: fc.integer({ min: 0, max: 255 }),
  });

  it('decapsulate and parseFrame give identical results, and the buffer (guards included) is never written', () => {
    fc.assert(
      fc.property(placed, ({ frame: { bytes }, at, after, guard }) => {
        const { whole, view } = embed(bytes, at, guard, after);
        const before = whole.slice();
        expect(view.byteOffset).toBe(at);
        for (const strict of [true, false]) {
          const a = tryDecapsulate(bytes, { strict });
          const b = tryDecapsulate(view, { strict });
          expect(b.ok).toBe(a.ok);
          if (a.ok && b.ok) expect(summary(b.value)).toEqual(summary(a.value));
          if (!a.ok && !b.ok) expect(b.error).toEqual(a.error);
        }
        expect(JSON.parse(JSON.stringify(parseFrame(view)))).toEqual(JSON.parse(JSON.stringify(parseFrame(bytes))));
        expect(Buffer.from(whole).equals(Buffer.from(before))).toBe(true);
      }),
      { numRuns: runs(300) },
    );
  });

  it('onesComplementSum of a subarray equals the sum of the same bytes at offset 0', () => {
    fc.assert(
      fc.property(placed, fc.nat(), fc.nat(), ({ frame: { bytes }, at, after, guard }, x, y) => {
        const { view } = embed(bytes, at, guard, after);
        const start = x % bytes.length;
        const length = y % (bytes.length - start + 1);
        expect(onesComplementSum(view, start, length)).toBe(onesComplementSum(bytes.slice(), start, length));
      }),
      { numRuns: runs(300) },
    );
  });
});

describe('hostile bytes', () => {
  const mutated = fc.record({
    frame: nvgreFrame({ trailer: true, reservedVsid: true, inner: { vlans: 2, fragments: true } }),
    edits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
    cut: fc.option(fc.nat(), { nil: undefined }),
  });

  it('mutated frames: decapsulate throws only NvgreError, tryDecapsulate and parseFrame({partial}) never throw, input untouched', () => {
    fc.assert(
      fc.property(mutated, ({ frame: { bytes }, edits, cut }) => {
        const f = bytes.slice();
        for (const [i, v] of edits) f[i % f.length] = v;
        const input = cut === undefined ? f : f.subarray(0, cut % (f.length + 1));
        const before = input.slice();
        for (const strict of [true, false]) {
          const code = codeOf(() => decapsulate(input, { strict }));
          const t = tryDecapsulate(input, { strict });
          expect(t.ok ? 'OK' : t.error.code).toBe(code);
        }
        const p = parseFrame(input, { partial: true });
        expect(p.offset).toBe(0);
        let parsedCode = 'OK';
        try {
          parseFrame(input);
        } catch (e) {
          expect(e).toBeInstanceOf(NvgreError);
          parsedCode = (e as NvgreError).code;
        }
        // partial mode reports the error the throwing mode throws.
        let deepest = p;
        while (deepest.inner) deepest = deepest.inner;
        expect(deepest.error?.code ?? p.error?.code ?? 'OK').toBe(parsedCode);
        expect(Buffer.from(input).equals(Buffer.from(before))).toBe(true);
      }),
      { numRuns: runs(500) },
    );
  });
});
