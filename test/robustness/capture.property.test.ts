/**
 * Robustness of the capture readers and the fragment reassembler (issue 6), on every capture of the
 * corpus and on generated pcap / pcapng files (both byte orders, nanosecond stamps, several
 * interfaces), as is and made hostile (truncations, mutations, random tails):
 *
 * - readCapture / readPcap / readPcapng give the same records (or the same NvgreError) for a fresh
 *   copy and for the file embedded at any byteOffset among two guard patterns; record data are views
 *   inside the given range; nothing is written;
 * - the stream parser, fed the same bytes in random chunks, and readCaptureStream give exactly the
 *   records and the error of the whole-file reader;
 * - Reassembler.push never throws on frame contents, never writes or retains its input, and gives the
 *   same frames wherever the input sits in memory.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CaptureStreamParser,
  Reassembler,
  readCapture,
  readCaptureStream,
  readPcap,
  readPcapng,
  writePcap,
  writePcapng,
  type Capture,
  type CaptureRecord,
  type ReassemblerOptions,
} from '../../src/index.js';
import { ethernet, fragmentIpv4, fragmentIpv6, ipv4, ipv6, optionsHeader, routingHeader, type Ipv6Fields } from '../pcap/helpers.js';
import { CORPUS_CAPTURES, changes, check, checkAsync, embed, hostileFrame, never, outcome, placement, reportCounts, runsOf, sameEverywhere, stable, validFrame, type Outcome, type Placement } from './harness.js';

reportCounts('capture');

// ---------------------------------------------------------------------------------------------
// Capture files

const timestamp = fc.record({ seconds: fc.integer({ min: 0, max: 0xffffffff }), nanoseconds: fc.integer({ min: 0, max: 999_999_999 }) });

const generatedCapture: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc
    .record({
      frames: fc.array(fc.record({ data: validFrame, timestamp }), { maxLength: 6 }),
      littleEndian: fc.boolean(),
      nanosecond: fc.boolean(),
      snaplen: fc.constantFrom(65535, 96, 262144),
    })
    .map(({ frames, ...o }) => writePcap(frames, o)),
  fc
    .record({
      frames: fc.array(fc.record({ data: validFrame, timestamp: fc.record({ seconds: fc.integer({ min: 0, max: 2 ** 31 }), nanoseconds: fc.integer({ min: 0, max: 999_999_999 }) }), interfaceId: fc.integer({ min: 0, max: 2 }) }), { maxLength: 6 }),
      littleEndian: fc.boolean(),
      tsresol: fc.constantFrom(6, 9, 0x80 | 20, 3),
    })
    .map(({ frames, littleEndian, tsresol }) =>
      writePcapng(frames, { littleEndian, interfaces: [{}, { tsresol, name: 'eth1', snaplen: 0 }, { snaplen: 128, tsresol: 9 }] }),
    ),
);

/** Corpus and generated captures, as is or hostile: cut anywhere, bytes changed (often in headers), garbage appended. */
const hostileCapture: fc.Arbitrary<Uint8Array> = fc
  .tuple(
    fc.oneof(...(CORPUS_CAPTURES.length > 0 ? [fc.constantFrom(...CORPUS_CAPTURES.map((c) => c.bytes))] : []), generatedCapture),
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.boolean()), { maxLength: 4 }),
    fc.option(fc.nat(), { nil: undefined }),
    fc.option(fc.uint8Array({ minLength: 1, maxLength: 40 }), { nil: undefined }),
  )
  .map(([file, edits, cut, tail]) => {
    let f = file.slice();
    for (const [i, v, head] of edits) if (f.length > 0) f[head ? i % Math.min(f.length, 96) : i % f.length] = v;
    if (cut !== undefined) f = f.slice(0, cut % (f.length + 1));
    if (tail !== undefined) {
      const t = new Uint8Array(f.length + tail.length);
      t.set(f);
      t.set(tail, f.length);
      f = t;
    }
    return f;
  });

