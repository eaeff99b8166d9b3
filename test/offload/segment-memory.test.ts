/**
 * Where segment()'s arrays live (src/offload/segment.ts, docs/api.md "Memory: pooled results"): by
 * default the segments of one call are views of one new ArrayBuffer, back to back; with `pool: false`
 * each has an ArrayBuffer of its own. Both give the same bytes (checked here over random frames and
 * options), never touch the template, and a segment written to changes no other.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildFrame } from '../../src/frame/build.js';
import { segment, segmentPlan, type SegmentOptions } from '../../src/offload/index.js';
import { NvgreError } from '../../src/wire/errors.js';
import { arbFrameSpec } from './arbitraries.js';
import { nvgreLsoTemplate } from './lso-template.js';

/** ACK PSH FIN: a template whose flags every segment but the last changes. */
const template = (payload: number) => nvgreLsoTemplate(payload, 0x19);

describe('segment(): the arrays it returns', () => {
  it('are views of one ArrayBuffer per call, back to back, unless pool is false', () => {
    const frame = template(10_000);
    const plan = segmentPlan(frame, { mss: 1448 });
    const shared = segment(frame, { mss: 1448 });
    const own = segment(frame, { mss: 1448, pool: false });
    expect(shared).toHaveLength(plan.count);
    expect(shared.map((s) => Array.from(s))).toEqual(own.map((s) => Array.from(s)));
    const buffer = shared[0]!.buffer;
    expect(buffer.byteLength).toBe(plan.totalLength);
    let at = 0;
    for (const s of shared) {
      expect(s.constructor).toBe(Uint8Array);
      expect(s.buffer).toBe(buffer);
      expect(s.byteOffset).toBe(at);
      at += s.length;
    }
    expect(at).toBe(plan.totalLength);
    // Another call, another buffer: a kept segment keeps only its own call's bytes.
    expect(segment(frame, { mss: 1448 })[0]!.buffer).not.toBe(buffer);
    for (const s of own) {
      expect(s.byteOffset).toBe(0);
      expect(s.buffer.byteLength).toBe(s.length);
    }
    expect(new Set(own.map((s) => s.buffer)).size).toBe(own.length);
  });

  it('can be written to one by one: a segment filled changes no other, and the template stays as it was', () => {
    const frame = template(5000);
    const before = Uint8Array.from(frame);
    const segs = segment(frame, { mss: 1000 });
    const copies = segs.map((s) => Uint8Array.from(s));
    segs[2]!.fill(0xee);
    segs.forEach((s, i) => {
      if (i !== 2) expect(s).toEqual(copies[i]);
    });
    expect(frame).toEqual(before);
  });

  it('gives the bytes of pool: false for random frames, MSS and checksum modes (the kernel path and the loop)', () => {
    fc.assert(
      fc.property(
        arbFrameSpec({ l4: ['tcp'], lsoFlags: true, maxPayload: 3000, plain: true }),
        fc.integer({ min: 1, max: 1600 }),
        fc.constantFrom<SegmentOptions['checksums']>('recompute', 'seeded', 'none'),
        (spec, mss, checksums) => {
          const frame = buildFrame(spec);
          const options: SegmentOptions = { mss, checksums: checksums!, maxHeaderSize: Infinity };
          let own: Uint8Array[];
          try {
            own = segment(frame, { ...options, pool: false });
          } catch (e) {
            // The same refusal either way (refusals themselves: segment.test.ts).
            expect(() => segment(frame, options)).toThrow((e as Error).message);
            return;
          }
          expect(segment(frame, options).map((s) => Array.from(s))).toEqual(own.map((s) => Array.from(s)));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses a pool option that is not a boolean, naming it', () => {
    const frame = template(3000);
    for (const pool of ['no', 0, null]) {
      const call = () => segment(frame, { mss: 1000, pool } as unknown as SegmentOptions);
      expect(call).toThrow(NvgreError);
      expect(call).toThrow(/pool must be a boolean/);
    }
  });
});
