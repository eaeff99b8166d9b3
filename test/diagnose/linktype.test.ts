/**
 * Link types (src/capture/linktype.ts): where the outer IP header starts in records of every common
 * link type, the normaliser that hands them to the rest of the library as Ethernet frames, and
 * lintRecord: the same frames written as Ethernet, SLL, SLL2, raw IP and loopback give the same
 * findings, at offsets into each record.
 */
import { describe, expect, it } from 'vitest';
import { buildFrame, type FrameSpec } from '../../src/frame/build.js';
import { parseFrame } from '../../src/frame/parse.js';
import { tryDecapsulate } from '../../src/tunnel/decapsulate.js';
import { lint } from '../../src/diagnose/lint.js';
import { lintRecord } from '../../src/diagnose/lint-record.js';
import { LinkType, createLinkNormalizer, linkTypeName, locateOuterIp } from '../../src/capture/linktype.js';
import { readCapture } from '../../src/capture/stream.js';
import { writePcap } from '../../src/capture/pcap.js';
import { writePcapng } from '../../src/capture/pcapng-writer.js';
import { LINK_TYPES, asLinkType, offsetShift, type LinkTypeName } from './link-records.js';

const INNER: FrameSpec = { ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, udp: { srcPort: 5353, dstPort: 53 }, payload: 'query' };
const NV4 = buildFrame({ ipv4: { src: '192.0.2.1', dst: '192.0.2.2' }, nvgre: { vsid: 0x5001, flowId: 7 }, inner: INNER });
const NV6 = buildFrame({ ipv6: { src: '2001:db8::1', dst: '2001:db8::2' }, nvgre: { vsid: 0x5002, flowId: 0 }, inner: { ...INNER, ethernet: { vlans: [{ id: 7 }] } } });
const TAGGED = buildFrame({ ethernet: { vlans: [{ id: 1213 }] }, ipv4: { src: '192.0.2.1', dst: '192.0.2.2', dontFragment: false }, nvgre: { vsid: 5, flowId: 1 }, inner: INNER });
const PLAIN = buildFrame({ ipv4: { src: '10.0.0.1', dst: '10.0.0.2', checksum: 0x1234 }, tcp: { srcPort: 1, dstPort: 2 } });
const ARP = buildFrame({ ethernet: { etherType: 0x0806 }, payload: new Uint8Array(28) });
const FRAMES = { NV4, NV6, TAGGED, PLAIN };
const IP_LINK_TYPES: readonly LinkTypeName[] = ['ETHERNET', 'LINUX_SLL', 'LINUX_SLL2', 'RAW', 'NULL', 'LOOP'];

describe('locateOuterIp', () => {
  it('finds the outer IP header and its version in every link type', () => {
    for (const [name, frame] of Object.entries(FRAMES)) {
      const v6 = name === 'NV6';
      for (const t of [...IP_LINK_TYPES, v6 ? 'IPV6' : 'IPV4'] as LinkTypeName[]) {
        const data = asLinkType(frame, t);
        const at = locateOuterIp(LINK_TYPES[t], data);
        const l3 = name === 'TAGGED' ? 18 : 14;
        expect(at, `${name} as ${t}`).toMatchObject({ version: v6 ? 6 : 4, offset: l3 + offsetShift(frame, t), hasMac: t === 'ETHERNET', problem: null });
      }
    }
  });

  it('says why a record has no outer IP header: unsupported, truncated, not IP', () => {
    expect(locateOuterIp(127, NV4).problem?.code).toBe('UNSUPPORTED_LINK_TYPE');
    expect(locateOuterIp(127, NV4).problem?.message).toContain('link type 127');
    expect(locateOuterIp(LinkType.LINUX_SLL, NV4.subarray(0, 15)).problem?.code).toBe('TRUNCATED');
    expect(locateOuterIp(LinkType.LINUX_SLL2, new Uint8Array(0)).problem?.code).toBe('TRUNCATED');
    expect(locateOuterIp(LinkType.RAW, new Uint8Array(0)).problem?.code).toBe('TRUNCATED');
    expect(locateOuterIp(LinkType.ETHERNET, ARP).problem).toMatchObject({ code: 'NOT_IP' });
    expect(locateOuterIp(LinkType.LINUX_SLL, asLinkType(ARP, 'LINUX_SLL')).problem?.message).toContain('EtherType 0x0806');
    expect(locateOuterIp(LinkType.IPV6, asLinkType(NV4, 'RAW')).problem?.code).toBe('NOT_IP');
    expect(locateOuterIp(LinkType.RAW, new Uint8Array([0x50, 0])).problem?.message).toContain('IP version 5');
    expect(locateOuterIp(LinkType.NULL, new Uint8Array([7, 0, 0, 0, 0x45])).problem?.message).toContain('address family 7');
  });

  it('reads a NULL header in either byte order, and every BSD value of AF_INET6', () => {
    const ip6 = asLinkType(NV6, 'RAW');
    for (const af of [10, 23, 24, 28, 30]) {
      const le = new Uint8Array([af, 0, 0, 0, ...ip6]);
      const be = new Uint8Array([0, 0, 0, af, ...ip6]);
      expect(locateOuterIp(LinkType.NULL, le)).toMatchObject({ version: 6, offset: 4 });
      expect(locateOuterIp(LinkType.NULL, be)).toMatchObject({ version: 6, offset: 4 });
      expect(locateOuterIp(LinkType.LOOP, be)).toMatchObject({ version: 6, offset: 4 });
    }
  });

  it('names link types for messages', () => {
    expect(linkTypeName(113)).toBe('Linux cooked (SLL, 113)');
    expect(linkTypeName(276)).toBe('Linux cooked v2 (SLL2, 276)');
    expect(linkTypeName(147)).toBe('link type 147');
  });
});

