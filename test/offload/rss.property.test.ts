/**
 * RSS properties (docs/rss.md §2–§6): the table-driven Toeplitz agrees with a bit-by-bit one written here
 * from the NDIS pseudocode; createRss().hash agrees with rssHash; the queue is always table[hash & mask];
 * no frame, however cut or scribbled, makes the classifier throw.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRss, rssHash, toeplitzHash, type RssHashType, type RssOptions } from '../../src/index.js';
import { ToeplitzTable, defaultRssKey, hashRssIp } from '../../src/wire/toeplitz.js';
import { ReceiveView, fastInner } from '../../src/offload/rss.js';
import { nvgreFrame, innerFrame, runs } from '../helpers/arbitraries.js';

/**
 * The NDIS pseudocode, literally: for each input bit from the left, XOR in the left-most 32 bits of K
 * when the bit is 1, then shift K left by one. K is held as a bigint of key.length · 8 bits.
 */
function bitByBit(key: Uint8Array, input: Uint8Array): number {
  const bits = BigInt(key.length * 8);
  let k = 0n;
  for (const b of key) k = (k << 8n) | BigInt(b);
  const mask = (1n << bits) - 1n;
  let result = 0n;
  for (const byte of input) {
    for (let bit = 7; bit >= 0; bit--) {
      if ((byte >> bit) & 1) result ^= k >> (bits - 32n);
      k = (k << 1n) & mask;
    }
  }
  return Number(result);
}

function tableHash(t: ToeplitzTable, input: Uint8Array): number {
  let h = 0;
  for (let i = 0; i < input.length; i++) h ^= t.table[(i << 8) | input[i]!]!;
  return h >>> 0;
}

const keyAndInput = fc.integer({ min: 0, max: 36 }).chain((n) =>
  fc.tuple(fc.uint8Array({ minLength: n + 4, maxLength: 60 }), fc.uint8Array({ minLength: n, maxLength: n })),
);

const ALL_TYPES: RssHashType[] = ['ipv4', 'tcp-ipv4', 'udp-ipv4', 'ipv6', 'tcp-ipv6', 'udp-ipv6', 'ipv6-ex', 'tcp-ipv6-ex', 'udp-ipv6-ex'];

const rssOptions: fc.Arbitrary<RssOptions> = fc.record(
  {
    key: fc.uint8Array({ minLength: 40, maxLength: 52 }),
    hashTypes: fc.subarray(ALL_TYPES, { minLength: 1 }),
    encapsulation: fc.constantFrom<'nvgre' | 'none'>('nvgre', 'none'),
  },
  { requiredKeys: [] },
);

/** NVGRE frames across the matrix (tags, extension headers, fragments, nesting, trailers) and plain frames. */
const anyFrame = fc.oneof(
  nvgreFrame({ trailer: true, inner: { fragments: true } }).map((f) => f.bytes),
  nvgreFrame({ depth: 2 }).map((f) => f.bytes),
  innerFrame({ fragments: true, vlans: 2 }).map((f) => f.bytes),
);

describe('Toeplitz (docs/rss.md §2)', () => {
  it('toeplitzHash agrees with the bit-by-bit pseudocode on random keys and inputs', () => {
    fc.assert(
      fc.property(keyAndInput, ([key, input]) => {
        expect(toeplitzHash(key, input)).toBe(bitByBit(key, input));
      }),
      { numRuns: runs(500) },
    );
  });

  it('the per-byte-position tables agree with the bit-by-bit pseudocode', () => {
    fc.assert(
      fc.property(keyAndInput, ([key, input]) => {
        const t = new ToeplitzTable(key, Math.min(36, key.length - 4));
        expect(tableHash(t, input)).toBe(bitByBit(key, input));
      }),
      { numRuns: runs(200) },
    );
  });

  it('is linear: hash(a xor b) = hash(a) xor hash(b)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 40, maxLength: 40 }), fc.uint8Array({ minLength: 36, maxLength: 36 }), fc.uint8Array({ minLength: 36, maxLength: 36 }), (key, a, b) => {
        const x = a.map((v, i) => v ^ b[i]!);
        expect(toeplitzHash(key, x)).toBe((toeplitzHash(key, a) ^ toeplitzHash(key, b)) >>> 0);
      }),
      { numRuns: runs(200) },
    );
  });

  it('refuses a key shorter than the input + 4 bytes', () => {
    expect(() => toeplitzHash(new Uint8Array(15), new Uint8Array(12))).toThrow(/at least 16/);
    expect(() => toeplitzHash(new Uint8Array(16), new Uint8Array(12))).not.toThrow();
  });
});

