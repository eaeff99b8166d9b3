/**
 * encapsulateInto's fast path (no per-packet options, untagged inner frame) and its per-target word
 * view must write exactly what the general path writes, whatever the target's alignment, reuse
 * pattern, previous contents or buffer kind. The general path is forced with `perPacket: {}`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { onesComplementSum } from '../../src/wire/checksum.js';
import { createDecapsulator, decapsulate } from '../../src/tunnel/decapsulate.js';
import { createEncapsulator } from '../../src/tunnel/encapsulate.js';
import { type EncapsulateOptions } from '../../src/tunnel/template.js';
import { encapsulateOptions, innerFrame, runs } from '../helpers/arbitraries.js';

type Resizable = ArrayBuffer & { resize(n: number): void };

/** A resizable ArrayBuffer (ES2024; Node 20 has it), or null where the runtime lacks one. */
function resizableBuffer(size: number, maxByteLength: number): Resizable | null {
  try {
    const ctor = ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => Resizable;
    const b = new ctor(size, { maxByteLength });
    return typeof b.resize === 'function' ? b : null;
  } catch {
    return null;
  }
}
const HAS_RESIZABLE = resizableBuffer(8, 16) !== null;

/** Same sequence of calls through both paths; every result must match byte for byte. */
function expectPathsAgree(opts: EncapsulateOptions, inner: Uint8Array, calls: readonly { readonly target: number; readonly offset: number }[], targets: readonly Uint8Array[]): void {
  const fast = createEncapsulator(opts);
  const general = createEncapsulator(opts);
  const total = fast.encapsulatedLength(inner);
  for (const { target, offset } of calls) {
    const t = targets[target]!;
    if (offset + total > t.length) continue;
    t.fill(0xa5); // the previous packet's bytes must not leak into this one
    const n = fast.encapsulateInto(t, offset, inner);
    const expected = new Uint8Array(total);
    expect(general.encapsulateInto(expected, 0, inner, {})).toBe(total);
    expect(n).toBe(total);
    expect(t.subarray(offset, offset + n)).toEqual(expected);
    // Nothing outside the frame is touched.
    expect(t.subarray(0, offset).every((b) => b === 0xa5)).toBe(true);
    expect(t.subarray(offset + n).every((b) => b === 0xa5)).toBe(true);
  }
}

describe('encapsulateInto fast path equals the general path', () => {
  it('random options, targets at every alignment, reused and alternating', () => {
    const backing = new Uint8Array(4 * 3000 + 16);
    fc.assert(
      fc.property(
        encapsulateOptions().filter((o) => o.mtu === undefined),
        innerFrame(),
        fc.array(fc.record({ target: fc.integer({ min: 0, max: 3 }), offset: fc.integer({ min: 0, max: 9 }) }), { minLength: 1, maxLength: 12 }),
        (opts, { bytes }, calls) => {
          // Four targets: a whole buffer and subarrays at byteOffsets 1, 2 and 3 of one backing buffer.
          const targets = [new Uint8Array(3000), backing.subarray(1, 3001), backing.subarray(3002, 6002), backing.subarray(6003, 9003)];
          expectPathsAgree(opts, bytes, calls, targets);
        },
      ),
      { numRuns: runs(200) },
    );
  });

  it('every header size (IPv4/IPv6, with and without an outer tag) and offsets 0–7, each target used 3 times', () => {
    const base = { vsid: 0x5000, flowId: 9, srcMac: '02:00:00:00:00:01', dstMac: '02:00:00:00:00:02' } as const;
    const inner = new Uint8Array(100).map((_, i) => i);
    inner[12] = 0x08;
    inner[13] = 0x00;
    for (const ips of [{ srcIp: '192.0.2.1', dstIp: '192.0.2.2' }, { srcIp: '2001:db8::1', dstIp: '2001:db8::2' }]) {
      for (const vlan of [undefined, { id: 7 }]) {
        const calls = [];
        for (let offset = 0; offset < 8; offset++) for (let k = 0; k < 3; k++) calls.push({ target: 0, offset });
        const backing = new Uint8Array(400);
        for (const byteOffset of [0, 1, 2, 3]) expectPathsAgree({ ...base, ...ips, ...(vlan ? { vlan } : {}) }, inner, calls, [backing.subarray(byteOffset, byteOffset + 300)]);
      }
    }
  });

  it.runIf(HAS_RESIZABLE)('a length-tracking target on a resizable buffer that grows between calls', () => {
    const rab = resizableBuffer(120, 4096)!;
    const target = new Uint8Array(rab);
    const enc = createEncapsulator({ vsid: 0x5000, flowId: 1, srcMac: '02:00:00:00:00:01', dstMac: '02:00:00:00:00:02', srcIp: '192.0.2.1', dstIp: '192.0.2.2' });
    const ref = createEncapsulator({ vsid: 0x5000, flowId: 1, srcMac: '02:00:00:00:00:01', dstMac: '02:00:00:00:00:02', srcIp: '192.0.2.1', dstIp: '192.0.2.2' });
    const inner = new Uint8Array(60);
    inner[12] = 0x08;
    for (const [size, offset] of [
      [120, 0],
      [120, 4],
      [1024, 900],
      [4096, 3000],
      [4096, 3001],
    ] as const) {
      rab.resize(size);
      target.fill(0);
      const n = enc.encapsulateInto(target, offset, inner);
      const expected = new Uint8Array(n);
      ref.encapsulateInto(expected, 0, inner, {});
      expect(target.subarray(offset, offset + n)).toEqual(expected);
    }
  });

  it('an inner frame in the headroom (in place) gives the same frame, below and above the no-copy size', () => {
    const opts = { vsid: 0x5000, flowId: 1, srcMac: '02:00:00:00:00:01', dstMac: '02:00:00:00:00:02', srcIp: '192.0.2.1', dstIp: '192.0.2.2' } as const;
    for (const size of [64, 4095, 4096, 9000]) {
      const inner = new Uint8Array(size).map((_, i) => (i * 7) & 0xff);
      inner[12] = 0x08;
      inner[13] = 0x00;
      const enc = createEncapsulator(opts);
      const ref = createEncapsulator(opts);
      // The same target three times: the fast path's set() first, then its word view.
      const room = new Uint8Array(enc.headerLength + size + 8);
      for (let k = 0; k < 3; k++) {
        room.fill(0xa5);
        room.set(inner, enc.headerLength);
        const view = room.subarray(enc.headerLength, enc.headerLength + size);
        const n = enc.encapsulateInto(room, 0, view);
        expect(room.subarray(0, n)).toEqual(ref.encapsulate(inner, {}));
      }
    }
  });
});