function captureSummary(c: Capture, view: Uint8Array) {
  for (const r of c.records) {
    // Zero copy, and inside the given range.
    expect(r.data.buffer).toBe(view.buffer);
    expect(r.data.byteOffset).toBeGreaterThanOrEqual(view.byteOffset);
    expect(r.data.byteOffset + r.data.length).toBeLessThanOrEqual(view.byteOffset + view.length);
  }
  return c;
}

const recordOf = (r: CaptureRecord) => ({ ...r, data: r.data.slice() });

/** The stream parser fed `bytes` in chunks at `cuts`: its records and its error, as the whole-file reader's outcome. */
function streamed(bytes: Uint8Array, cuts: readonly number[]): Outcome {
  const parser = new CaptureStreamParser();
  const records: ReturnType<typeof recordOf>[] = [];
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  return outcome(() => {
    let at = 0;
    for (const p of [...points, bytes.length]) {
      for (const r of parser.push(bytes.slice(at, p))) records.push(recordOf(r));
      at = p;
    }
    parser.end();
    return { ...parser.info!, records };
  });
}

describe('capture readers', () => {
  it('same records or error at any byteOffset; records are views inside the input; the stream parser in random chunks agrees', () => {
    check(
      'readCapture+readPcap+readPcapng+stream',
      fc.record({ file: hostileCapture, p: placement, cuts: fc.array(fc.nat(), { maxLength: 6 }) }),
      ({ file, p, cuts }) => {
        const whole = sameEverywhere(file, p, (v) => captureSummary(readCapture(v), v));
        sameEverywhere(file, p, (v) => captureSummary(readPcap(v), v));
        sameEverywhere(file, p, (v) => captureSummary(readPcapng(v), v));
        expect(streamed(file, cuts)).toEqual(whole);
      },
      runsOf(600, 0.08),
    );
  });

  it('readCaptureStream (async chunks) yields the same records and throws the same error', async () => {
    await checkAsync(
      'readCaptureStream',
      fc.record({ file: hostileCapture, size: fc.integer({ min: 1, max: 300 }) }),
      async ({ file, size }) => {
        const expected = outcome(() => readCapture(file.slice()).records.map(recordOf));
        const records: ReturnType<typeof recordOf>[] = [];
        async function* chunks() {
          for (let at = 0; at < file.length; at += size) yield file.slice(at, at + size);
        }
        let got: Outcome;
        try {
          for await (const r of readCaptureStream(chunks())) records.push(recordOf(r));
          got = { ok: true, value: stable(records) };
        } catch (e) {
          got = outcome(() => {
            throw e;
          });
        }
        expect(got).toEqual(expected);
      },
      runsOf(200, 0.02),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Reassembler

/** Fragments of an outer IPv4 or IPv6 datagram carrying an NVGRE frame, as Ethernet frames. */
const fragmentsOf: fc.Arbitrary<Uint8Array[]> = fc
  .record({ inner: validFrame, v6: fc.boolean(), size: fc.integer({ min: 1, max: 40 }), id: fc.integer({ min: 0, max: 0xffff }), exts: fc.integer({ min: 0, max: 2 }) })
  .map(({ inner, v6, size, id, exts }) => {
    const gre = new Uint8Array(8 + inner.length);
    gre.set([0x20, 0, 0x65, 0x58, 0x12, 0x34, 0x56, 0x01]);
    gre.set(inner, 8);
    if (!v6) return fragmentIpv4(ipv4(gre, { id, protocol: 47 }), size * 8).map((f) => ethernet(0x0800, f));
    const f: Ipv6Fields = { upper: 47, extensions: [optionsHeader(0), ...(exts > 1 ? [routingHeader()] : [])].slice(0, Math.max(1, exts)) };
    return fragmentIpv6(ipv6(gre, f), f, f.extensions!.length, size * 8, id).map((x) => ethernet(0x86dd, x));
  });

const reassemblyInput = fc
  .record({
    datagrams: fc.array(fragmentsOf, { minLength: 1, maxLength: 3 }),
    noise: fc.array(hostileFrame, { maxLength: 3 }),
    edits: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
    cuts: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 2 }),
    order: fc.array(fc.nat(), { maxLength: 40 }),
    times: fc.array(fc.integer({ min: 0, max: 20_000 }), { maxLength: 40 }),
    options: fc.record({ maxDatagrams: fc.integer({ min: 1, max: 8 }), maxBytes: fc.integer({ min: 64, max: 100_000 }), timeoutMs: fc.integer({ min: 0, max: 60_000 }), verifyIpv4Checksum: fc.boolean() }, { requiredKeys: [] }),
  })
  .map(({ datagrams, noise, edits, cuts, order, times, options }) => {
    const frames = [...datagrams.flat(), ...noise].map((f) => f.slice());
    // Duplicates, reordering, mutations and cuts.
    for (const k of order.slice(0, 5)) frames.push(frames[k % frames.length]!.slice());
    for (let i = frames.length - 1; i > 0; i--) {
      const j = (order[i % Math.max(1, order.length)] ?? i) % (i + 1);
      [frames[i], frames[j]] = [frames[j]!, frames[i]!];
    }
    for (const [k, i, v] of edits) {
      const f = frames[k % frames.length]!;
      if (f.length > 0) f[i % f.length] = v;
    }
    for (const [k, n] of cuts) frames[k % frames.length] = frames[k % frames.length]!.slice(0, n % (frames[k % frames.length]!.length + 1));
    let t = 0;
    const stamps = frames.map((_f, i) => (t += times[i % Math.max(1, times.length)] ?? 1));
    return { frames, stamps, options: options as ReassemblerOptions };
  });

/** Every push's result: the input itself, null, or the reassembled bytes; plus the final stats. */
function reassemble(frames: readonly Uint8Array[], stamps: readonly number[], options: ReassemblerOptions): string {
  const r = new Reassembler(options);
  const out: unknown[] = [];
  frames.forEach((f, i) => {
    const x = never('Reassembler.push', () => r.push(f, stamps[i]));
    if (x === null) out.push(null);
    else if (x === f) out.push('input');
    else {
      // A new frame never aliases (retains) the input.
      expect(x.buffer).not.toBe(f.buffer);
      out.push(x);
    }
  });
  return stable([out, r.stats]);
}

describe('Reassembler', () => {
  it('fragments (duplicated, reordered, mutated, cut) and noise: never throws, never writes or retains input, same frames at any byteOffset', () => {
    check(
      'Reassembler.push',
      fc.record({ input: reassemblyInput, p: placement }),
      ({ input: { frames, stamps, options }, p }) => {
        const fresh = reassemble(
          frames.map((f) => f.slice()),
          stamps,
          options,
        );
        for (const pattern of ['A', 'B'] as const) {
          const placed = frames.map((f, k) => embed(f, { ...(p as Placement), at: ((p as Placement).at + k) % 65 }, pattern));
          expect(
            reassemble(
              placed.map((e) => e.view),
              stamps,
              options,
            ),
          ).toBe(fresh);
          placed.forEach((e, k) => expect(changes(e, ((p as Placement).at + k) % 65)).toEqual({ inside: [], guards: [] }));
        }
      },
      runsOf(400, 0.05),
    );
  });

  it('a datagram whose fragments all arrive (any order) comes back whole and decodes like the original', () => {
    check(
      'Reassembler round trip',
      fc.record({ frame: validFrame.filter((f) => f.length > 20), size: fc.integer({ min: 1, max: 30 }), seed: fc.nat() }),
      ({ frame, size, seed }) => {
        const packet = ipv4(frame, { protocol: 253, id: seed & 0xffff });
        const pieces = fragmentIpv4(packet, size * 8).map((f) => ethernet(0x0800, f));
        const r = new Reassembler();
        const order = pieces.map((_p, i) => i).sort((a, b) => ((a * 7919 + seed) % 101) - ((b * 7919 + seed) % 101));
        let whole: Uint8Array | null = null;
        for (const i of order) whole = r.push(pieces[i]!) ?? whole;
        if (pieces.length === 1) expect(whole).toBe(pieces[0]);
        else expect(whole && stable(whole)).toBe(stable(ethernet(0x0800, packet)));
      },
      runsOf(200, 0.01),
    );
  });
});
