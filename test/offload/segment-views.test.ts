/**
 * The views segmentInto keeps with a plain Uint8Array target between calls (src/offload/segment-views.ts,
 * docs/offload.md §10 "Views of the target"): handed out again for the same layout, replaced when the
 * layout changes, and always the window of the segment they are handed out for — checked against
 * segment() and against where each segment must sit, over random sequences of templates, MSS and
 * targets, with the kernel and without it, and when a callback segments into other targets in between.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { buildFrame } from '../../src/frame/build.js';
import { segment, segmentInto, segmentPlan } from '../../src/offload/index.js';
import { setChecksumKernel } from '../../src/wire/checksum.checked.js';

const payloadOf = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 13 + 5) & 0xff);

/** LSO templates (IP lengths 0, docs/offload.md §10) whose headers differ in length: NVGRE IPv4/IPv4, IPv6/IPv6, plain IPv4. */
const templates = [
  (n: number) =>
    buildFrame({
      ipv4: { src: '192.0.2.1', dst: '192.0.2.2', id: 7, totalLength: 0 },
      nvgre: { vsid: 0x123456, flowId: 9 },
      inner: { ipv4: { src: '10.0.0.1', dst: '10.0.0.2', id: 3, totalLength: 0 }, tcp: { srcPort: 1, dstPort: 2, seq: 100, ack: 1, flags: 0x18 }, payload: payloadOf(n) },
    }),
  (n: number) =>
    buildFrame({
      ipv6: { src: '2001:db8::1', dst: '2001:db8::2', payloadLength: 0 },
      nvgre: { vsid: 0x42, flowId: 1 },
      inner: { ipv6: { src: 'fd00::1', dst: 'fd00::2', payloadLength: 0 }, tcp: { srcPort: 3, dstPort: 4, seq: 5, ack: 1, flags: 0x10 }, payload: payloadOf(n) },
    }),
  (n: number) => buildFrame({ ipv4: { src: '10.1.0.1', dst: '10.1.0.2', totalLength: 0 }, tcp: { srcPort: 5, dstPort: 6, seq: 9, ack: 1, flags: 0x10 }, payload: payloadOf(n) }),
];

/** Whether two byte ranges are equal (a plain loop: expect() per segment would dominate the run time). */
const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Calls segmentInto and checks every view: the bytes of segment(), the target's buffer, the right place. */
function checkCall(frame: Uint8Array, mss: number, target: Uint8Array): Uint8Array[] {
  const expected = segment(frame, { mss, pool: false });
  const seen: Uint8Array[] = [];
  const wrong: string[] = [];
  let base = 0;
  const n = segmentInto(frame, { mss }, target, (view, i) => {
    if (view.constructor !== Uint8Array || view.buffer !== target.buffer) wrong.push(`segment ${i}: not a plain view of the target`);
    if (view.byteOffset !== target.byteOffset + base) wrong.push(`segment ${i}: at ${view.byteOffset - target.byteOffset}, not ${base}`);
    if (!sameBytes(view, expected[i]!)) wrong.push(`segment ${i}: ${view.length} bytes differ from segment()'s ${expected[i]!.length}`);
    base += view.length;
    seen.push(view);
  });
  expect(wrong.slice(0, 5)).toEqual([]);
  expect(n).toBe(expected.length);
  return seen;
}

afterEach(() => setChecksumKernel('auto'));