describe('onesComplementSum word-view cache', () => {
  /** The plain RFC 1071 byte-pair loop. */
  function reference(b: Uint8Array, off: number, len: number): number {
    let s = 0;
    for (let i = 0; i < len; i += 2) s += (b[off + i]! << 8) | (i + 1 < len ? b[off + i + 1]! : 0);
    while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 65536);
    return s;
  }

  it('views of one buffer, the same view again, and views of other buffers in any order', () => {
    const a = new Uint8Array(2048).map((_, i) => (i * 131 + 7) & 0xff);
    const b = new Uint8Array(2048).map((_, i) => (i * 17 + 3) & 0xff);
    const views = [a, a.subarray(1), a.subarray(2, 1500), a.subarray(3), b, b.subarray(5, 700)];
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(views.length - 1), fc.nat(300), fc.integer({ min: 0, max: 600 })), { minLength: 1, maxLength: 20 }), (seq) => {
        for (const [v, off, len] of seq) {
          const view = views[v]!;
          const l = Math.min(len, view.length - off);
          expect(onesComplementSum(view, off, l)).toBe(reference(view, off, l));
        }
      }),
      { numRuns: runs(200) },
    );
  });

  it.runIf(HAS_RESIZABLE)('a resizable buffer that grows and shrinks between sums', () => {
    const rab = resizableBuffer(256, 8192)!;
    const view = new Uint8Array(rab);
    for (const size of [256, 8192, 100, 4000, 8192]) {
      rab.resize(size);
      for (let i = 0; i < view.length; i++) view[i] = (i * 29 + size) & 0xff;
      expect(onesComplementSum(view, 0, view.length)).toBe(reference(view, 0, view.length));
      expect(onesComplementSum(view, 3, view.length - 3)).toBe(reference(view, 3, view.length - 3));
    }
  });
});

describe('decapsulate fast path: the verdict packed into one integer, the key read back', () => {
  // The fast path hands back the inner frame's offset and length packed into one small integer, and
  // the caller reads VSID and FlowID again from the bytes before the inner frame. Every VSID around
  // V8's small-integer bound (2^30 as a key: VSID 0x400000) and the 24-bit ends, over IPv4 and IPv6,
  // tagged or not, from a subarray at an odd byteOffset, and the inner length up to the largest datagram.
  const cases = fc.record({
    vsid: fc.oneof(fc.constantFrom(0x1000, 0x3fffff, 0x400000, 0x7fffff, 0x800000, 0xfffffe), fc.integer({ min: 0x1000, max: 0xfffffe })),
    flowId: fc.integer({ min: 0, max: 255 }),
    v6: fc.boolean(),
    tagged: fc.boolean(),
    innerLength: fc.oneof(fc.constantFrom(14, 1500, 65_535 - 20 - 8), fc.integer({ min: 14, max: 9000 })),
    lead: fc.integer({ min: 0, max: 3 }),
  });
  /** Byte equality without the matcher's per-element diffing (inner frames reach 64 KiB). */
  function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  it('decapsulate and a reusable decapsulator report the encapsulated key, offset and length', () => {
    fc.assert(
      fc.property(cases, ({ vsid, flowId, v6, tagged, innerLength, lead }) => {
        const inner = new Uint8Array(innerLength).map((_, i) => (i * 13) & 0xff);
        inner[12] = 0x08;
        inner[13] = 0x00;
        const enc = createEncapsulator({
          vsid,
          flowId,
          srcMac: '02:00:00:00:00:01',
          dstMac: '02:00:00:00:00:02',
          srcIp: v6 ? '2001:db8::1' : '192.0.2.1',
          dstIp: v6 ? '2001:db8::2' : '192.0.2.2',
          ...(tagged ? { vlan: { id: 10 } } : {}),
        });
        if (enc.headerLength - 14 - (tagged ? 4 : 0) + innerLength > 65_535 + (v6 ? 40 : 0)) return;
        const backing = new Uint8Array(lead + enc.encapsulatedLength(inner));
        const frame = backing.subarray(lead);
        enc.encapsulateInto(frame, 0, inner);
        const reusable = createDecapsulator();
        for (const d of [decapsulate(frame), reusable.decapsulate(frame), reusable.decapsulate(frame)]) {
          expect([d.vsid, d.flowId, d.key]).toEqual([vsid, flowId, (vsid * 256 + flowId) >>> 0]);
          expect(d.key).toBeGreaterThanOrEqual(0);
          expect([d.innerOffset, d.innerLength]).toEqual([enc.headerLength, innerLength]);
          expect(sameBytes(d.inner, inner)).toBe(true);
          expect(d.dropReasons).toEqual([]);
        }
      }),
      { numRuns: runs(150) },
    );
  });
});
