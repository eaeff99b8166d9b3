/**
 * A capture read in parts (docs/doctor.md §12): part doctors, merged in order, report what one doctor
 * reading every frame reports, byte for byte, wherever the capture is cut, including the state that
 * crosses a cut: a DNS query answered in a later part, an echo reply to a PA that sent NVGRE in an
 * earlier part, a flow seen again with another FlowID, the kinds of a pair's first 64 "administratively
 * prohibited" replies. Where a tracking cap turns items away, merge() refuses and merges nothing.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Doctor, buildFrame, createDoctor, readCapture, type DiagnoseRecord, type DoctorOptions, type DoctorPart } from '../../src/index.js';
import { corpusCaptures } from '../helpers/corpus.js';
import { CA, PA, dns, fragment, leaveSeed, nvgre, ping, tcp, timed, underlayIcmp } from '../scenarios/doctor-frames.js';

/** An inner "administratively prohibited" ICMP error (type 3, code 9, 10 or 13) from VM `src` to `dst`. */
const prohibited = (src: string, dst: string, code: number) => ({ ipv4: { src, dst }, icmp: { type: 3, code }, payload: new Uint8Array(28) });

/** Frames of every kind the doctor keeps state about. */
function pool(): Uint8Array[] {
  const frames: Uint8Array[] = [];
  for (let k = 0; k < 6; k++) {
    frames.push(nvgre(PA.H1, PA.H2, tcp(CA.A, CA.B, 40000 + k, 443, k === 0 ? 0x02 : 0x18, 'x'.repeat(k * 50)), { flowId: k }));
    frames.push(nvgre(PA.H2, PA.H1, tcp(CA.B, CA.A, 443, 40000 + k, k === 0 ? 0x12 : 0x10)));
  }
  // The same flow with other FlowIDs: only its first sighting spreads it over paths.
  for (const flowId of [7, 99, 200]) frames.push(nvgre(PA.H1, PA.H2, tcp(CA.A, CA.B, 40000, 443, 0x18, 'y'), { flowId }));
  frames.push(leaveSeed(nvgre(PA.H1, PA.H3, dns(CA.A, CA.C, 0x1234, false))));
  frames.push(nvgre(PA.H1, PA.H3, dns(CA.A, CA.C, 0x1234, false)));
  frames.push(nvgre(PA.H3, PA.H1, dns(CA.C, CA.A, 0x1234, true)));
  frames.push(nvgre(PA.H3, PA.H1, dns(CA.C, CA.A, 0x9999, true)));
  frames.push(nvgre(PA.H1, PA.H2, ping(CA.A, CA.B, 8, 1)));
  frames.push(nvgre(PA.H2, PA.H1, ping(CA.B, CA.A, 0, 1)));
  frames.push(nvgre(PA.H3, PA.H2, ping(CA.C, CA.B, 0, 2))); // to H2, a sender only once it has sent
  for (const code of [9, 10, 13]) frames.push(nvgre(PA.H2, PA.H1, prohibited(CA.B, CA.A, code)));
  frames.push(nvgre(PA.H1, PA.H2, tcp(CA.A, CA.B, 5000, 80, 0x18), { keyLayout: 'low24', vsid: 0x77 }));
  frames.push(nvgre(PA.H1, PA.H2, tcp(CA.A, CA.B, 5001, 80, 0x18, 'z'.repeat(1500)), { outer: { dontFragment: false } }));
  const big = nvgre(PA.H2, PA.H3, tcp(CA.B, CA.C, 6000, 80, 0x18, 'w'.repeat(1480)), { outer: { dontFragment: false } });
  frames.push(...fragment(big, 576));
  frames.push(underlayIcmp(PA.ROUTER, big, 3, 4, 1400));
  frames.push(underlayIcmp(PA.ROUTER, nvgre(PA.H1, PA.H3, ping(CA.A, CA.C, 8, 3)), 3, 13));
  frames.push(buildFrame({ ethernet: { src: '00:00:00:00:00:01', dst: '00:00:00:00:00:02' }, ipv4: { src: '198.51.100.1', dst: '198.51.100.2', protocol: 47 }, payload: new Uint8Array([0, 0, 0x08, 0, 0x45, 0, 0, 20, 0, 0, 0, 0, 64, 1, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8]) }));
  frames.push(new Uint8Array(10)); // too short for Ethernet
  for (const c of corpusCaptures()) for (const r of readCapture(c.bytes).records) frames.push(r.data);
  return frames;
}

const POOL = pool();

/** The report of one doctor reading `frames` (numbered 1…), as JSON. */
function whole(frames: readonly (Uint8Array | DiagnoseRecord)[], options: DoctorOptions = {}): string {
  const d = createDoctor(options);
  frames.forEach((f, i) => d.add(f, i + 1));
  return JSON.stringify(d.report());
}

/** Part doctors over `frames` cut at `cuts`, their parts posted (structured clone) and merged in order; null when merge refused. */
function inParts(frames: readonly (Uint8Array | DiagnoseRecord)[], cuts: readonly number[], options: DoctorOptions = {}): string | null {
  const bounds = [0, ...cuts, frames.length];
  const d = createDoctor(options);
  for (let k = 0; k + 1 < bounds.length; k++) {
    const p = createDoctor({ ...options, part: true });
    for (let i = bounds[k]!; i < bounds[k + 1]!; i++) p.add(frames[i]!, i + 1);
    // What a worker thread's postMessage hands over: a copy without prototypes.
    const part: DoctorPart = structuredClone(p.part());
    if (!d.merge(part)) return null;
  }
  return JSON.stringify(d.report());
}