describe('LinkNormalizer', () => {
  it('gives every link type the same Ethernet frame, apart from the synthetic MACs', () => {
    const n = createLinkNormalizer();
    for (const frame of Object.values(FRAMES)) {
      for (const t of IP_LINK_TYPES) {
        const data = asLinkType(frame, t);
        const out = n.toEthernet(LINK_TYPES[t], data)!;
        expect(out, t).not.toBeNull();
        const expected = frame.slice();
        if (t !== 'ETHERNET') expected.fill(0, 0, 12);
        // Raw and loopback records carry no tags: their frame has none either.
        const comparable = t === 'ETHERNET' || t === 'LINUX_SLL' || t === 'LINUX_SLL2' ? expected : new Uint8Array([...expected.subarray(0, 12), ...expected.subarray(frame === TAGGED ? 16 : 12)]);
        expect(Array.from(out), t).toEqual(Array.from(comparable));
        expect(n.synthetic).toBe(t !== 'ETHERNET');
        // delta: an offset in the frame plus delta is the same byte in the record.
        const ipInFrame = out.length - (frame.length - (frame === TAGGED ? 18 : 14));
        expect(data[ipInFrame + n.delta]).toBe(out[ipInFrame]);
        expect(Array.from(n.toRecord(out)), `${t} round trip`).toEqual(Array.from(data));
      }
    }
  });

  it('returns an Ethernet record itself (zero copy), and null with the reason when there is no frame to give', () => {
    const n = createLinkNormalizer();
    expect(n.toEthernet(1, NV4)).toBe(NV4);
    expect(n.toEthernet(127, NV4)).toBeNull();
    expect(n.problem?.code).toBe('UNSUPPORTED_LINK_TYPE');
    expect(n.toEthernet(LinkType.RAW, new Uint8Array([0x10]))).toBeNull();
    expect(n.problem?.code).toBe('NOT_IP');
    // ARP behind SLL has an EtherType: it is a frame ("not NVGRE"), as from an Ethernet capture.
    expect(n.toEthernet(LinkType.LINUX_SLL, asLinkType(ARP, 'LINUX_SLL'))?.length).toBe(ARP.length);
  });

  it('decapsulate and parseFrame read the normalised frames as they read the Ethernet one', () => {
    const n = createLinkNormalizer();
    for (const frame of [NV4, NV6]) {
      const want = tryDecapsulate(frame, { strict: false });
      const parsed = parseFrame(frame, { partial: true });
      for (const t of IP_LINK_TYPES) {
        const out = n.toEthernet(LINK_TYPES[t], asLinkType(frame, t))!;
        const got = tryDecapsulate(out, { strict: false });
        expect(got.ok).toBe(want.ok);
        if (got.ok && want.ok) {
          expect([got.value.vsid, got.value.flowId, got.value.dropReasons, got.value.outer.src, got.value.outer.dst]).toEqual([
            want.value.vsid,
            want.value.flowId,
            want.value.dropReasons,
            want.value.outer.src,
            want.value.outer.dst,
          ]);
        }
        expect(parseFrame(out, { partial: true }).nvgre, t).toEqual(parsed.nvgre);
      }
    }
  });
});

describe('lintRecord', () => {
  it('gives the findings of the Ethernet frame, at offsets into each record', () => {
    for (const frame of [NV4, NV6, TAGGED, PLAIN]) {
      const want = lint(frame, { nvgreOnly: true });
      for (const t of IP_LINK_TYPES) {
        const got = lintRecord({ linkType: LINK_TYPES[t], data: asLinkType(frame, t) }, { nvgreOnly: true });
        const shift = offsetShift(frame, t);
        expect(got.map((f) => [f.code, f.severity, f.offset - shift]), t).toEqual(want.map((f) => [f.code, f.severity, f.offset]));
      }
    }
  });

  it('never calls an unreadable record clean', () => {
    const f = lintRecord({ linkType: 127, data: NV4 });
    expect(f).toMatchObject([{ code: 'UNSUPPORTED_LINK_TYPE', severity: 'error', layer: 'link' }]);
    expect(lintRecord({ linkType: LinkType.LINUX_SLL, data: NV4.subarray(0, 10) })).toMatchObject([{ code: 'TRUNCATED', severity: 'error', layer: 'link' }]);
    expect(lintRecord({ linkType: LinkType.RAW, data: new Uint8Array([0x10, 0]) })).toMatchObject([{ code: 'NOT_NVGRE', severity: 'info', layer: 'link' }]);
    expect(lintRecord({ linkType: LinkType.LINUX_SLL, data: asLinkType(ARP, 'LINUX_SLL') })).toMatchObject([{ code: 'NOT_NVGRE', severity: 'info', layer: 'link' }]);
  });

  it('reads captures written with each link type (pcap and pcapng)', () => {
    for (const t of ['LINUX_SLL', 'LINUX_SLL2', 'RAW'] as const) {
      const frames = [NV4, TAGGED].map((f) => asLinkType(f, t));
      for (const bytes of [writePcap(frames, { linkType: LINK_TYPES[t] }), writePcapng(frames, { interfaces: [{ linkType: LINK_TYPES[t] }] })]) {
        const c = readCapture(bytes);
        const codes = c.records.map((r) => lintRecord(r, { nvgreOnly: true }).map((f) => f.code));
        expect(codes, t).toEqual([NV4, TAGGED].map((f) => lint(f, { nvgreOnly: true }).map((x) => x.code)));
      }
    }
  });
});
