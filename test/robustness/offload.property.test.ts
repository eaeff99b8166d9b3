/**
 * Robustness of the functions that write bytes (issue 6): fillChecksums (in place), segment /
 * segmentPlan / segmentInto, coalesce, encapsulate / encapsulateInto, and buildFrame on hostile specs.
 *
 * - Results equal those of a fresh copy at any byteOffset among two guard patterns (no byte outside
 *   the given range influences them);
 * - read-only inputs stay byte-for-byte unchanged; in-place functions change only the bytes they
 *   document (fillChecksums: checksum fields; segmentInto / encapsulateInto: the range they return)
 *   and nothing at all when they throw; guard bytes are never written;
 * - only NvgreError is thrown on any bytes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NvgreError } from '../../src/wire/errors.js';
import {
  FrameLayout,
  applyEcnOnDecapsulation,
  fillTransportChecksum,
  writeEthernet,
  writeGre,
  writeIcmp,
  writeIpv4,
  writeIpv6,
  writeNvgreHeader,
  writeTcp,
  writeUdp,
  buildFrame,
  ipv4ChecksumValid,
  coalesce,
  createEncapsulator,
  fillChecksums,
  parseFrame,
  segment,
  segmentInto,
  segmentPlan,
  verifyChecksums,
  walkFrame,
  type EncapsulateOptions,
  type FillChecksumsOptions,
  type FrameSpec,
  type SegmentOptions,
} from '../../src/index.js';
import { encapsulateOptions, nvgreFrameSpec } from '../helpers/arbitraries.js';
import { arbFrameSpec } from '../offload/arbitraries.js';
import { changes, check, diff, embed, hostileFrame, outcome, placement, reportCounts, runsOf, sameEverywhere, stable, type Placement } from './harness.js';

reportCounts('offload');

// ---------------------------------------------------------------------------------------------
// fillChecksums

const fillOptions: fc.Arbitrary<FillChecksumsOptions> = fc
  .record({
    ipHeader: fc.boolean(),
    tcp: fc.boolean(),
    udp: fc.boolean(),
    icmp: fc.boolean(),
    seed: fc.constantFrom('with-length' as const, 'without-length' as const),
    validateSeed: fc.boolean(),
    udpZeroMeansNone: fc.boolean(),
    encapsulatedPacketTaskOffload: fc.boolean(),
    lenient: fc.boolean(),
    maxHeaderSize: fc.constantFrom(256, Infinity),
  }, { requiredKeys: [] })
  .map((o) => o as FillChecksumsOptions);

const CHECKSUM_FIELD: Readonly<Record<number, number>> = { 6: 16, 17: 6, 1: 2, 58: 2 };

/** The checksum bytes fillChecksums may write: outer and inner IPv4 header checksums, and the transport checksum field. */
function checksumBytes(frame: Uint8Array, lenient: boolean): Set<number> {
  const allowed = new Set<number>();
  let l: FrameLayout;
  try {
    l = walkFrame(frame, new FrameLayout(), 0, frame.length, { lenient });
  } catch {
    return allowed;
  }
  for (const ip of [l.outerIp, l.innerIp]) {
    if (ip.version === 4) allowed.add(ip.offset + 10).add(ip.offset + 11);
    const field = CHECKSUM_FIELD[ip.protocol];
    if (ip.version !== 0 && ip.upperOffset >= 0 && field !== undefined) allowed.add(ip.upperOffset + field).add(ip.upperOffset + field + 1);
  }
  return allowed;
}

