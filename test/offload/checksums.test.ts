/**
 * fillChecksums (Tx offload, docs/offload.md §8) and verifyChecksums (Rx reporting, §9): properties over
 * the whole frame matrix, single-bit corruption per layer, and every option.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { put16, u16 } from '../../src/wire/bytes.js';
import { fold } from '../../src/wire/checksum.js';
import { FrameLayout, walkFrame } from '../../src/wire/layout.js';
import { pseudoHeaderSum } from '../../src/wire/transport.js';
import { NvgreError } from '../../src/wire/errors.js';
import { buildFrame, type FrameSpec } from '../../src/frame/build.js';
import {
  EncapsulatedOffloadCapability as Cap,
  NblFlag,
  fillChecksums,
  ndisOffsetsOf,
  verifyChecksums,
  type ChecksumReport,
  type FillChecksumsOptions,
  type TransportProtocol,
  type VerifyChecksumsOptions,
} from '../../src/offload/index.js';
import { arbFrameSpec, checksumOffsets } from './arbitraries.js';
import { expectCode } from '../helpers/errors.js';

const RUNS = { numRuns: 150 };


function layoutOf(frame: Uint8Array): FrameLayout {
  return walkFrame(frame, new FrameLayout());
}

function transportName(spec: FrameSpec): TransportProtocol {
  const s = spec.nvgre ? spec.inner! : spec;
  if (s.tcp) return 'tcp';
  if (s.udp) return 'udp';
  return s.ipv4 ? 'icmpv4' : 'icmpv6';
}

/** The report a correct frame of this spec gets. */
function allOk(spec: FrameSpec): Pick<ChecksumReport, 'encapsulated' | 'outerIpv4' | 'innerIpv4' | 'transport'> {
  const inner = spec.nvgre ? spec.inner! : undefined;
  return {
    encapsulated: spec.nvgre !== undefined,
    outerIpv4: spec.ipv4 ? 'ok' : 'absent',
    innerIpv4: inner?.ipv4 ? 'ok' : 'absent',
    transport: { protocol: transportName(spec), status: 'ok' },
  };
}

const nvgreTcp4: FrameSpec = {
  ethernet: { vlans: [{ id: 7 }] },
  ipv4: { src: '192.0.2.1', dst: '192.0.2.2', id: 0x1111, options: Uint8Array.of(1, 1, 1, 0) },
  nvgre: { vsid: 0x123456, flowId: 3 },
  inner: {
    ipv4: { src: '10.0.0.1', dst: '10.0.0.2', id: 0x2222, options: Uint8Array.of(0x94, 4, 0, 0) },
    tcp: { srcPort: 1234, dstPort: 80, seq: 5, ack: 6, flags: 0x18, options: Uint8Array.of(1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2) },
    payload: 'hello, offload',
  },
};

const nvgreUdp6over6: FrameSpec = {
  ipv6: { src: '2001:db8::1', dst: '2001:db8::2', extensionHeaders: [{ type: 'destination-options' }] },
  nvgre: { vsid: 0x4000, flowId: 1 },
  inner: {
    ipv6: { src: 'fd00::1', dst: 'fd00::2', extensionHeaders: [{ type: 'hop-by-hop' }, { type: 'routing', routingType: 4, addresses: ['fd00::9', 'fd00::8'], segmentsLeft: 1 }] },
    udp: { srcPort: 5353, dstPort: 53 },
    payload: 'query',
  },
};

