/**
 * Where the SIMD kernel stages a copy (src/wire/checksum-simd.ts stageOffset): at the caller's array's
 * address modulo 16, so that a copy into or out of the module's memory never runs at the 1–15-byte
 * distance modulo 4 KiB where glibc's memmove is 13–20x slower on AMD hosts. Every path that stages must
 * read the copy where it put it: each test here moves the caller's arrays through byteOffsets 0–33 and
 * compares with byteOffset 0 and with the TypeScript kernel, and checks that the module's path was taken
 * (a misplaced read in verifyV4V4 would otherwise fall back to the general path unseen).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { buildFrame } from '../../src/frame/build.js';
import { segment, segmentInto, segmentPlan } from '../../src/offload/index.js';
import { onesComplementSum } from '../../src/wire/checksum.js';
import { setChecksumKernel } from '../../src/wire/checksum.checked.js';
import { builtBytes, simdVerifyV4V4, stageOffset } from '../../src/wire/checksum-simd.js';

afterEach(() => setChecksumKernel('auto'));

const OFFSETS = Array.from({ length: 34 }, (_, k) => k);

/** `bytes` at byteOffset `at` of a larger, guard-filled buffer. */
function placed(bytes: Uint8Array, at: number): Uint8Array {
  const whole = new Uint8Array(at + bytes.length + 16).fill(0x5a);
  whole.set(bytes, at);
  return whole.subarray(at, at + bytes.length);
}

const v4v4 = (payload: number) =>
  buildFrame({
    ipv4: { src: '192.0.2.1', dst: '192.0.2.2', id: 0x7ffe },
    nvgre: { vsid: 0x123456, flowId: 9 },
    inner: {
      ipv4: { src: '10.0.0.1', dst: '10.0.0.2', id: 0x1234, dontFragment: true },
      tcp: { srcPort: 40000, dstPort: 80, seq: 0xfffffff0, ack: 2, flags: 0x18 },
      payload: Uint8Array.from({ length: payload }, (_, i) => (i * 7 + 1) & 0xff),
    },
  });

describe('the kernel stages at the array’s address modulo 16', () => {
  it('stageOffset is the byteOffset modulo 16', () => {
    for (const o of [0, 1, 15, 16, 17, 4095, 4096, 4111, 65_537]) expect(stageOffset(o)).toBe(o % 16);
  });

  it('puts the copy at the array’s byteOffset modulo 16, and lays segments out at the target’s', () => {
    const data = Uint8Array.from({ length: 5000 }, (_, i) => (i * 31 + 5) & 0xff);
    for (const at of OFFSETS) {
      onesComplementSum(placed(data, at), 0, data.length);
      const memory = new Uint8Array(builtBytes(0).buffer); // the module's memory
      expect(memory.subarray(at % 16, (at % 16) + data.length)).toEqual(data);
    }
    const template = v4v4(20_000);
    for (const to of [0, 5, 16, 23]) {
      const target = new Uint8Array(to + segmentPlan(template, { mss: 1448 }).totalLength).subarray(to);
      segmentInto(template, { mss: 1448 }, target);
      expect(builtBytes(0).byteOffset % 16).toBe(to % 16);
    }
  });

  it('sums a range the same from every byteOffset, whole-array copies and chunked copies alike', () => {
    for (const length of [320, 1500, 9000, 70_000, 300_001]) {
      const data = Uint8Array.from({ length }, (_, i) => (i * 131 + 17) & 0xff);
      setChecksumKernel('js');
      const want = onesComplementSum(data, 0, length);
      const wantInner = onesComplementSum(data, 3, length - 700);
      setChecksumKernel('auto');
      for (const at of OFFSETS) {
        const view = placed(data, at);
        expect(onesComplementSum(view, 0, length)).toBe(want);
        expect(onesComplementSum(view, 3, length - 700, 0)).toBe(wantInner);
      }
    }
  });

  it('verifyV4V4 reads the frame where it was staged: the same bits from every byteOffset, good or corrupted', () => {
    for (const payload of [1402, 8902, 40_000]) {
      const good = v4v4(payload);
      const bad = (at: number) => {
        const f = good.slice();
        f[at] = f[at]! ^ 0x01;
        return f;
      };
      // outer IPv4 checksum byte, inner IPv4 checksum byte, a TCP payload byte
      const frames = [good, bad(14 + 10), bad(56 + 10), bad(good.length - 1)];
      const expected = [7, 6, 5, 3];
      frames.forEach((frame, k) => {
        expect(simdVerifyV4V4(frame)).toBe(expected[k]);
        for (const at of OFFSETS) expect(simdVerifyV4V4(placed(frame, at))).toBe(expected[k]);
      });
    }
  });

  it('segmentInto and segment lay out the same bytes from every template and target byteOffset as the TypeScript kernel', () => {
    const template = v4v4(60_000);
    const options = { mss: 1448 };
    setChecksumKernel('js');
    const want = segment(template, { ...options, pool: false });
    setChecksumKernel('auto');
    const plan = segmentPlan(template, options);
    const flat = new Uint8Array(plan.totalLength);
    want.reduce((o, s) => (flat.set(s, o), o + s.length), 0);
    for (const from of OFFSETS) {
      const source = placed(template, from);
      expect(segment(source, options)).toEqual(want);
      for (const to of [0, 1, 7, 15, 16, 17, 31, 33]) {
        const whole = new Uint8Array(to + plan.totalLength + 8).fill(0xa5);
        const target = whole.subarray(to, to + plan.totalLength);
        expect(segmentInto(source, options, target)).toBe(plan.count);
        expect(target).toEqual(flat);
        expect(Array.from(whole.subarray(0, to))).toEqual(new Array(to).fill(0xa5));
        expect(Array.from(whole.subarray(to + plan.totalLength))).toEqual(new Array(8).fill(0xa5));
      }
    }
  });
});