describe('fillChecksums (in place)', () => {
  it('writes only checksum bytes, nothing when it throws, never a guard; same bytes at any byteOffset; the result verifies', () => {
    check(
      'fillChecksums',
      fc.record({ frame: hostileFrame, p: placement, options: fillOptions }),
      ({ frame, p, options }) => {
        const fresh = frame.slice();
        const o = outcome(() => fillChecksums(fresh, options));
        const allowed = checksumBytes(frame, options.lenient === true);
        const changed = diff(fresh, frame);
        if (!o.ok) expect(changed, 'a refused request wrote bytes').toEqual([]);
        for (const i of changed) expect(allowed.has(i), `byte ${i} is not a checksum field`).toBe(true);
        for (const pattern of ['A', 'B'] as const) {
          const e = embed(frame, p, pattern);
          expect(outcome(() => fillChecksums(e.view, options))).toEqual(o);
          expect(changes(e, p.at).guards).toEqual([]);
          expect(diff(e.view, fresh)).toEqual([]);
        }
        if (o.ok && options.seed === undefined && options.encapsulatedPacketTaskOffload !== false) {
          // Idempotent, and every layer it filled now verifies (docs/offload.md §8–§9).
          const again = fresh.slice();
          fillChecksums(again, options);
          expect(diff(again, fresh)).toEqual([]);
          const filled = JSON.parse(o.value) as { outerIpv4: string; innerIpv4: string; transport: { status: string } };
          const v = verifyChecksums(fresh, { lenient: options.lenient === true });
          if (filled.outerIpv4 === 'ok') expect(v.outerIpv4).toBe('ok');
          if (filled.innerIpv4 === 'ok' && v.encapsulated) expect(v.innerIpv4).toBe('ok');
          if (filled.transport.status === 'ok') expect(v.transport.status).not.toBe('bad');
        }
      },
      runsOf(800, 0.08),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// segment / segmentPlan / segmentInto / coalesce

/** LSO templates across the matrix, and hostile versions of them. */
const template: fc.Arbitrary<Uint8Array> = fc.oneof(
  { weight: 3, arbitrary: arbFrameSpec({ l4: ['tcp'], lsoFlags: true, maxPayload: 2500 }).map((s) => buildFrame(s)) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(arbFrameSpec({ l4: ['tcp'], lsoFlags: true, maxPayload: 600 }).map((s) => buildFrame(s)), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), fc.option(fc.nat(), { nil: undefined }))
      .map(([f, edits, cut]) => {
        for (const [i, v] of edits) f[i % Math.min(f.length, 160)] = v; // mostly headers
        return cut === undefined ? f : f.slice(0, cut % (f.length + 1));
      }),
  },
  { weight: 2, arbitrary: hostileFrame },
);

const segmentOptions: fc.Arbitrary<SegmentOptions> = fc
  .record({
    mss: fc.oneof(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 65, max: 1800 })),
    profile: fc.constantFrom('ndis' as const, 'linux' as const, 'dpdk' as const),
    checksums: fc.constantFrom('recompute' as const, 'seeded' as const, 'none' as const),
    ipId: fc.constantFrom('ndis' as const, 'wrap16' as const, 'fixed-inner' as const),
    cwr: fc.constantFrom('first-only' as const, 'keep' as const),
    strict: fc.boolean(),
    maxHeaderSize: fc.constantFrom(256, Infinity),
  }, { requiredKeys: ['mss'] })
  .map((o) => o as SegmentOptions);

describe('segment, segmentPlan, segmentInto', () => {
  it('same segments at any byteOffset; segmentInto writes exactly the planned bytes (nothing when refused); the template is never written', () => {
    check(
      'segment+segmentPlan+segmentInto',
      fc.record({ frame: template, p: placement, options: segmentOptions, slack: fc.integer({ min: 0, max: 9 }) }),
      ({ frame, p, options, slack }) => {
        const segs = sameEverywhere(frame, p, (v) => segment(v, options));
        const plan = sameEverywhere(frame, p, (v) => segmentPlan(v, options));
        expect(plan.ok).toBe(segs.ok);
        if (!segs.ok) expect(plan).toEqual(segs);
        const planned = plan.ok ? (JSON.parse(plan.value) as { count: number; totalLength: number }) : { count: 0, totalLength: 64 };
        // segmentInto into a guard-filled target at an odd place.
        const targetBytes = new Uint8Array(planned.totalLength + slack);
        const t = embed(targetBytes, p, 'B');
        const seen: number[] = [];
        const into = outcome(() => segmentInto(frame.slice(), options, t.view, (_s, i) => seen.push(i)));
        const c = changes(t, p.at);
        expect(c.guards).toEqual([]);
        if (!segs.ok) {
          expect(into).toEqual(segs);
          expect(c.inside).toEqual([]);
          return;
        }
        const list = JSON.parse(segs.value) as string[];
        expect(into).toEqual({ ok: true, value: String(list.length) });
        expect(seen).toEqual(list.map((_x, i) => i));
        expect(stable(t.view.subarray(0, planned.totalLength))).toBe(`"bytes:${list.map((s) => s.slice('bytes:'.length)).join('')}"`);
        for (const i of c.inside) expect(i).toBeLessThan(planned.totalLength);
        // Segments coalesce back, or are refused with a typed error.
        const merged = outcome(() => coalesce(segment(frame, options)));
        if (!merged.ok) expect(JSON.parse(merged.error).code).toMatch(/^[A-Z_]+$/);
      },
      runsOf(500, 0.06),
    );
  });
});

describe('coalesce', () => {
  it('hostile segment lists: a frame or a typed error, identical at any byteOffset; segments never written', () => {
    const segmentList = fc
      .tuple(arbFrameSpec({ l4: ['tcp'], lsoFlags: true, maxPayload: 900, plain: true }).map((s) => buildFrame(s)), fc.integer({ min: 40, max: 400 }))
      .chain(([f, mss]) => {
        let segs: Uint8Array[];
        try {
          segs = segment(f, { mss, maxHeaderSize: Infinity });
        } catch {
          segs = [f];
        }
        return fc
          .tuple(fc.shuffledSubarray(segs, { minLength: 1 }), fc.array(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }), fc.boolean())
          .map(([picked, edits, inOrder]) => {
            const list = (inOrder ? segs.filter((s) => picked.includes(s)) : picked).map((s) => s.slice());
            for (const [k, i, v] of edits) {
              const s = list[k % list.length]!;
              if (s.length > 0) s[i % s.length] = v;
            }
            return list;
          });
      });
    check(
      'coalesce',
      fc.record({ segs: segmentList, p: placement }),
      ({ segs, p }) => {
        const fresh = outcome(() => coalesce(segs.map((s) => s.slice())));
        for (const pattern of ['A', 'B'] as const) {
          const placed = segs.map((s, k) => embed(s, { ...p, at: (p.at + k) % 65 }, pattern));
          expect(outcome(() => coalesce(placed.map((e) => e.view)))).toEqual(fresh);
          placed.forEach((e, k) => expect(changes(e, (p.at + k) % 65)).toEqual({ inside: [], guards: [] }));
        }
      },
      runsOf(400, 0.05),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// encapsulate / encapsulateInto

describe('encapsulate / encapsulateInto', () => {
  it('hostile inner frames: same bytes or error at any byteOffset of inner and target; writes only [offset, offset + n)', () => {
    check(
      'encapsulate+encapsulateInto',
      fc.record({
        inner: hostileFrame,
        p: placement,
        options: encapsulateOptions({ reservedVsid: true }),
        mtu: fc.option(fc.integer({ min: 68, max: 1600 }), { nil: undefined }),
        reject: fc.boolean(),
        off: fc.integer({ min: 0, max: 9 }),
      }),
      ({ inner, p, options, mtu, reject, off }) => {
        const opts: EncapsulateOptions = { ...options, ...(mtu !== undefined ? { mtu } : {}), innerVlan: reject ? 'reject' : 'strip' };
        const enc = createEncapsulator(opts);
        const fresh = outcome(() => [enc.encapsulate(inner.slice(), { ipId: 7 }), enc.lastStrippedVlan]);
        for (const pattern of ['A', 'B'] as const) {
          const i = embed(inner, p, pattern);
          const size = fresh.ok ? (JSON.parse(fresh.value) as [string])[0].length / 2 - 3 : inner.length + 80;
          const t = embed(new Uint8Array(off + size), p, pattern === 'A' ? 'B' : 'A');
          const e2 = createEncapsulator(opts);
          const got = outcome(() => {
            const n = e2.encapsulateInto(t.view, off, i.view, { ipId: 7 });
            return [t.view.slice(off, off + n), e2.lastStrippedVlan];
          });
          expect(got).toEqual(fresh);
          expect(changes(i, p.at)).toEqual({ inside: [], guards: [] });
          const c = changes(t, p.at);
          expect(c.guards).toEqual([]);
          if (!fresh.ok) expect(c.inside, 'a refused encapsulation wrote bytes').toEqual([]);
          for (const k of c.inside) expect(k).toBeGreaterThanOrEqual(off);
        }
      },
      runsOf(600, 0.05),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// buildFrame on hostile specs

type Leaf = { parent: Record<string, unknown> | unknown[]; key: string | number; value: number | boolean };

/** Numeric and boolean leaves of a spec (not inside byte arrays, not addresses). */
function leaves(spec: unknown, out: Leaf[] = []): Leaf[] {
  if (spec === null || typeof spec !== 'object' || spec instanceof Uint8Array) return out;
  for (const [k, v] of Object.entries(spec as Record<string, unknown>)) {
    if (k === 'src' || k === 'dst' || k === 'addresses') continue;
    if (typeof v === 'number' || typeof v === 'boolean') out.push({ parent: spec as Record<string, unknown>, key: Array.isArray(spec) ? Number(k) : k, value: v });
    else leaves(v, out);
  }
  return out;
}

const HOSTILE_NUMBERS: readonly unknown[] = [-1, -8, 1.5, NaN, Infinity, -Infinity, 2 ** 53 + 2, '7', null, [], {}, true, 1e300];
const HOSTILE_BOOLEANS: readonly unknown[] = ['yes', 1, 0, null, {}];

describe('buildFrame on hostile specs', () => {
  it('a non-integer, negative or non-boolean field is INVALID_ARGUMENT naming its path; valid specs build frames that parse', () => {
    check(
      'buildFrame(hostile spec)',
      fc.record({ spec: fc.oneof(nvgreFrameSpec({ depth: 2, trailer: true, inner: { vlans: 1, fragments: true } }), arbFrameSpec({ maxPayload: 100 })), which: fc.nat(), pick: fc.nat() }),
      ({ spec, which, pick }) => {
        const copy = structuredClone(spec) as FrameSpec;
        const all = leaves(copy);
        if (all.length === 0) return;
        const leaf = all[which % all.length]!;
        const pool = typeof leaf.value === 'boolean' ? HOSTILE_BOOLEANS : HOSTILE_NUMBERS;
        const bad = pool[pick % pool.length];
        (leaf.parent as Record<string | number, unknown>)[leaf.key] = bad;
        let error: unknown;
        try {
          const f = buildFrame(copy);
          parseFrame(f, { partial: true });
        } catch (e) {
          error = e;
        }
        // `nvgre.checksum` is `boolean | number`; `seq`/`ack` count modulo 2^32 (RFC 9293 §3.4).
        const lenient = (leaf.key === 'checksum' && typeof bad === 'boolean') || ((leaf.key === 'seq' || leaf.key === 'ack') && Number.isSafeInteger(bad) && (bad as number) >= 0);
        if (lenient && error === undefined) return;
        expect(error, `spec field ${String(leaf.key)} = ${String(bad)} was accepted`).toBeInstanceOf(NvgreError);
        expect((error as NvgreError).code).toBe('INVALID_ARGUMENT');
        expect((error as NvgreError).message).toMatch(/spec[.\w[\]]*/);
      },
      runsOf(600, 0.04),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// applyEcnOnDecapsulation (RFC 6040 §4.2)

describe('applyEcnOnDecapsulation (in place)', () => {
  it('changes only the ECN bits (and the IPv4 header checksum, kept valid), nothing on drop/unchanged; same at any byteOffset', () => {
    check(
      'applyEcnOnDecapsulation',
      fc.record({ inner: hostileFrame, p: placement, outerEcn: fc.integer({ min: 0, max: 3 }) }),
      ({ inner, p, outerEcn }) => {
        const fresh = inner.slice();
        const o = outcome(() => applyEcnOnDecapsulation(fresh, outerEcn));
        expect(o.ok).toBe(true);
        const changed = diff(fresh, inner);
        if (o.ok && o.value !== '"updated"') expect(changed).toEqual([]);
        // Where the IP header is: after the Ethernet header and up to two tags.
        let l3 = 14;
        for (let t = 0; t < 2 && inner.length >= l3 + 4 && (((inner[l3 - 2]! << 8) | inner[l3 - 1]!) === 0x8100 || ((inner[l3 - 2]! << 8) | inner[l3 - 1]!) === 0x88a8); t++) l3 += 4;
        for (const i of changed) expect([l3 + 1, l3 + 10, l3 + 11]).toContain(i);
        // RFC 1624: a header checksum that verified still verifies after the ECN update.
        const hl = (inner[l3]! & 15) * 4;
        if (changed.length > 0 && inner[l3]! >>> 4 === 4 && hl >= 20 && l3 + hl <= inner.length && ipv4ChecksumValid(inner, l3, hl)) {
          expect(ipv4ChecksumValid(fresh, l3, hl)).toBe(true);
        }
        for (const pattern of ['A', 'B'] as const) {
          const e = embed(inner, p, pattern);
          expect(outcome(() => applyEcnOnDecapsulation(e.view, outerEcn))).toEqual(o);
          expect(changes(e, p.at).guards).toEqual([]);
          expect(diff(e.view, fresh)).toEqual([]);
        }
      },
      runsOf(600, 0.03),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Header writers and fillTransportChecksum

const u = (bits: number) => fc.integer({ min: 0, max: 2 ** bits - 1 });
const addr = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
const words = fc.integer({ min: 0, max: 10 }).chain((n) => fc.uint8Array({ minLength: 4 * n, maxLength: 4 * n }));

/** Each writer with fields across its value ranges. */
const writes: fc.Arbitrary<{ name: string; write: (t: Uint8Array, o: number) => number }> = fc.oneof(
  fc.record({ dst: addr(6), src: addr(6), vlans: fc.array(fc.record({ id: u(12), pcp: u(3), dei: fc.boolean(), tpid: fc.constantFrom(0x8100, 0x88a8) }), { maxLength: 2 }), etherType: u(16) }).map((f) => ({ name: 'writeEthernet', write: (t: Uint8Array, o: number) => writeEthernet(t, o, f) })),
  fc.record({ src: addr(4), dst: addr(4), protocol: u(8), payloadLength: fc.integer({ min: 0, max: 1000 }), dscp: u(6), ecn: u(2), id: u(16), dontFragment: fc.boolean(), ttl: u(8), options: words }).map((f) => ({ name: 'writeIpv4', write: (t: Uint8Array, o: number) => writeIpv4(t, o, f) })),
  fc.record({ src: addr(16), dst: addr(16), nextHeader: u(8), payloadLength: u(16), dscp: u(6), ecn: u(2), flowLabel: u(20), hopLimit: u(8) }).map((f) => ({ name: 'writeIpv6', write: (t: Uint8Array, o: number) => writeIpv6(t, o, f) })),
  fc.record({ protocol: u(16), key: u(32), sequence: u(32), checksum: u(16), version: u(3), extraFlags: u(16) }, { requiredKeys: ['protocol'] }).map((f) => ({ name: 'writeGre', write: (t: Uint8Array, o: number) => writeGre(t, o, f) })),
  fc.tuple(u(24), u(8)).map(([vsid, flowId]) => ({ name: 'writeNvgreHeader', write: (t: Uint8Array, o: number) => writeNvgreHeader(t, o, vsid, flowId) })),
  fc.record({ srcPort: u(16), dstPort: u(16), seq: u(32), ack: u(32), flags: u(8), ns: fc.boolean(), window: u(16), urgentPointer: u(16), options: words, checksum: u(16) }).map((f) => ({ name: 'writeTcp', write: (t: Uint8Array, o: number) => writeTcp(t, o, f) })),
  fc.record({ srcPort: u(16), dstPort: u(16), payloadLength: fc.integer({ min: 0, max: 65527 }), checksum: u(16) }).map((f) => ({ name: 'writeUdp', write: (t: Uint8Array, o: number) => writeUdp(t, o, f) })),
  fc.record({ type: u(8), code: u(8), rest: u(32), checksum: u(16) }).map((f) => ({ name: 'writeIcmp', write: (t: Uint8Array, o: number) => writeIcmp(t, o, f) })),
);

describe('header writers and fillTransportChecksum (in place)', () => {
  it('writers write exactly [offset, offset + n) of a guard-filled target, or NO_SPACE and nothing; fillTransportChecksum writes its 2 bytes', () => {
    check(
      'writers+fillTransportChecksum',
      fc.record({ w: writes, p: placement, size: fc.integer({ min: 0, max: 140 }), off: fc.nat(), frame: hostileFrame, x: fc.nat() }),
      ({ w, p, size, off, frame, x }) => {
        const offset = off % (size + 1);
        const t = embed(new Uint8Array(size), p, 'B');
        const n = outcome(() => w.write(t.view, offset));
        const c = changes(t, p.at);
        expect(c.guards, w.name).toEqual([]);
        if (!n.ok) {
          expect(JSON.parse(n.error).code, w.name).toBe('NO_SPACE');
          expect(c.inside, `${w.name} wrote before refusing`).toEqual([]);
        } else {
          for (const i of c.inside) expect(i >= offset && i < offset + Number(n.value), `${w.name} wrote byte ${i} outside [${offset}, +${n.value})`).toBe(true);
        }
        // fillTransportChecksum over a TCP/UDP/ICMP segment at a random place of a hostile frame.
        if (frame.length >= 60) {
          const protocol = [6, 17, 1, 58][x % 4]!;
          const l4 = 40 + (x % (frame.length - 59));
          const f = frame.slice();
          fillTransportChecksum(f, protocol === 1 ? 4 : 6, 0, 24, protocol, l4, frame.length - l4);
          const field = l4 + (protocol === 6 ? 16 : protocol === 17 ? 6 : 2);
          for (const i of diff(f, frame)) expect([field, field + 1]).toContain(i);
        }
      },
      runsOf(600, 0.05),
    );
  });
});