describe('fillChecksums ∘ verifyChecksums over the frame matrix', () => {
  it('any checksum field garbage: fill makes every layer verify, changing only checksum bytes', () => {
    fc.assert(
      fc.property(arbFrameSpec(), fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 6 }), (spec, garbage) => {
        const good = buildFrame(spec);
        const frame = good.slice();
        const fields = checksumOffsets(frame);
        fields.forEach((o, k) => (frame[o] = garbage[k % garbage.length]!));
        const before = frame.slice();
        const r = fillChecksums(frame, { maxHeaderSize: Infinity });
        expect(r).toMatchObject(allOk(spec));
        // Only checksum bytes changed (docs/offload.md §16 #6).
        for (let i = 0; i < frame.length; i++) if (frame[i] !== before[i]) expect(fields).toContain(i);
        const v = verifyChecksums(frame);
        expect(v).toMatchObject(allOk(spec));
        expect(v.flags).toEqual(r.flags);
        expect(v.nblFlags).toBe(r.nblFlags);
        expect(verifyChecksums(frame, { udpZeroChecksumPorts: [] })).toEqual(v);
        // Same bytes as buildFrame's own checksums (an independent path through the codec).
        expect(Array.from(frame)).toEqual(Array.from(good));
      }),
      RUNS,
    );
  });

  it('flipping one bit in a covered region makes exactly the covering layers bad', () => {
    fc.assert(
      fc.property(arbFrameSpec(), fc.nat(), fc.integer({ min: 0, max: 7 }), fc.constantFrom('outer', 'inner', 'transport', 'inner6'), (spec, pick, bit, region) => {
        const frame = buildFrame(spec);
        fillChecksums(frame, { maxHeaderSize: Infinity });
        const L = layoutOf(frame);
        const tip = L.transportIp;
        const proto = tip.protocol;
        const expected = { ...allOk(spec) } as { outerIpv4: string; innerIpv4: string; transport: { protocol: string; status: string } };
        expected.transport = { ...expected.transport };
        let at = -1;
        // Bytes whose flip changes how the frame parses are skipped: version/IHL, lengths, flags/fragment, protocol / next header.
        const ipv4Safe = [1, 4, 5, 8, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19];
        if (region === 'outer' && L.outerIp.version === 4) {
          const candidates = [...ipv4Safe, ...Array.from({ length: L.outerIp.headerLength - 20 }, (_, k) => 20 + k)];
          const rel = candidates[pick % candidates.length]!;
          at = L.outerIp.offset + rel;
          expected.outerIpv4 = 'bad';
          // A plain frame's only IPv4 header also feeds the TCP/UDP pseudo-header.
          if (!spec.nvgre && rel >= 12 && rel < 20 && proto !== 1) expected.transport.status = 'bad';
        } else if (region === 'inner' && L.encapsulated && L.innerIp.version === 4) {
          const candidates = [...ipv4Safe, ...Array.from({ length: L.innerIp.headerLength - 20 }, (_, k) => 20 + k)];
          const rel = candidates[pick % candidates.length]!;
          at = L.innerIp.offset + rel;
          if (spec.nvgre) expected.innerIpv4 = 'bad';
          else expected.outerIpv4 = 'bad';
          // The addresses are also in the TCP/UDP pseudo-header (ICMPv4 has none).
          if (rel >= 12 && rel < 20 && proto !== 1) expected.transport.status = 'bad';
        } else if (region === 'inner6' && tip.version === 6) {
          // Source and the final destination are in the pseudo-header; the Destination field only when no Routing header moves it.
          const rel = 8 + (pick % 32);
          at = tip.offset + rel;
          const inPseudo = rel < 24 || tip.dstOffset === tip.offset + 24;
          if (inPseudo) expected.transport.status = 'bad';
        } else if (region === 'transport') {
          const len = L.transportEnd - L.transportOffset;
          let rel = pick % len;
          if (proto === 17 && (rel === 4 || rel === 5)) rel = 0; // UDP Length changes what is covered
          at = L.transportOffset + rel;
          expected.transport.status = 'bad';
          if (proto === 17 && (rel === 6 || rel === 7) && tip.version === 4) {
            const field = u16(frame, L.transportOffset + 6) ^ (rel === 6 ? 0x8000 >> bit : 0x80 >> bit);
            if (field === 0) expected.transport.status = 'absent'; // UDP/IPv4 0 = no checksum
          }
        }
        if (at < 0) return;
        frame[at] = frame[at]! ^ (0x80 >> bit);
        const r = verifyChecksums(frame);
        expect(r).toMatchObject(expected);
        expect(verifyChecksums(frame, { udpZeroChecksumPorts: [] })).toEqual(r);
        expect(r.flags.ipChecksumFailed).toBe(expected.outerIpv4 === 'bad' || expected.innerIpv4 === 'bad');
        expect(r.flags.tcpChecksumFailed).toBe(expected.transport.protocol === 'tcp' && expected.transport.status === 'bad');
        expect(r.flags.udpChecksumFailed).toBe(expected.transport.protocol === 'udp' && expected.transport.status === 'bad');
      }),
      { numRuns: 300 },
    );
  });

  it('verifying never throws anything but NvgreError on corrupted frames, and both paths agree', () => {
    fc.assert(
      fc.property(arbFrameSpec({ maxPayload: 64 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), fc.nat(), (spec, edits, cut) => {
        const full = buildFrame(spec);
        for (const [at, v] of edits) full[at % full.length] = v;
        const frame = full.subarray(0, full.length - (cut % 8 === 0 ? cut % full.length : 0));
        let fast: ChecksumReport | undefined;
        try {
          fast = verifyChecksums(frame);
        } catch (e) {
          expect(e).toBeInstanceOf(NvgreError);
        }
        let slow: ChecksumReport | undefined;
        try {
          slow = verifyChecksums(frame, { udpZeroChecksumPorts: [] });
        } catch (e) {
          expect(e).toBeInstanceOf(NvgreError);
        }
        expect(slow).toEqual(fast);
      }),
      { numRuns: 300 },
    );
  });
});

