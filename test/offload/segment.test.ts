/**
 * LSOv2 through the tunnel (docs/offload.md §10), profiles (§14), segmentInto, and the inverse coalesce.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { put16, u16, u32 } from '../../src/wire/bytes.js';
import { fold } from '../../src/wire/checksum.js';
import { FrameLayout, walkFrame } from '../../src/wire/layout.js';
import { TcpFlag } from '../../src/wire/tcp.js';
import { pseudoHeaderSum } from '../../src/wire/transport.js';
import { buildFrame, type FrameSpec } from '../../src/frame/build.js';
import {
  EncapsulatedOffloadCapability as Cap,
  coalesce,
  fillChecksums,
  ndisOffsetsOf,
  segment,
  segmentInto,
  segmentPlan,
  verifyChecksums,
  type SegmentOptions,
} from '../../src/offload/index.js';
import { arbFrameSpec } from './arbitraries.js';
import { expectCode } from '../helpers/errors.js';


interface Geometry {
  outer: { version: number; offset: number };
  inner: { version: number; offset: number };
  tcp: number;
  header: number;
  end: number;
}

function geometry(frame: Uint8Array): Geometry {
  const L = walkFrame(frame, new FrameLayout());
  const t = L.transportOffset;
  return {
    outer: L.encapsulated ? { version: L.outerIp.version, offset: L.outerIp.offset } : { version: 0, offset: -1 },
    inner: { version: L.transportIp.version, offset: L.transportIp.offset },
    tcp: t,
    header: t + (frame[t + 12]! >>> 4) * 4,
    end: L.transportEnd,
  };
}

function ipId(frame: Uint8Array, ip: { version: number; offset: number }): number | undefined {
  return ip.version === 4 ? u16(frame, ip.offset + 4) : undefined;
}

function ndisNext(id0: number, i: number): number {
  return id0 <= 0x7fff ? (id0 + i) & 0x7fff : (id0 + i) & 0xffff;
}

function allVerify(seg: Uint8Array): void {
  const r = verifyChecksums(seg);
  expect(r.outerIpv4 === 'ok' || r.outerIpv4 === 'absent').toBe(true);
  expect(r.innerIpv4 === 'ok' || r.innerIpv4 === 'absent').toBe(true);
  expect(r.transport).toEqual({ protocol: 'tcp', status: 'ok' });
}

const arbMss = fc.oneof({ weight: 1, arbitrary: fc.integer({ min: 1, max: 24 }) }, { weight: 4, arbitrary: fc.integer({ min: 100, max: 1600 }) });
const arbTcpFrame = arbFrameSpec({ l4: ['tcp'], lsoFlags: true });

const base: FrameSpec = {
  ethernet: { src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02', vlans: [{ id: 100 }] },
  ipv4: { src: '192.0.2.1', dst: '192.0.2.2', id: 0x7ffe, options: Uint8Array.of(1, 1, 1, 0) },
  nvgre: { vsid: 0x123456, flowId: 0x42 },
  inner: {
    ipv4: { src: '10.0.0.1', dst: '10.0.0.2', id: 0x7fff, dontFragment: true, options: Uint8Array.of(0x94, 4, 0, 0) },
    tcp: { srcPort: 40000, dstPort: 80, seq: 0xfffffff0, ack: 77, flags: TcpFlag.ACK | TcpFlag.PSH | TcpFlag.FIN | TcpFlag.CWR | TcpFlag.ECE, options: Uint8Array.of(1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2) },
    payload: Uint8Array.from({ length: 4000 }, (_, i) => (i * 7) & 0xff),
  },
};

/** `base.inner` without its IPv4 layer (to swap in IPv6). */
const { ipv4: _innerIpv4, ...innerBase } = base.inner!;

/** An LSO template: buildFrame's bytes with the inner length 0 and the outer length garbage (docs/offload.md §10). */
function template(spec: FrameSpec): Uint8Array {
  const f = buildFrame(spec);
  const g = geometry(f);
  if (g.inner.version === 4) put16(f, g.inner.offset + 2, 0);
  else put16(f, g.inner.offset + 4, 0);
  if (g.outer.version === 4) put16(f, g.outer.offset + 2, 1234);
  else if (g.outer.version === 6) put16(f, g.outer.offset + 4, 1234);
  return f;
}