describe('doctor: a capture read in parts and merged', () => {
  it('merged parts report what one doctor reports, wherever the capture is cut (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(POOL.length - 1), { minLength: 1, maxLength: 120 }),
        fc.array(fc.nat(120), { maxLength: 6 }),
        fc.constantFrom<DoctorOptions>({}, { keyLayout: 'low24' }, { capturedAt: PA.H1, examples: 2 }, { mtu: 1400, minFlows: 2 }),
        (picks, rawCuts, options) => {
          // Capture records with timestamps (the summary's duration comes from the first and last).
          const frames = timed(picks.map((i) => POOL[i]!)) as DiagnoseRecord[];
          const cuts = [...new Set(rawCuts.map((c) => c % (frames.length + 1)))].sort((a, b) => a - b);
          expect(inParts(frames, cuts, options)).toBe(whole(frames, options));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('every cut of a capture holding every kind of frame, one part per frame included', () => {
    const frames = [...POOL, ...POOL.slice(0, 40)];
    const expected = whole(frames);
    for (let cut = 0; cut <= frames.length; cut += 7) expect(inParts(frames, [cut])).toBe(expected);
    expect(inParts(frames, frames.map((_, i) => i))).toBe(expected);
  });

  it('a DNS query answered in a later part counts as answered, a repeat of a pending one not again; echo replies count once their PA has sent', () => {
    const query = () => leaveSeed(nvgre(PA.H1, PA.H3, dns(CA.A, CA.C, 0x4321, false))); // UDP-only fault: the counts show
    const answer = nvgre(PA.H3, PA.H1, dns(CA.C, CA.A, 0x4321, true));
    const reply = nvgre(PA.H2, PA.H1, ping(CA.B, CA.A, 0, 1));
    const tcpOk = (k: number) => nvgre(PA.H1, PA.H2, tcp(CA.A, CA.B, 1000 + k, 80, 0x18));
    // The first reply comes before H1 has sent NVGRE: it does not count.
    const frames = [reply, tcpOk(0), query(), query(), tcpOk(1), tcpOk(2), reply, answer, tcpOk(3), query(), reply];
    const expected = whole(frames);
    expect(expected).toContain('"dnsQueries":2,"dnsUnanswered":1,"pingRepliesIn":2');
    for (let cut = 0; cut <= frames.length; cut++) expect(inParts(frames, [cut])).toBe(expected);
    for (let a = 0; a <= frames.length; a++) for (let b = a; b <= frames.length; b += 2) expect(inParts(frames, [a, b])).toBe(expected);
  });

  it('the kinds of a pair’s first 64 prohibited replies, when the 64th falls in a later part', () => {
    const frames = Array.from({ length: 80 }, (_, k) => nvgre(PA.H2, PA.H1, prohibited(CA.B, CA.A, k < 63 ? 9 : k === 63 ? 10 : 13)));
    const report = whole(frames);
    expect(report).toContain('ICMP 3/10');
    expect(report).not.toContain('ICMP 3/13');
    for (const cut of [1, 40, 63, 64, 65, 79]) expect(inParts(frames, [cut])).toBe(report);
  });

  it('refuses, merging nothing, where a cap turned items away in a part or would in the merge', () => {
    const frames = Array.from({ length: 12 }, (_, k) => nvgre(PA.H1, PA.H2, tcp(CA.A, CA.B, 2000 + k, 80, 0x18)));
    // Within the part: 12 flows, 10 tracked.
    expect(inParts(frames, [], { maxFlows: 10 })).toBeNull();
    // Each part fits, the merge would not: 7 + 5 new flows.
    expect(inParts(frames, [7], { maxFlows: 10 })).toBeNull();
    // A refused merge leaves the doctor as it was.
    const d = createDoctor({ maxFlows: 10 });
    const first = createDoctor({ maxFlows: 10, part: true });
    frames.slice(0, 7).forEach((f, i) => first.add(f, i + 1));
    expect(d.merge(first.part())).toBe(true);
    const before = JSON.stringify(d.report());
    const second = createDoctor({ maxFlows: 10, part: true });
    frames.slice(7).forEach((f, i) => second.add(f, i + 8));
    expect(d.merge(second.part())).toBe(false);
    expect(JSON.stringify(d.report())).toBe(before);
    // Within the caps: merged.
    expect(inParts(frames, [7], { maxFlows: 12 })).toBe(whole(frames, { maxFlows: 12 }));
  });

  it('says what is wrong when parts and doctors are mixed up', () => {
    const part = createDoctor({ part: true });
    expect(() => part.report()).toThrow(/has no report of its own/);
    expect(() => part.merge(part.part())).toThrow(/reads a part/);
    expect(() => createDoctor().part()).toThrow(/create it with \{ part: true \}/);
    expect(() => createDoctor({ mtu: 9000 }).merge(part.part())).toThrow(/other options/);
    expect(() => createDoctor().merge({} as DoctorPart)).toThrow(TypeError);
    expect(() => createDoctor({ part: 'yes' as unknown as boolean })).toThrow(/options.part must be a boolean/);
    const policy = { version: 1, hosts: [] } as unknown as NonNullable<DoctorOptions['policy']>;
    expect(() => new Doctor({ part: true, policy })).toThrow(/do not go together/);
  });
});