describe('fillChecksums options (NDIS Transmit request bits, docs/offload.md §8)', () => {
  function zeroed(spec: FrameSpec): Uint8Array {
    const f = buildFrame(spec);
    for (const o of checksumOffsets(f)) f[o] = 0;
    return f;
  }

  it('ipHeader: false skips the outer header; the inner IPv4 header is still computed (library rule)', () => {
    const f = zeroed(nvgreTcp4);
    const L = layoutOf(f);
    const r = fillChecksums(f, { ipHeader: false });
    expect(r).toMatchObject({ outerIpv4: 'skipped', innerIpv4: 'ok', transport: { protocol: 'tcp', status: 'ok' } });
    expect(u16(f, L.outerIp.offset + 10)).toBe(0);
    expect(r.flags.ipChecksumSucceeded).toBe(false);
    expect(verifyChecksums(f)).toMatchObject({ outerIpv4: 'bad', innerIpv4: 'ok', transport: { status: 'ok' } });
  });

  it('no request at all changes nothing', () => {
    const f = zeroed(nvgreTcp4);
    const before = f.slice();
    const r = fillChecksums(f, { ipHeader: false, tcp: false, udp: false, icmp: false });
    expect(r).toMatchObject({ outerIpv4: 'skipped', innerIpv4: 'skipped', transport: { protocol: 'tcp', status: 'skipped' } });
    expect(f).toEqual(before);
  });

  it('tcp: false leaves the TCP field; udp: false the UDP field; icmp: false the ICMP field', () => {
    for (const [l4, key] of [
      [{ tcp: { srcPort: 1, dstPort: 2 } }, 'tcp'],
      [{ udp: { srcPort: 1, dstPort: 2 } }, 'udp'],
      [{ icmp: { type: 8 } }, 'icmp'],
    ] as const) {
      const f = zeroed({ ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, ...l4, payload: 'x' });
      const r = fillChecksums(f, { [key]: false } as FillChecksumsOptions);
      expect(r.outerIpv4).toBe('ok');
      expect(r.transport.status).toBe('skipped');
      for (const o of checksumOffsets(f).slice(2)) expect(f[o]).toBe(0);
    }
  });

  it('UDP over IPv4 with checksum 0: computed by default, kept as "no checksum" with udpZeroMeansNone', () => {
    const spec: FrameSpec = { ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, udp: { srcPort: 1, dstPort: 2, checksum: 0 }, payload: 'dns' };
    const a = buildFrame(spec);
    expect(fillChecksums(a).transport.status).toBe('ok');
    expect(u16(a, 14 + 20 + 6)).not.toBe(0);
    const b = buildFrame(spec);
    expect(fillChecksums(b, { udpZeroMeansNone: true }).transport).toEqual({ protocol: 'udp', status: 'absent' });
    expect(u16(b, 14 + 20 + 6)).toBe(0);
    expect(verifyChecksums(b).transport).toEqual({ protocol: 'udp', status: 'absent' });
    // IPv6 never has "no checksum": the option does not apply.
    const c = buildFrame({ ipv6: { src: 'fd00::1', dst: 'fd00::2' }, udp: { srcPort: 1, dstPort: 2, checksum: 0 }, payload: 'dns' });
    expect(fillChecksums(c, { udpZeroMeansNone: true }).transport.status).toBe('ok');
  });

  it('encapsulatedPacketTaskOffload: false treats NVGRE as a plain packet (outer header only)', () => {
    const f = zeroed(nvgreTcp4);
    const r = fillChecksums(f, { encapsulatedPacketTaskOffload: false });
    expect(r).toMatchObject({ encapsulated: false, outerIpv4: 'ok', innerIpv4: 'not-applicable', transport: { protocol: 47, status: 'not-applicable' } });
    const v = verifyChecksums(f, { encapsulatedPacketTaskOffload: false });
    expect(v).toMatchObject({ encapsulated: false, outerIpv4: 'ok', innerIpv4: 'not-applicable', transport: { protocol: 47, status: 'not-applicable' } });
    expect(v.flags.ipChecksumSucceeded).toBe(true);
    expect(v.nblFlags).toBe(NblFlag.IS_IPV4);
  });

  it('capabilities outside the frame → UNSUPPORTED before anything is written', () => {
    const f = zeroed(nvgreTcp4);
    const before = f.slice();
    expectCode(() => fillChecksums(f, { capabilities: Cap.OUTER_IPV4 }), 'UNSUPPORTED');
    expectCode(() => fillChecksums(f, { capabilities: Cap.INNER_IPV4 | Cap.OUTER_IPV6 }), 'UNSUPPORTED');
    expect(f).toEqual(before);
    expect(fillChecksums(f, { capabilities: Cap.INNER_IPV4 | Cap.OUTER_IPV4 }).transport.status).toBe('ok');
    // Rx never fails a frame: uncovered versions are validated like a plain packet.
    expect(verifyChecksums(f, { capabilities: Cap.OUTER_IPV6 | Cap.INNER_IPV6 })).toMatchObject({ encapsulated: false, innerIpv4: 'not-applicable' });
  });

  it('maxHeaderSize (MaxHeaderSizeSupported, default 256) → HEADER_TOO_LARGE before anything is written', () => {
    const f = zeroed(nvgreTcp4);
    const L = layoutOf(f);
    const headerEnd = L.transportOffset + 32;
    const before = f.slice();
    const e = expectCode(() => fillChecksums(f, { maxHeaderSize: headerEnd - 1 }), 'HEADER_TOO_LARGE');
    expect(e.needed).toBe(headerEnd);
    expect(f).toEqual(before);
    expect(fillChecksums(f, { maxHeaderSize: headerEnd }).transport.status).toBe('ok');
    // Long inner IPv6 extension chain beyond the 256-byte default.
    const big = zeroed({
      ipv6: { src: '2001:db8::1', dst: '2001:db8::2' },
      nvgre: { vsid: 0x5000 },
      inner: { ipv6: { src: 'fd00::1', dst: 'fd00::2', extensionHeaders: [{ type: 'destination-options', options: new Uint8Array(150) }] }, tcp: { srcPort: 1, dstPort: 2 } },
    });
    expectCode(() => fillChecksums(big), 'HEADER_TOO_LARGE');
    expect(fillChecksums(big, { maxHeaderSize: Infinity }).transport.status).toBe('ok');
    // Plain frames have no MaxHeaderSize (it is an encapsulated-offload capability).
    const plain = zeroed({ ipv6: { src: 'fd00::1', dst: 'fd00::2', extensionHeaders: [{ type: 'destination-options', options: new Uint8Array(250) }] }, tcp: { srcPort: 1, dstPort: 2 } });
    expect(fillChecksums(plain).transport.status).toBe('ok');
  });

  it('nblFlags from the inner (default) or outer headers', () => {
    const f = buildFrame(nvgreUdp6over6);
    expect(verifyChecksums(f).nblFlags).toBe(NblFlag.IS_IPV6 | NblFlag.IS_UDP);
    expect(verifyChecksums(f, { nblFlagsFrom: 'outer' }).nblFlags).toBe(NblFlag.IS_IPV6);
    const g = buildFrame(nvgreTcp4);
    expect(verifyChecksums(g).nblFlags).toBe(NblFlag.IS_IPV4 | NblFlag.IS_TCP);
    expect(verifyChecksums(g, { nblFlagsFrom: 'outer' }).nblFlags).toBe(NblFlag.IS_IPV4);
    expect(fillChecksums(g, { nblFlagsFrom: 'outer' }).nblFlags).toBe(NblFlag.IS_IPV4);
    const plain = buildFrame({ ipv6: { src: 'fd00::1', dst: 'fd00::2' }, tcp: { srcPort: 1, dstPort: 2 } });
    expect(verifyChecksums(plain).nblFlags).toBe(NblFlag.IS_IPV6 | NblFlag.IS_TCP);
    expect(verifyChecksums(plain, { nblFlagsFrom: 'outer' }).nblFlags).toBe(NblFlag.IS_IPV6 | NblFlag.IS_TCP);
  });

  it('rejects bad option values with INVALID_ARGUMENT and a bad frame with TypeError', () => {
    const f = buildFrame(nvgreTcp4);
    for (const o of [{ seed: 'both' }, { tcp: 1 }, { nblFlagsFrom: 'middle' }, { maxHeaderSize: -1 }, { capabilities: 16 }] as unknown as FillChecksumsOptions[]) {
      expectCode(() => fillChecksums(f, o), 'INVALID_ARGUMENT');
    }
    expectCode(() => fillChecksums(f, null as unknown as FillChecksumsOptions), 'INVALID_ARGUMENT');
    for (const o of [{ nblFlagsFrom: 'x' }, { udpZeroChecksumPorts: 'abc' }, { partialAsSeed: 1 }, { capabilities: -1 }, { lenient: 'no' }] as unknown as VerifyChecksumsOptions[]) {
      expectCode(() => verifyChecksums(f, o), 'INVALID_ARGUMENT');
    }
    expectCode(() => verifyChecksums(f, 7 as unknown as VerifyChecksumsOptions), 'INVALID_ARGUMENT');
    expect(() => fillChecksums([1, 2, 3] as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => verifyChecksums('frame' as unknown as Uint8Array)).toThrow(TypeError);
  });

  it('malformed headers throw typed errors; nothing is written', () => {
    const f = buildFrame(nvgreTcp4);
    const L = layoutOf(f);
    put16(f, L.innerIp.offset + 2, 5000); // inner Total Length past the frame
    const before = f.slice();
    expect(() => fillChecksums(f)).toThrow(NvgreError);
    expect(() => verifyChecksums(f)).toThrow(NvgreError);
    expect(f).toEqual(before);
  });
});

describe('ndisOffsets (EncapsulatedPacketOffsets, docs/offload.md §7)', () => {
  it('derived offsets are accepted; each wrong or out-of-width field is INVALID_ARGUMENT', () => {
    const f = buildFrame(nvgreTcp4);
    const good = ndisOffsetsOf(f);
    expect(good).toEqual({ innerFrameOffset: 18 + 24 + 8, transportIpHeaderRelativeOffset: 14, tcpHeaderRelativeOffset: 24, isInnerIPv6: false, tcpOptionsPresent: true });
    expect(fillChecksums(f, { ndisOffsets: good }).transport.status).toBe('ok');
    const bad = [
      { ...good, innerFrameOffset: good.innerFrameOffset + 1 },
      { ...good, innerFrameOffset: 256 },
      { ...good, transportIpHeaderRelativeOffset: 18 },
      { ...good, transportIpHeaderRelativeOffset: 64 },
      { ...good, tcpHeaderRelativeOffset: 20 },
      { ...good, tcpHeaderRelativeOffset: 1024 },
      { ...good, tcpHeaderRelativeOffset: -1 },
      { ...good, isInnerIPv6: true },
      { ...good, tcpOptionsPresent: false },
      { ...good, innerFrameOffset: 1.5 },
    ];
    for (const n of bad) {
      const g = f.slice();
      for (const o of checksumOffsets(g)) g[o] = 0;
      const before = g.slice();
      expectCode(() => fillChecksums(g, { ndisOffsets: n }), 'INVALID_ARGUMENT');
      expect(g).toEqual(before);
    }
    // Offsets for a frame that is not NVGRE.
    expectCode(() => fillChecksums(buildFrame({ ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, tcp: { srcPort: 1, dstPort: 2 } }), { ndisOffsets: good }), 'INVALID_ARGUMENT');
    expectCode(() => ndisOffsetsOf(buildFrame({ ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, tcp: { srcPort: 1, dstPort: 2 } })), 'INVALID_ARGUMENT');
  });

  it('an inner frame offset beyond 8 bits cannot be expressed (UNSUPPORTED)', () => {
    const f = buildFrame({
      ipv6: { src: '2001:db8::1', dst: '2001:db8::2', extensionHeaders: [{ type: 'destination-options', options: new Uint8Array(220) }] },
      nvgre: { vsid: 0x5000 },
      inner: { ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, udp: { srcPort: 1, dstPort: 2 } },
    });
    expectCode(() => ndisOffsetsOf(f), 'UNSUPPORTED');
  });
});

describe('verifyChecksums rules (docs/offload.md §9)', () => {
  it('IPv6 UDP checksum 0 fails unless the port is a configured zero-checksum port (RFC 6935)', () => {
    const f = buildFrame({ ...nvgreUdp6over6, inner: { ...nvgreUdp6over6.inner!, udp: { srcPort: 5353, dstPort: 53, checksum: 0 } } });
    const r = verifyChecksums(f);
    expect(r.transport).toEqual({ protocol: 'udp', status: 'bad' });
    expect(r.flags.udpChecksumFailed).toBe(true);
    for (const ports of [[53], new Set([53])]) {
      const z = verifyChecksums(f, { udpZeroChecksumPorts: ports });
      expect(z.transport).toEqual({ protocol: 'udp', status: 'absent' });
      expect(z.flags.udpChecksumFailed || z.flags.udpChecksumSucceeded).toBe(false);
    }
    expect(verifyChecksums(f, { udpZeroChecksumPorts: [5353] }).transport.status).toBe('bad');
  });

  it('IPv4 UDP checksum 0 is neither success nor failure', () => {
    const f = buildFrame({ ...nvgreTcp4, inner: { ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, udp: { srcPort: 1, dstPort: 2, checksum: 0 }, payload: 'x' } });
    const r = verifyChecksums(f);
    expect(r.transport).toEqual({ protocol: 'udp', status: 'absent' });
    expect(r.flags).toEqual({ ipChecksumSucceeded: true, ipChecksumFailed: false, tcpChecksumSucceeded: false, tcpChecksumFailed: false, udpChecksumSucceeded: false, udpChecksumFailed: false });
  });

  it('fragments are unverifiable (no L4 flag), IPv4 headers still checked', () => {
    const frames = [
      buildFrame({ ...nvgreTcp4, inner: { ipv4: { src: '10.0.0.1', dst: '10.0.0.2', moreFragments: true }, udp: { srcPort: 1, dstPort: 2 }, payload: 'abcdefgh' } }),
      buildFrame({ ...nvgreTcp4, inner: { ipv4: { src: '10.0.0.1', dst: '10.0.0.2', fragmentOffset: 8 }, udp: { srcPort: 1, dstPort: 2 }, payload: 'abcdefgh' } }),
      buildFrame({ ...nvgreUdp6over6, inner: { ipv6: { src: 'fd00::1', dst: 'fd00::2', extensionHeaders: [{ type: 'fragment', moreFragments: true }] }, tcp: { srcPort: 1, dstPort: 2 }, payload: 'abcdefgh' } }),
      buildFrame({ ipv4: { src: '10.0.0.1', dst: '10.0.0.2', moreFragments: true }, tcp: { srcPort: 1, dstPort: 2 }, payload: 'x' }),
    ];
    for (const f of frames) {
      const r = verifyChecksums(f);
      expect(r.transport.status).toBe('unverifiable');
      expect(r.flags.tcpChecksumFailed || r.flags.tcpChecksumSucceeded || r.flags.udpChecksumFailed || r.flags.udpChecksumSucceeded).toBe(false);
      expect([r.outerIpv4, r.innerIpv4]).not.toContain('bad');
      const g = f.slice();
      const fr = fillChecksums(g);
      expect(fr.transport.status).toBe('unverifiable');
    }
  });

  it('truncated or inconsistent transport headers are unverifiable, not thrown', () => {
    const udpTooLong = buildFrame({ ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, udp: { srcPort: 1, dstPort: 2, length: 400 }, payload: 'x' });
    expect(verifyChecksums(udpTooLong).transport).toEqual({ protocol: 'udp', status: 'unverifiable' });
    const shortTcp = buildFrame({ ipv4: { src: '10.0.0.1', dst: '10.0.0.2', protocol: 6 }, payload: 'abc' });
    expect(verifyChecksums(shortTcp).transport).toEqual({ protocol: 'tcp', status: 'unverifiable' });
    expect(fillChecksums(shortTcp.slice()).transport.status).toBe('unverifiable');
  });

  it('other protocols and non-IP inner frames', () => {
    const esp = buildFrame({ ...nvgreTcp4, inner: { ipv4: { src: '10.0.0.1', dst: '10.0.0.2', protocol: 50 }, payload: 'esp' } });
    expect(verifyChecksums(esp).transport).toEqual({ protocol: 50, status: 'not-applicable' });
    const noNext = buildFrame({ ipv6: { src: 'fd00::1', dst: 'fd00::2' } });
    expect(verifyChecksums(noNext).transport).toEqual({ protocol: 'none', status: 'absent' });
    const arp = buildFrame({ ...nvgreTcp4, inner: { ethernet: { etherType: 0x0806 }, payload: new Uint8Array(28) } });
    const r = verifyChecksums(arp);
    expect(r).toMatchObject({ encapsulated: true, outerIpv4: 'ok', innerIpv4: 'absent', transport: { protocol: 'none', status: 'absent' }, nblFlags: 0 });
    expect(r.flags.ipChecksumSucceeded).toBe(true);
    const nonIp = buildFrame({ ethernet: { etherType: 0x88b5 }, payload: 'raw' });
    expect(verifyChecksums(nonIp)).toMatchObject({ encapsulated: false, outerIpv4: 'absent', transport: { protocol: 'none', status: 'absent' }, nblFlags: 0 });
  });

  it('Ethernet padding after the IP datagram is neither covered nor written', () => {
    for (const spec of [
      { ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, udp: { srcPort: 1, dstPort: 2 }, payload: 'x', trailer: 17 },
      { ...nvgreTcp4, trailer: 6 },
    ] as FrameSpec[]) {
      const f = buildFrame(spec);
      f.fill(0x5a, f.length - (spec.trailer ?? 0));
      const before = f.slice();
      expect(verifyChecksums(f).transport.status).toBe('ok');
      fillChecksums(f);
      expect(f).toEqual(before);
    }
  });

  it('lenient: GRE with a Sequence Number word is treated as NVGRE only when asked', () => {
    const f = buildFrame({ ...nvgreTcp4, nvgre: { vsid: 0x123456, flowId: 3, sequence: 9 } });
    expect(verifyChecksums(f)).toMatchObject({ encapsulated: false, transport: { protocol: 47, status: 'not-applicable' } });
    expect(verifyChecksums(f, { lenient: true })).toMatchObject({ encapsulated: true, innerIpv4: 'ok', transport: { protocol: 'tcp', status: 'ok' } });
  });

  it('the report shares frozen transport/flags objects; the report itself is fresh', () => {
    const f = buildFrame(nvgreTcp4);
    const a = verifyChecksums(f);
    const b = verifyChecksums(f);
    expect(a).not.toBe(b);
    expect(a.flags).toBe(b.flags);
    expect(Object.isFrozen(a.flags)).toBe(true);
    expect(Object.isFrozen(a.transport)).toBe(true);
  });
});

describe('seed conventions (docs/offload.md §8)', () => {
  function withSeed(spec: FrameSpec, convention: 'with-length' | 'without-length'): Uint8Array {
    const f = buildFrame(spec);
    const L = layoutOf(f);
    const tip = L.transportIp;
    const len = L.transportProtocol === 17 ? u16(f, L.transportOffset + 4) : L.transportEnd - L.transportOffset;
    const seed = fold(pseudoHeaderSum(f, tip.version as 4 | 6, tip.offset, tip.dstOffset, L.transportProtocol, convention === 'with-length' ? len : 0));
    put16(f, L.transportOffset + (L.transportProtocol === 6 ? 16 : 6), seed);
    return f;
  }

  it('seeded mode reproduces the correct checksum from the right seed, a wrong one from the wrong seed', () => {
    fc.assert(
      fc.property(arbFrameSpec({ l4: ['tcp', 'udp'] }), fc.constantFrom('with-length', 'without-length'), (spec, convention) => {
        const right = withSeed(spec, convention);
        const r = fillChecksums(right, { seed: convention, validateSeed: true, maxHeaderSize: Infinity });
        expect(r.seed).toBe('ok');
        expect(verifyChecksums(right).transport.status).toBe('ok');
        const other = convention === 'with-length' ? 'without-length' : 'with-length';
        const wrong = withSeed(spec, other);
        const w = fillChecksums(wrong, { seed: convention, validateSeed: true, maxHeaderSize: Infinity });
        expect(w.seed).toBe('mismatch');
        // A NIC finishing the wrong seed sends a checksum off by the L4 length.
        expect(verifyChecksums(wrong).transport.status).toBe('bad');
        // recompute (default) is right whatever the field held.
        const fixed = withSeed(spec, other);
        expect(fillChecksums(fixed, { validateSeed: true, maxHeaderSize: Infinity }).seed).toBe(other === 'with-length' ? 'ok' : 'mismatch');
        expect(verifyChecksums(fixed).transport.status).toBe('ok');
        expect(fixed).toEqual(buildFrame(spec));
      }),
      RUNS,
    );
  });

  it('validateSeed is only reported for TCP/UDP', () => {
    const f = buildFrame({ ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, icmp: { type: 8 }, payload: 'ping' });
    expect(fillChecksums(f, { validateSeed: true }).seed).toBeUndefined();
    expect('seed' in fillChecksums(buildFrame(nvgreTcp4))).toBe(false);
  });

  it('partialAsSeed labels a seed-only TCP/UDP checksum partial instead of bad', () => {
    for (const convention of ['with-length', 'without-length'] as const) {
      for (const spec of [nvgreTcp4, nvgreUdp6over6]) {
        const f = withSeed(spec, convention);
        expect(verifyChecksums(f).transport.status).toBe('bad');
        const r = verifyChecksums(f, { partialAsSeed: true });
        expect(r.transport.status).toBe('partial');
        expect(r.flags.tcpChecksumFailed || r.flags.udpChecksumFailed || r.flags.tcpChecksumSucceeded || r.flags.udpChecksumSucceeded).toBe(false);
      }
    }
    const garbage = buildFrame({ ...nvgreTcp4, inner: { ...nvgreTcp4.inner!, tcp: { srcPort: 1, dstPort: 2, checksum: 0x1234 } } });
    expect(verifyChecksums(garbage, { partialAsSeed: true }).transport.status).toBe('bad');
  });
});
