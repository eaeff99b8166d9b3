/**
 * Pooled results of encapsulate() (docs/api.md "Memory: pooled results") and the one-shot call's reuse
 * of the encapsulator of its last options (src/tunnel/encapsulate.ts): same bytes as unpooled and
 * freshly built, never sharing bytes, and never stale when the caller changes the options.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildFrame } from '../../src/frame/build.js';
import { createEncapsulator, encapsulate } from '../../src/tunnel/encapsulate.js';
import { decapsulate } from '../../src/tunnel/decapsulate.js';
import { NvgreError } from '../../src/wire/errors.js';
import { pooledBytes } from '../../src/wire/pool.js';
import { encapsulateOptions, innerFrame, runs } from '../helpers/arbitraries.js';
import { INNER } from './frames.js';

const V4OPTS = { vsid: 0x123456, flowId: 7, srcMac: '02:00:00:00:01:01', dstMac: '02:00:00:00:01:02', srcIp: '192.0.2.1', dstIp: '192.0.2.2' } as const;
const inner = buildFrame(INNER);

function ipIdOf(frame: Uint8Array): number {
  return (frame[14 + 4]! << 8) | frame[14 + 5]!;
}

describe('pooled encapsulate() results', () => {
  it('are carved from a shared slab at 8-byte aligned offsets, and never overlap', () => {
    const enc = createEncapsulator(V4OPTS);
    const results = Array.from({ length: 1000 }, () => enc.encapsulate(inner));
    const shared = results.filter((r) => r.buffer === results[0]!.buffer);
    expect(shared.length).toBeGreaterThan(1);
    for (const r of results) expect(r.byteOffset % 8).toBe(0);
    // Writing into one result changes no other.
    for (const r of results) r.fill(0xaa);
    const fresh = enc.encapsulate(inner);
    expect(fresh.some((b) => b !== 0xaa)).toBe(true);
    const ranges = results.map((r) => [r.buffer, r.byteOffset, r.byteOffset + r.length] as const);
    for (let i = 1; i < ranges.length; i++) {
      const [buf, start] = ranges[i]!;
      const [prevBuf, , prevEnd] = ranges[i - 1]!;
      if (buf === prevBuf) expect(start).toBeGreaterThanOrEqual(prevEnd);
    }
  });

  it('hold the same bytes as pool: false and as encapsulateInto, for random options and frames', () => {
    let successes = 0;
    fc.assert(
      fc.property(encapsulateOptions(), innerFrame(), (opts, { bytes: frame }) => {
        const pooled = createEncapsulator({ ...opts, ipId: 5 });
        const own = createEncapsulator({ ...opts, ipId: 5, pool: false });
        const into = createEncapsulator({ ...opts, ipId: 5 });
        let a: Uint8Array;
        try {
          a = pooled.encapsulate(frame);
        } catch (e) {
          expect(() => own.encapsulate(frame)).toThrow((e as Error).message);
          return;
        }
        successes++;
        const b = own.encapsulate(frame);
        const target = new Uint8Array(b.length);
        expect(into.encapsulateInto(target, 0, frame)).toBe(b.length);
        expect(a).toEqual(b);
        expect(target).toEqual(b);
        expect(b.byteOffset).toBe(0);
        expect(b.buffer.byteLength).toBe(b.length);
      }),
      { numRuns: runs(300) },
    );
    expect(successes).toBeGreaterThan(runs(300) / 2);
  });

  it('above 4 KiB, and with pool: false, own their buffer', () => {
    const big = buildFrame({ ...INNER, payload: new Uint8Array(5000) });
    const r = createEncapsulator(V4OPTS).encapsulate(big);
    expect(r.byteOffset).toBe(0);
    expect(r.buffer.byteLength).toBe(r.length);
    const own = createEncapsulator({ ...V4OPTS, pool: false }).encapsulate(inner);
    expect(own.buffer.byteLength).toBe(own.length);
    const oneShot = encapsulate(inner, { ...V4OPTS, pool: false });
    expect(oneShot.buffer.byteLength).toBe(oneShot.length);
  });

  it('start as zero bytes, whatever was handed out before', () => {
    for (let k = 0; k < 200; k++) {
      const b = pooledBytes(100 + (k % 50));
      expect(b.every((x) => x === 0)).toBe(true);
      b.fill(0xff);
    }
  });

  it('refuse a pool option that is not a boolean', () => {
    expect(() => createEncapsulator({ ...V4OPTS, pool: 'yes' as unknown as boolean })).toThrow(NvgreError);
  });
});

describe('one-shot encapsulate() with repeated options', () => {
  it('equals a fresh encapsulator for each call, for random options and frames', () => {
    let successes = 0;
    fc.assert(
      fc.property(encapsulateOptions(), innerFrame(), (opts, { bytes: frame }) => {
        let expected: Uint8Array;
        try {
          expected = createEncapsulator({ ...opts, ipId: 9 }).encapsulate(frame);
        } catch (e) {
          expect(() => encapsulate(frame, { ...opts, ipId: 9 })).toThrow((e as Error).message);
          return;
        }
        successes++;
        expect(encapsulate(frame, { ...opts, ipId: 9 })).toEqual(expected);
        expect(encapsulate(frame, { ...opts, ipId: 9 })).toEqual(expected); // second call: the kept encapsulator
      }),
      { numRuns: runs(300) },
    );
    expect(successes).toBeGreaterThan(runs(300) / 2);
  });

  it('follows an options object changed between calls', () => {
    const opts: { -readonly [K in keyof typeof V4OPTS]: (typeof V4OPTS)[K] | number | string } & { vlan?: { id: number }; ttl?: number } = { ...V4OPTS };
    const first = decapsulate(encapsulate(inner, opts as never));
    expect(first.vsid).toBe(0x123456);
    opts.vsid = 0x654321;
    opts.srcIp = '192.0.2.77';
    expect(decapsulate(encapsulate(inner, opts as never)).vsid).toBe(0x654321);
    expect(decapsulate(encapsulate(inner, opts as never)).outer.src).toBe('192.0.2.77');
    opts.vlan = { id: 10 };
    expect(decapsulate(encapsulate(inner, opts as never)).outer.vlan?.id).toBe(10);
    opts.vlan.id = 20; // the same VLAN object, changed
    expect(decapsulate(encapsulate(inner, opts as never)).outer.vlan?.id).toBe(20);
    opts.ttl = 9;
    expect(encapsulate(inner, opts as never)[14 + 4 + 8]).toBe(9); // outer VLAN tag, then IPv4 TTL
  });

  it('reads byte-array addresses afresh on every call, even when the caller changes their bytes', () => {
    const srcIp = new Uint8Array([192, 0, 2, 1]);
    const opts = { ...V4OPTS, srcIp };
    expect(decapsulate(encapsulate(inner, opts)).outer.src).toBe('192.0.2.1');
    srcIp[3] = 99;
    expect(decapsulate(encapsulate(inner, opts)).outer.src).toBe('192.0.2.99');
  });

  it('reads a Toeplitz key by value', () => {
    const key = new Uint8Array(40).fill(0x6d);
    const opts = { ...V4OPTS, flowId: 'toeplitz' as const, flowIdKey: key };
    const a = encapsulate(inner, opts);
    key.fill(0x11);
    const b = encapsulate(inner, opts);
    expect(b[a.length - inner.length - 1]).toBe(createEncapsulator({ ...opts, flowIdKey: key }).encapsulate(inner)[a.length - inner.length - 1]);
    expect(a[a.length - inner.length - 1]).toBe(createEncapsulator({ ...opts, flowIdKey: new Uint8Array(40).fill(0x6d) }).encapsulate(inner)[a.length - inner.length - 1]);
  });

  it('uses the shared IPv4 ID counter without ipId, and each call\'s ipId with it', () => {
    const a = ipIdOf(encapsulate(inner, { ...V4OPTS }));
    const b = ipIdOf(encapsulate(inner, { ...V4OPTS }));
    expect(b).toBe((a + 1) & 0xffff);
    expect(ipIdOf(encapsulate(inner, { ...V4OPTS, ipId: 1234 }))).toBe(1234);
    expect(ipIdOf(encapsulate(inner, { ...V4OPTS, ipId: 1234 }))).toBe(1234);
    expect(ipIdOf(encapsulate(inner, { ...V4OPTS, ipId: 77 }))).toBe(77);
  });

  it('checks ipId on every call, and caches nothing from options it refuses', () => {
    encapsulate(inner, V4OPTS);
    const bad = (() => {
      try {
        encapsulate(inner, { ...V4OPTS, ipId: 70000 });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(bad).toBeInstanceOf(NvgreError);
    expect((bad as NvgreError).code).toBe('INVALID_ARGUMENT');
    expect(() => encapsulate(inner, { ...V4OPTS, vsid: 5 })).toThrow(NvgreError); // reserved VSID
    expect(() => encapsulate(inner, { ...V4OPTS, vsid: 5 })).toThrow(NvgreError); // and again: not cached
    expect(decapsulate(encapsulate(inner, V4OPTS)).vsid).toBe(0x123456);
  });
});
