/**
 * The doctor and stats engines on hostile bytes: any frames, of any link type, truncated or mutated,
 * give a report and never throw (docs/api.md "Robustness"); the report is plain data (JSON round trip).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { captureStats, diagnose, examplePolicy } from '../../src/index.js';
import { CA, PA, dns, fragment, leaveSeed, nvgre, ping, tcp, underlayIcmp } from '../scenarios/doctor-frames.js';

const SEEDS = [
  nvgre(PA.H1, PA.H2, tcp(CA.A, CA.B, 1, 2, 0x18, 'payload')),
  leaveSeed(nvgre(PA.H1, PA.H2, dns(CA.A, CA.B, 1, false))),
  nvgre(PA.H2, PA.H1, ping(CA.B, CA.A, 0, 1), { keyLayout: 'low24' }),
  ...fragment(nvgre(PA.H1, PA.H2, { ...tcp(CA.A, CA.B, 1, 2, 0x10), payload: new Uint8Array(1600) }, { outer: { dontFragment: false } }), 1500),
  underlayIcmp(PA.ROUTER, nvgre(PA.H1, PA.H3, ping(CA.A, CA.C, 8, 1)), 3, 4, 1400),
];
const LINK_TYPES = [0, 1, 101, 108, 113, 147, 228, 229, 276];

/** A seed frame mutated: bytes flipped, cut short, or random bytes. */
const arbFrame = fc.oneof(
  fc.tuple(fc.nat(SEEDS.length - 1), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), fc.nat()).map(([i, flips, cut]) => {
    const f = SEEDS[i]!.slice();
    for (const [at, v] of flips) f[at % f.length] = v;
    return f.subarray(0, f.length - (cut % Math.max(1, f.length)));
  }),
  fc.uint8Array({ maxLength: 120 }),
);
const arbRecord = fc.tuple(arbFrame, fc.constantFrom(...LINK_TYPES), fc.nat(64)).map(([data, linkType, extra]) => ({ data, linkType, originalLength: data.length + (extra % 3 === 0 ? extra : 0), timestamp: { seconds: 1_700_000_000, nanoseconds: extra * 1000 } }));

describe('doctor and stats never throw on the bytes', () => {
  it('any records: a report, JSON-serialisable, with frames counted', () => {
    fc.assert(
      fc.property(fc.array(arbRecord, { maxLength: 40 }), fc.boolean(), (records, withPolicy) => {
        const r = diagnose(records, { maxFlows: 8, maxPairs: 4, minFlows: 2, ...(withPolicy ? { policy: examplePolicy() } : {}) });
        expect(r.summary.frames).toBe(records.length);
        expect(JSON.parse(JSON.stringify(r))).toEqual(r);
        for (const f of r.findings) expect(f.evidence.firstFrames.every((n) => n >= 1 && n <= records.length)).toBe(true);
        const s = captureStats(records, { maxFlows: 8, maxPairs: 4 });
        expect(s.frames).toBe(records.length);
      }),
      { numRuns: 300 },
    );
  });
});