describe('segment: invariants over the frame matrix (LSOv2, ndis profile)', () => {
  it('payload, sequence, flags, IDs, lengths, checksums', () => {
    fc.assert(
      fc.property(arbTcpFrame, arbMss, (spec, mss) => {
        const frame = buildFrame(spec);
        const g = geometry(frame);
        const P = g.end - g.header;
        const segs = segment(frame, { mss, maxHeaderSize: Infinity });
        const n = Math.max(1, Math.ceil(P / mss));
        expect(segs.length).toBe(n);
        const seq0 = u32(frame, g.tcp + 4);
        const flags = frame[g.tcp + 13]!;
        const payload: number[] = [];
        segs.forEach((s, i) => {
          const sp = s.length - g.header;
          // Every segment but the last carries exactly MSS; at most one short segment, the last.
          if (i < n - 1) expect(sp).toBe(mss);
          else expect(sp).toBe(P - (n - 1) * mss);
          // Headers identical outside the fields LSO rewrites.
          for (let k = 0; k < g.header; k++) {
            const rel = (o: { version: number; offset: number }) => k - o.offset;
            const inIp = (o: { version: number; offset: number }) =>
              o.version === 4 ? [2, 3, 4, 5, 10, 11].includes(rel(o)) : o.version === 6 ? [4, 5].includes(rel(o)) : false;
            const tcpRel = k - g.tcp;
            if (inIp(g.outer) || inIp(g.inner) || (tcpRel >= 4 && tcpRel < 8) || tcpRel === 13 || tcpRel === 16 || tcpRel === 17) continue;
            expect(s[k]).toBe(frame[k]);
          }
          for (let k = g.header; k < s.length; k++) payload.push(s[k]!);
          expect(u32(s, g.tcp + 4)).toBe((seq0 + i * mss) >>> 0);
          const f = s[g.tcp + 13]!;
          const last = i === n - 1;
          expect(f & TcpFlag.FIN).toBe(last ? flags & TcpFlag.FIN : 0);
          expect(f & TcpFlag.PSH).toBe(last ? flags & TcpFlag.PSH : 0);
          expect(f & TcpFlag.CWR).toBe(i === 0 ? flags & TcpFlag.CWR : 0);
          expect(f & ~(TcpFlag.FIN | TcpFlag.PSH | TcpFlag.CWR)).toBe(flags & ~(TcpFlag.FIN | TcpFlag.PSH | TcpFlag.CWR));
          for (const ip of [g.outer, g.inner]) {
            const id0 = ipId(frame, ip);
            if (id0 !== undefined) expect(ipId(s, ip)).toBe(ndisNext(id0, i));
          }
          allVerify(s);
        });
        expect(Uint8Array.from(payload)).toEqual(frame.subarray(g.header));
      }),
      { numRuns: 150 },
    );
  });

  it('coalesce(segment(x)) gives x back; a payload within one MSS round-trips unchanged', () => {
    fc.assert(
      fc.property(arbTcpFrame, arbMss, (spec, mss) => {
        const frame = buildFrame(spec);
        const segs = segment(frame, { mss, maxHeaderSize: Infinity });
        expect(coalesce(segs)).toEqual(frame);
        const g = geometry(frame);
        if (g.end - g.header <= mss) {
          expect(segs.length).toBe(1);
          expect(segs[0]).toEqual(frame);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('templates with zero / garbage IP lengths: lengths come from the buffer; coalesce fills them in', () => {
    fc.assert(
      fc.property(arbTcpFrame, arbMss, (spec, mss) => {
        const good = buildFrame(spec);
        const t = template(spec);
        const segs = segment(t, { mss, maxHeaderSize: Infinity });
        segs.forEach(allVerify);
        expect(coalesce(segs)).toEqual(good);
        // strict mode accepts the LSOv2 zero but refuses the garbage outer length
        // (ipId 'wrap16': strict also refuses ndis template IDs ≥ 0x8000, which the arbitrary produces)
        const strict = { mss, maxHeaderSize: Infinity, strict: true, ipId: 'wrap16' } as const;
        if (spec.nvgre) expectCode(() => segment(t, strict), 'BAD_LENGTH');
        else expect(segment(t, strict).length).toBe(segs.length);
        expect(segment(good, strict).length).toBe(segs.length);
      }),
      { numRuns: 80 },
    );
  });

  it('segmentInto writes the same bytes back to back and returns the segment count', () => {
    fc.assert(
      fc.property(arbTcpFrame, arbMss, fc.constantFrom<SegmentOptions['profile']>('ndis', 'linux'), (spec, mss, profile) => {
        const frame = buildFrame(spec);
        const options: SegmentOptions = { mss, profile: profile!, maxHeaderSize: Infinity };
        const segs = segment(frame, options);
        const plan = segmentPlan(frame, options);
        expect(plan.count).toBe(segs.length);
        expect(plan.totalLength).toBe(segs.reduce((a, s) => a + s.length, 0));
        const target = new Uint8Array(plan.totalLength + 3).fill(0xa5);
        const seen: Uint8Array[] = [];
        const n = segmentInto(frame, options, target, (seg, i) => {
          expect(i).toBe(seen.length);
          expect(seg.buffer).toBe(target.buffer);
          seen.push(seg.slice());
        });
        expect(n).toBe(segs.length);
        expect(seen).toEqual(segs);
        expect(target.subarray(0, plan.totalLength)).toEqual(Uint8Array.from(segs.flatMap((s) => Array.from(s))));
        expect(Array.from(target.subarray(plan.totalLength))).toEqual([0xa5, 0xa5, 0xa5]);
      }),
      { numRuns: 80 },
    );
  });
});

describe('segment: NDIS rules', () => {
  it('IDs wrap 0x7FFF → 0x0000 per header; seq wraps mod 2^32; FIN/PSH last, CWR first, ECE all', () => {
    const frame = buildFrame(base);
    const g = geometry(frame);
    const segs = segment(frame, { mss: 1000 });
    expect(segs.length).toBe(4);
    expect(segs.map((s) => ipId(s, g.outer))).toEqual([0x7ffe, 0x7fff, 0x0000, 0x0001]);
    expect(segs.map((s) => ipId(s, g.inner))).toEqual([0x7fff, 0x0000, 0x0001, 0x0002]);
    expect(segs.map((s) => u32(s, g.tcp + 4))).toEqual([0xfffffff0, (0xfffffff0 + 1000) >>> 0, (0xfffffff0 + 2000) >>> 0, (0xfffffff0 + 3000) >>> 0]);
    const F = TcpFlag;
    expect(segs.map((s) => s[g.tcp + 13])).toEqual([F.ACK | F.ECE | F.CWR, F.ACK | F.ECE, F.ACK | F.ECE, F.ACK | F.ECE | F.FIN | F.PSH]);
    segs.forEach(allVerify);
    // Outer/inner IPv4 lengths and the VSID/FlowID.
    for (const s of segs) {
      expect(u16(s, g.outer.offset + 2)).toBe(s.length - g.outer.offset);
      expect(u16(s, g.inner.offset + 2)).toBe(s.length - g.inner.offset);
      expect(u32(s, g.outer.offset + 24 + 4)).toBe(0x12345642);
    }
  });

  it('ece: first-only and cwr: keep', () => {
    const frame = buildFrame(base);
    const g = geometry(frame);
    const segs = segment(frame, { mss: 1000, ece: 'first-only', cwr: 'keep' });
    const F = TcpFlag;
    expect(segs.map((s) => s[g.tcp + 13])).toEqual([F.ACK | F.ECE | F.CWR, F.ACK | F.CWR, F.ACK | F.CWR, F.ACK | F.CWR | F.FIN | F.PSH]);
    segs.forEach(allVerify);
  });

  it('template ID ≥ 0x8000 counts mod 2^16; strict refuses it', () => {
    const spec = { ...base, ipv4: { ...base.ipv4!, id: 0xfffe } };
    const frame = buildFrame(spec);
    const g = geometry(frame);
    expect(segment(frame, { mss: 1000 }).map((s) => ipId(s, g.outer))).toEqual([0xfffe, 0xffff, 0x0000, 0x0001]);
    expectCode(() => segment(frame, { mss: 1000, strict: true }), 'INVALID_ARGUMENT');
  });

  it('all four outer/inner IP version combinations segment and verify', () => {
    for (const outer of [4, 6] as const) {
      for (const inner of [4, 6] as const) {
        const spec: FrameSpec = {
          ...(outer === 4 ? { ipv4: { src: '192.0.2.1', dst: '192.0.2.2', id: 5 } } : { ipv6: { src: '2001:db8::1', dst: '2001:db8::2', extensionHeaders: [{ type: 'destination-options' }] } }),
          nvgre: { vsid: 0x10000, flowId: 1 },
          inner: {
            ...(inner === 4
              ? { ipv4: { src: '10.0.0.1', dst: '10.0.0.2', id: 9 } }
              : { ipv6: { src: 'fd00::1', dst: 'fd00::2', extensionHeaders: [{ type: 'routing', routingType: 4, addresses: ['fd00::7', 'fd00::8'], segmentsLeft: 2 }] } }),
            tcp: { srcPort: 1, dstPort: 2, flags: TcpFlag.ACK },
            payload: new Uint8Array(3000).fill(3),
          },
        };
        const frame = template(spec);
        const segs = segment(frame, { mss: 1200 });
        expect(segs.length).toBe(3);
        segs.forEach(allVerify);
        const g = geometry(segs[0]!);
        for (const s of segs) {
          if (g.outer.version === 6) expect(u16(s, g.outer.offset + 4)).toBe(s.length - g.outer.offset - 40);
          if (g.inner.version === 6) expect(u16(s, g.inner.offset + 4)).toBe(s.length - g.inner.offset - 40);
        }
      }
    }
  });

  it('plain Ethernet/IPv4 and IPv6 TCP frames segment too', () => {
    for (const ip of [{ ipv4: { src: '10.0.0.1', dst: '10.0.0.2', id: 0x7fff } }, { ipv6: { src: 'fd00::1', dst: 'fd00::2' } }]) {
      const frame = buildFrame({ ...ip, tcp: { srcPort: 1, dstPort: 2, flags: TcpFlag.ACK | TcpFlag.PSH }, payload: new Uint8Array(3000).fill(1) });
      const segs = segment(frame, { mss: 1460 });
      expect(segs.length).toBe(3);
      segs.forEach(allVerify);
      if ('ipv4' in ip) expect(segs.map((s) => u16(s, 14 + 4))).toEqual([0x7fff, 0, 1]);
      expect(coalesce(segs)).toEqual(frame);
    }
  });

  it('empty payload gives one segment', () => {
    const frame = buildFrame({ ...base, inner: { ...base.inner!, payload: new Uint8Array(0) } });
    const segs = segment(frame, { mss: 1 });
    expect(segs).toEqual([frame]);
  });
});

describe('segment: refusals (docs/offload.md §10 host contract)', () => {
  const good = buildFrame(base);

  it('NOT_TCP: UDP, ICMP, non-IP inner frame, non-NVGRE GRE', () => {
    expectCode(() => segment(buildFrame({ ...base, inner: { ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, udp: { srcPort: 1, dstPort: 2 }, payload: 'x' } }), { mss: 100 }), 'NOT_TCP');
    expectCode(() => segment(buildFrame({ ipv6: { src: 'fd00::1', dst: 'fd00::2' }, icmp: { type: 128 } }), { mss: 100 }), 'NOT_TCP');
    expectCode(() => segment(buildFrame({ ...base, inner: { ethernet: { etherType: 0x0806 }, payload: new Uint8Array(28) } }), { mss: 100 }), 'NOT_TCP');
    expectCode(() => segment(buildFrame({ ...base, nvgre: { vsid: 0x123456, protocol: 0x0800 } }), { mss: 100 }), 'NOT_TCP');
    expectCode(() => segment(buildFrame({ ethernet: { etherType: 0x88b5 }, payload: 'x' }), { mss: 100 }), 'NOT_TCP');
  });

  it('UNSUPPORTED: GRE with Checksum or Sequence words', () => {
    expectCode(() => segment(buildFrame({ ...base, nvgre: { vsid: 0x123456, sequence: 1 } }), { mss: 100 }), 'UNSUPPORTED');
    expectCode(() => segment(buildFrame({ ...base, nvgre: { vsid: 0x123456, checksum: true } }), { mss: 100 }), 'UNSUPPORTED');
  });

  it('TCP_FLAGS: SYN, RST, URG, urgent pointer', () => {
    for (const tcp of [
      { flags: TcpFlag.SYN | TcpFlag.ACK },
      { flags: TcpFlag.RST },
      { flags: TcpFlag.URG | TcpFlag.ACK },
      { flags: TcpFlag.ACK, urgentPointer: 5 },
    ]) {
      expectCode(() => segment(buildFrame({ ...base, inner: { ...base.inner!, tcp: { srcPort: 1, dstPort: 2, ...tcp } } }), { mss: 100 }), 'TCP_FLAGS');
    }
  });

  it('FRAGMENTED: outer or inner IPv4 fragment, inner IPv6 Fragment header', () => {
    expectCode(() => segment(buildFrame({ ...base, ipv4: { ...base.ipv4!, moreFragments: true } }), { mss: 100 }), 'FRAGMENTED');
    expectCode(() => segment(buildFrame({ ...base, inner: { ...base.inner!, ipv4: { src: '10.0.0.1', dst: '10.0.0.2', fragmentOffset: 8 } } }), { mss: 100 }), 'FRAGMENTED');
    expectCode(
      () => segment(buildFrame({ ...base, inner: { ...innerBase, ipv6: { src: 'fd00::1', dst: 'fd00::2', extensionHeaders: [{ type: 'fragment' }] } } }), { mss: 100 }),
      'FRAGMENTED',
    );
  });

  it('INVALID_ARGUMENT: MSS 0, 2^20, fractional, missing; bad option values', () => {
    for (const mss of [0, 2 ** 20, 1.5, -1, NaN, undefined]) expectCode(() => segment(good, { mss } as SegmentOptions), 'INVALID_ARGUMENT');
    expect(segment(good, { mss: 2 ** 20 - 1 }).length).toBe(1);
    expectCode(() => segment(good, undefined as unknown as SegmentOptions), 'INVALID_ARGUMENT');
    for (const bad of [{ profile: 'bsd' }, { ipId: 'random' }, { cwr: 'never' }, { checksums: 'some' }, { maxSegments: 0 }, { strict: 'yes' }]) {
      expectCode(() => segment(good, { mss: 100, ...bad } as unknown as SegmentOptions), 'INVALID_ARGUMENT');
    }
  });

  it('TOO_LARGE: maxSegments, maxOffloadSize, minSegmentCount', () => {
    expectCode(() => segment(good, { mss: 1, maxSegments: 3999 }), 'TOO_LARGE');
    expect(segment(good, { mss: 1, maxSegments: 4000 }).length).toBe(4000);
    expectCode(() => segment(good, { mss: 1000, maxOffloadSize: 3999 }), 'TOO_LARGE');
    expectCode(() => segment(good, { mss: 1000, minSegmentCount: 5 }), 'TOO_LARGE');
    expect(segment(good, { mss: 1000, minSegmentCount: 4, maxOffloadSize: 4000 }).length).toBe(4);
    // Default maxSegments 65535 (the template's payload comes from the buffer, so it may exceed 64 KiB).
    const head = buildFrame({ ...base, inner: { ...base.inner!, payload: new Uint8Array(0) } });
    const big = new Uint8Array(head.length + 65536);
    big.set(head);
    expectCode(() => segment(big, { mss: 1 }), 'TOO_LARGE');
    expect(segmentPlan(big.subarray(0, big.length - 1), { mss: 1 }).count).toBe(65535);
  });

  it('HEADER_TOO_LARGE for NVGRE headers over maxHeaderSize (default 256)', () => {
    const g = geometry(good);
    expectCode(() => segment(good, { mss: 100, maxHeaderSize: g.header - 1 }), 'HEADER_TOO_LARGE');
    expect(segment(good, { mss: 1000, maxHeaderSize: g.header }).length).toBe(4);
    const deep = buildFrame({ ...base, inner: { ...innerBase, ipv6: { src: 'fd00::1', dst: 'fd00::2', extensionHeaders: [{ type: 'destination-options', options: new Uint8Array(160) }] } } });
    expectCode(() => segment(deep, { mss: 1000 }), 'HEADER_TOO_LARGE');
  });

  it('BAD_LENGTH when a segment would exceed an IP length of 65535', () => {
    const small = buildFrame({ ...base, inner: { ...base.inner!, payload: new Uint8Array(0) } });
    const t = new Uint8Array(small.length + 70000);
    t.set(small);
    expectCode(() => segment(t, { mss: 70000 }), 'BAD_LENGTH');
    expectCode(() => segment(t, { mss: 65535 }), 'BAD_LENGTH');
    const segs = segment(t, { mss: 65000 });
    expect(segs.length).toBe(2);
    segs.forEach(allVerify);
  });

  it('capabilities (LsoV2Supported) and ndisOffsets', () => {
    expectCode(() => segment(good, { mss: 100, capabilities: Cap.OUTER_IPV4 | Cap.INNER_IPV6 }), 'UNSUPPORTED');
    expect(segment(good, { mss: 1000, capabilities: Cap.OUTER_IPV4 | Cap.INNER_IPV4 }).length).toBe(4);
    const n = ndisOffsetsOf(good);
    expect(segment(good, { mss: 1000, ndisOffsets: n }).length).toBe(4);
    expectCode(() => segment(good, { mss: 1000, ndisOffsets: { ...n, tcpHeaderRelativeOffset: n.tcpHeaderRelativeOffset - 4 } }), 'INVALID_ARGUMENT');
    expectCode(() => segment(good, { mss: 1000, ndisOffsets: { ...n, tcpOptionsPresent: false } }), 'INVALID_ARGUMENT');
    expectCode(() => segment(good, { mss: 1000, ndisOffsets: { ...n, innerFrameOffset: 300 } }), 'INVALID_ARGUMENT');
    // Offsets match a template with zero inner length too (ndisOffsetsOf needs real lengths; segment does not).
    expect(segment(template(base), { mss: 1000, ndisOffsets: n }).length).toBe(4);
  });

  it('segmentInto: a callback that scribbles over its own segment does not disturb later ones', () => {
    const payload = Uint8Array.from({ length: 5000 }, (_, i) => (i * 13) & 0xff);
    for (const mss of [1, 7, 999, 1000, 4999, 5000, 9000]) {
      const frame = buildFrame({ ...base, inner: { ...base.inner!, payload } });
      const expected = segment(frame, { mss });
      const target = new Uint8Array(segmentPlan(frame, { mss }).totalLength);
      const seen: Uint8Array[] = [];
      segmentInto(frame, { mss }, target, (seg) => {
        seen.push(seg.slice());
        seg.fill(0xee);
      });
      expect(seen).toEqual(expected);
    }
  });

  it('segmentInto: NO_SPACE before anything is written; bad callback', () => {
    const plan = segmentPlan(good, { mss: 1000 });
    const target = new Uint8Array(plan.totalLength - 1).fill(0xa5);
    expectCode(() => segmentInto(good, { mss: 1000 }, target), 'NO_SPACE');
    expect(target.every((b) => b === 0xa5)).toBe(true);
    expectCode(() => segmentInto(good, { mss: 1000 }, new Uint8Array(plan.totalLength), 5 as unknown as () => void), 'INVALID_ARGUMENT');
    expect(segmentInto(good, { mss: 1000 }, new Uint8Array(plan.totalLength))).toBe(4);
  });
});

describe('segment: checksum modes and seeds (docs/offload.md §8, §10, §14)', () => {
  function seeded(frame: Uint8Array, withLength: boolean): Uint8Array {
    const f = frame.slice();
    const L = walkFrame(f, new FrameLayout());
    const tip = L.transportIp;
    const len = withLength ? L.transportEnd - L.transportOffset : 0;
    put16(f, L.transportOffset + 16, fold(pseudoHeaderSum(f, tip.version as 4 | 6, tip.offset, tip.dstOffset, 6, len)));
    return f;
  }

  it('ndis seeded: the LSO seed (no length) gives correct segments, the plain seed wrong ones', () => {
    fc.assert(
      fc.property(arbTcpFrame, fc.integer({ min: 200, max: 1500 }), (spec, mss) => {
        const frame = buildFrame(spec);
        const right = segment(seeded(frame, false), { mss, checksums: 'seeded', maxHeaderSize: Infinity });
        expect(right).toEqual(segment(frame, { mss, maxHeaderSize: Infinity }));
        const wrong = segment(seeded(frame, true), { mss, checksums: 'seeded', maxHeaderSize: Infinity });
        for (const s of wrong) expect(verifyChecksums(s).transport.status).toBe('bad');
      }),
      { numRuns: 60 },
    );
  });

  it('linux seeded: the CHECKSUM_PARTIAL seed with the whole length, adjusted per segment', () => {
    fc.assert(
      fc.property(arbTcpFrame, fc.integer({ min: 200, max: 1500 }), (spec, mss) => {
        const frame = buildFrame(spec);
        const right = segment(seeded(frame, true), { mss, profile: 'linux', checksums: 'seeded', maxHeaderSize: Infinity });
        right.forEach(allVerify);
        expect(right).toEqual(segment(frame, { mss, profile: 'linux', maxHeaderSize: Infinity }));
        const wrong = segment(seeded(frame, false), { mss, profile: 'linux', checksums: 'seeded', maxHeaderSize: Infinity });
        for (const s of wrong) expect(verifyChecksums(s).transport.status).toBe('bad');
        // Explicit override of the convention.
        expect(segment(seeded(frame, false), { mss, profile: 'linux', checksums: 'seeded', seed: 'without-length', maxHeaderSize: Infinity })).toEqual(right);
      }),
      { numRuns: 60 },
    );
  });

  it('a segment whose TCP checksum computes to zero carries 0x0000 and verifies (TCP keeps both encodings)', () => {
    // Choose the last payload word so that the single segment's checksum is 0: adding the old checksum cancels the sum.
    const payload = new Uint8Array(1000).fill(9);
    payload[998] = payload[999] = 0;
    const spec: FrameSpec = { ...base, inner: { ...base.inner!, payload } };
    const frame = buildFrame(spec);
    const g = geometry(frame);
    const c = u16(frame, g.tcp + 16);
    put16(frame, frame.length - 2, c);
    fillChecksums(frame);
    expect(u16(frame, g.tcp + 16)).toBe(0);
    const [seg] = segment(frame, { mss: 1000 });
    expect(u16(seg!, g.tcp + 16)).toBe(0);
    allVerify(seg!);
  });
});

describe('segment: profiles (docs/offload.md §14)', () => {
  it('linux: IDs wrap at 2^16 (0x7FFF → 0x8000), fixed-inner keeps the inner ID with DF', () => {
    const spec = { ...base, ipv4: { ...base.ipv4!, id: 0xfffe } };
    const frame = buildFrame(spec);
    const g = geometry(frame);
    const segs = segment(frame, { mss: 1000, profile: 'linux' });
    expect(segs.map((s) => ipId(s, g.outer))).toEqual([0xfffe, 0xffff, 0x0000, 0x0001]);
    expect(segs.map((s) => ipId(s, g.inner))).toEqual([0x7fff, 0x8000, 0x8001, 0x8002]);
    segs.forEach(allVerify);
    const fixed = segment(frame, { mss: 1000, profile: 'linux', ipId: 'fixed-inner' });
    expect(fixed.map((s) => ipId(s, g.inner))).toEqual([0x7fff, 0x7fff, 0x7fff, 0x7fff]);
    expect(fixed.map((s) => ipId(s, g.outer))).toEqual([0xfffe, 0xffff, 0x0000, 0x0001]);
    fixed.forEach(allVerify);
    // RFC 6864: a fixed ID needs an atomic datagram.
    const noDf = buildFrame({ ...base, inner: { ...base.inner!, ipv4: { src: '10.0.0.1', dst: '10.0.0.2', dontFragment: false } } });
    expectCode(() => segment(noDf, { mss: 1000, profile: 'linux', ipId: 'fixed-inner' }), 'INVALID_ARGUMENT');
  });

  it('dpdk: gso_size counts every header, checksums untouched, CWR kept, IPv4/IPv4 only', () => {
    const frame = buildFrame(base);
    const g = geometry(frame);
    const gsoSize = 1200;
    const segs = segment(frame, { mss: gsoSize, profile: 'dpdk' });
    const unit = gsoSize - g.header;
    expect(segs.length).toBe(Math.ceil(4000 / unit));
    for (const [i, s] of segs.entries()) {
      expect(s.length).toBeLessThanOrEqual(gsoSize);
      if (i < segs.length - 1) expect(s.length).toBe(gsoSize);
      // Checksum fields copied from the template; lengths and IDs still rewritten.
      expect(u16(s, g.outer.offset + 10)).toBe(u16(frame, g.outer.offset + 10));
      expect(u16(s, g.inner.offset + 10)).toBe(u16(frame, g.inner.offset + 10));
      expect(u16(s, g.tcp + 16)).toBe(u16(frame, g.tcp + 16));
      expect(u16(s, g.inner.offset + 2)).toBe(s.length - g.inner.offset);
      expect(s[g.tcp + 13]! & TcpFlag.CWR).toBe(TcpFlag.CWR);
      expect(ipId(s, g.outer)).toBe((0x7ffe + i) & 0xffff);
      expect(ipId(s, g.inner)).toBe((0x7fff + i) & 0xffff);
      // A later fillChecksums (the "caller computes" half of DPDK) makes them valid.
      const fixed = s.slice();
      fillChecksums(fixed);
      allVerify(fixed);
    }
    expect(segment(frame, { mss: gsoSize, profile: 'dpdk', ipId: 'fixed-inner' }).map((s) => ipId(s, g.inner))).toEqual(segs.map(() => 0x7fff));
    expectCode(() => segment(frame, { mss: g.header, profile: 'dpdk' }), 'INVALID_ARGUMENT');
    expect(segment(frame, { mss: g.header + 4000, profile: 'dpdk' }).length).toBe(1);
    for (const spec of [
      { ethernet: base.ethernet!, ipv6: { src: '2001:db8::1', dst: '2001:db8::2' }, nvgre: base.nvgre!, inner: base.inner! },
      { ...base, inner: { ...innerBase, ipv6: { src: 'fd00::1', dst: 'fd00::2' } } },
      { ipv6: { src: 'fd00::1', dst: 'fd00::2' }, tcp: { srcPort: 1, dstPort: 2 }, payload: new Uint8Array(100) },
    ]) {
      expectCode(() => segment(buildFrame(spec), { mss: 1200, profile: 'dpdk' }), 'UNSUPPORTED');
    }
    // Plain TCP/IPv4 is in DPDK's scope.
    expect(segment(buildFrame({ ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, tcp: { srcPort: 1, dstPort: 2 }, payload: new Uint8Array(3000) }), { mss: 1054, profile: 'dpdk' }).length).toBe(3);
  });
});

describe('coalesce: refusals name the first segment that does not fit', () => {
  const frame = buildFrame(base);
  const segs = () => segment(frame, { mss: 1000 });

  it('NOT_CONTIGUOUS: reordered, duplicated or missing segments', () => {
    const s = segs();
    const e1 = expectCode(() => coalesce([s[0]!, s[2]!, s[1]!, s[3]!]), 'NOT_CONTIGUOUS');
    expect(e1.message).toContain('segments[1]');
    const e2 = expectCode(() => coalesce([s[0]!, s[1]!, s[1]!]), 'NOT_CONTIGUOUS');
    expect(e2.message).toContain('segments[2]');
  });

  it('INVALID_ARGUMENT: another flow (port, VSID, address, MAC), FIN/PSH before the last, empty input', () => {
    const s = segs();
    const g = geometry(s[0]!);
    for (const at of [g.tcp + 1, g.outer.offset + 24 + 6, g.inner.offset + 15, 3, g.outer.offset + 8]) {
      const bad = s[2]!.slice();
      bad[at] = bad[at]! ^ 1;
      const e = expectCode(() => coalesce([s[0]!, s[1]!, bad, s[3]!]), 'INVALID_ARGUMENT');
      expect(e.message).toContain('segments[2]');
    }
    const fin = s[1]!.slice();
    fin[g.tcp + 13] = fin[g.tcp + 13]! | TcpFlag.FIN;
    expect(expectCode(() => coalesce([s[0]!, fin, s[2]!, s[3]!]), 'INVALID_ARGUMENT').message).toContain('segments[1]');
    expectCode(() => coalesce([]), 'INVALID_ARGUMENT');
    expectCode(() => coalesce('x' as unknown as Uint8Array[]), 'INVALID_ARGUMENT');
    // Different header layout
    const plain = buildFrame({ ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, tcp: { srcPort: 1, dstPort: 2, seq: 0xfffffff0 + 1000 } });
    expect(expectCode(() => coalesce([s[0]!, plain]), 'INVALID_ARGUMENT').message).toContain('segments[1]');
  });

  it('NOT_TCP, TCP_FLAGS, FRAGMENTED, BAD_CHECKSUM (verifyChecksums), BAD_LENGTH, TOO_LARGE', () => {
    const s = segs();
    expectCode(() => coalesce([buildFrame({ ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, udp: { srcPort: 1, dstPort: 2 } })]), 'NOT_TCP');
    expectCode(() => coalesce([buildFrame({ ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, tcp: { srcPort: 1, dstPort: 2, flags: TcpFlag.SYN } })]), 'TCP_FLAGS');
    expectCode(() => coalesce([buildFrame({ ipv4: { src: '10.0.0.1', dst: '10.0.0.2', moreFragments: true }, tcp: { srcPort: 1, dstPort: 2 } })]), 'FRAGMENTED');
    const corrupt = s[1]!.slice();
    corrupt[corrupt.length - 1] = corrupt[corrupt.length - 1]! ^ 0xff;
    expect(coalesce([s[0]!, corrupt, s[2]!, s[3]!]).length).toBe(frame.length);
    expect(expectCode(() => coalesce([s[0]!, corrupt, s[2]!, s[3]!], { verifyChecksums: true }), 'BAD_CHECKSUM').message).toContain('segments[1]');
    expectCode(() => coalesce(s, { maxSegments: 3 }), 'TOO_LARGE');
    const ack = { ...base.inner!.tcp!, flags: TcpFlag.ACK };
    const many = segment(buildFrame({ ...base, inner: { ...base.inner!, tcp: ack, payload: new Uint8Array(30000) } }), { mss: 1000 });
    const more = segment(buildFrame({ ...base, inner: { ...base.inner!, tcp: { ...ack, seq: (0xfffffff0 + 30000) >>> 0 }, payload: new Uint8Array(40000) } }), { mss: 1000 });
    expectCode(() => coalesce([...many, ...more]), 'BAD_LENGTH');
  });

  it('Ethernet padding after short segments is not payload', () => {
    const plain = buildFrame({ ipv4: { src: '10.0.0.1', dst: '10.0.0.2', id: 7 }, tcp: { srcPort: 1, dstPort: 2, flags: TcpFlag.ACK | TcpFlag.PSH }, payload: 'abcd' });
    const parts = segment(plain, { mss: 1 });
    const padded = parts.map((p) => {
      const q = new Uint8Array(60);
      q.set(p);
      return q;
    });
    expect(coalesce(padded)).toEqual(plain);
  });
});