describe('segmentInto: the views kept with a plain target', () => {
  it('hands out the same view objects from the second call with the same target and stride on, new ones otherwise', () => {
    const frame = templates[0]!(10_000);
    const plan = segmentPlan(frame, { mss: 1448 });
    const target = new Uint8Array(plan.totalLength + 64).subarray(32);
    const once = checkCall(frame, 1448, target); // seen once: views made as without the cache
    const first = checkCall(frame, 1448, target); // seen again: these are kept
    expect(first[0]).not.toBe(once[0]);
    const second = checkCall(frame, 1448, target);
    expect(second).toHaveLength(first.length);
    for (let i = 0; i < first.length; i++) expect(second[i]).toBe(first[i]);
    // Another payload length: the whole segments are the same windows, the last one is not.
    const shorter = checkCall(templates[0]!(10_000 - 500), 1448, target);
    for (let i = 0; i < shorter.length - 1; i++) expect(shorter[i]).toBe(first[i]);
    expect(shorter.at(-1)).not.toBe(first.at(-1));
    // Another target in between, then this one again: two targets are remembered, a third evicts the older.
    const other = new Uint8Array(plan.totalLength);
    const fromOther = [checkCall(frame, 1448, other), checkCall(frame, 1448, other)];
    for (let i = 0; i < first.length; i++) expect(fromOther[1]![i]).not.toBe(first[i]);
    expect(checkCall(frame, 1448, target)[0]).toBe(first[0]);
    expect(checkCall(frame, 1448, other)[0]).toBe(fromOther[1]![0]);
    checkCall(frame, 1448, new Uint8Array(plan.totalLength));
    expect(checkCall(frame, 1448, other)[0]).toBe(fromOther[1]![0]);
    expect(checkCall(frame, 1448, target)[0]).not.toBe(first[0]);
  });

  it('gives every segment its own window when the layout changes between calls (random templates, MSS, payloads)', () => {
    for (const kernel of ['auto', 'js'] as const) {
      setChecksumKernel(kernel);
      const target = new Uint8Array(300_000).subarray(3, 299_000);
      const target2 = new Uint8Array(300_000).subarray(1);
      fc.assert(
        fc.property(
          fc.array(fc.record({ t: fc.nat(templates.length - 1), payload: fc.integer({ min: 0, max: 30_000 }), mss: fc.integer({ min: 16, max: 3000 }), second: fc.boolean() }), {
            minLength: 1,
            maxLength: 6,
          }),
          (calls) => {
            for (const { t, payload, mss, second } of calls) {
              const frame = templates[t]!(payload);
              if (segmentPlan(frame, { mss }).totalLength > target.length) continue;
              checkCall(frame, mss, second ? target2 : target);
            }
          },
        ),
        { numRuns: 60 },
      );
    }
  });

  it('stays right past the views it keeps (2,048 segments) and when a callback segments into other targets', () => {
    const big = templates[0]!(65_536);
    const target = new Uint8Array(segmentPlan(big, { mss: 32 }).totalLength);
    checkCall(big, 32, target);
    checkCall(big, 32, target);
    // Re-entrant: each view of the outer call still sits where its segment is, after the inner calls.
    const frame = templates[1]!(20_000);
    const expected = segment(frame, { mss: 1000, pool: false });
    const outer = new Uint8Array(segmentPlan(frame, { mss: 1000 }).totalLength);
    const inner = new Uint8Array(segmentPlan(frame, { mss: 700 }).totalLength);
    let base = 0;
    for (let call = 0; call < 3; call++) {
      base = 0;
      segmentInto(frame, { mss: 1000 }, outer, (view, i) => {
        checkCall(frame, 700, inner);
        checkCall(templates[2]!(5000), 1000, new Uint8Array(8000));
        expect(view.byteOffset).toBe(base);
        expect(view).toEqual(expected[i]);
        base += view.length;
      });
    }
    // A callback segmenting into the same target at another stride overwrites its bytes (its own
    // business), but the outer call's windows stay where the outer call's segments are.
    for (let call = 0; call < 3; call++) {
      base = 0;
      segmentInto(frame, { mss: 1000 }, outer, (view) => {
        expect(view.byteOffset).toBe(base);
        base += view.length;
        segmentInto(templates[2]!(3000), { mss: 500 }, outer, () => {});
      });
      expect(base).toBe(outer.length);
    }
  });

  it('keeps nothing for a target of another class: each call gets fresh views from its subarray()', () => {
    class Bytes extends Uint8Array {}
    const frame = templates[0]!(5000);
    const target = new Bytes(segmentPlan(frame, { mss: 1000 }).totalLength);
    const views = (): Uint8Array[] => {
      const out: Uint8Array[] = [];
      segmentInto(frame, { mss: 1000 }, target, (v) => out.push(v));
      return out;
    };
    const a = views();
    views();
    const b = views();
    expect(a[0]).toBeInstanceOf(Bytes);
    for (let i = 0; i < a.length; i++) expect(b[i]).not.toBe(a[i]);
  });
});