describe('RSS classifier (docs/rss.md §4–§6)', () => {
  it('createRss().hash equals rssHash, and the queue is table[hash & mask] (default queue without a hash)', () => {
    fc.assert(
      fc.property(
        anyFrame,
        rssOptions,
        fc.integer({ min: 0, max: 7 }).chain((log) => fc.array(fc.integer({ min: 0, max: 15 }), { minLength: 1 << log, maxLength: 1 << log })),
        (frame, options, table) => {
          const rss = createRss({ ...options, indirectionTable: table, defaultQueue: 99 });
          const one = rssHash(frame, options);
          expect({ ...rss.hash(frame) }).toEqual(one);
          expect(rss.queue(frame)).toBe(one.hashType === null ? 99 : table[one.hash & (table.length - 1)]);
          expect(Number.isInteger(one.hash) && one.hash >= 0 && one.hash <= 0xffffffff).toBe(true);
        },
      ),
      { numRuns: runs(300) },
    );
  });

  it('the fast path of common frames agrees with the general walk', () => {
    const t = new ToeplitzTable(defaultRssKey(), 36).table;
    const view = new ReceiveView();
    const out = new Uint32Array(1);
    const types = 0x1ff00; // every NDIS hash type
    let hits = 0;
    fc.assert(
      fc.property(fc.oneof(nvgreFrame({ trailer: true, inner: { fragments: true, vlans: 1 } }), nvgreFrame({ outerExtras: false, outerVlan: false, inner: { ipExtras: false } })), fc.nat(), (f, cut) => {
        const frame = cut % 3 === 0 ? f.bytes.subarray(0, cut % (f.bytes.length + 1)) : f.bytes;
        const fast = fastInner(t, frame, types, out);
        if (fast === 0) return;
        hits++;
        const fastHash = out[0];
        view.walk(frame, true);
        expect(view.innerIp).toBe(true);
        expect(hashRssIp(t, frame, view.inner, types, true, out)).toBe(fast);
        expect(out[0]).toBe(fastHash);
      }),
      { numRuns: runs(600) },
    );
    expect(hits).toBeGreaterThan(0);
  });

  it("'none' never looks inside: an NVGRE frame hashes as its outer 2-tuple", () => {
    fc.assert(
      fc.property(nvgreFrame({ outerExtras: false }), (f) => {
        const r = rssHash(f.bytes, { encapsulation: 'none' });
        expect(r.over).toBe('outer');
        expect(r.hashType).toBe(f.spec.ipv4 ? 'ipv4' : 'ipv6');
      }),
      { numRuns: runs(200) },
    );
  });

  it('never throws on a cut or scribbled frame', () => {
    const rss = createRss({ hashTypes: ALL_TYPES });
    fc.assert(
      fc.property(anyFrame, fc.nat(), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), (frame, cut, edits) => {
        const f = frame.slice(0, cut % (frame.length + 1));
        for (const [at, v] of edits) if (f.length > 0) f[at % f.length] = v;
        const r = rss.hash(f);
        expect(['inner', 'outer', 'none']).toContain(r.over);
        expect(rssHash(f, { encapsulation: 'none' }).over).not.toBe('inner');
        rss.queue(f);
      }),
      { numRuns: runs(1000) },
    );
  });
});
