/** createEncapsulator / encapsulate: header template, Into-twin contract, policies and guards. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ipv4ChecksumValid } from '../../src/wire/ipv4.js';
import { NvgreError } from '../../src/wire/errors.js';
import { foldFlowId, innerFlowHash } from '../../src/tunnel/flowhash.js';
import { buildFrame, type VlanSpec } from '../../src/frame/build.js';
import { parseFrame } from '../../src/frame/parse.js';
import { createEncapsulator, encapsulate } from '../../src/tunnel/encapsulate.js';
import { decapsulate } from '../../src/tunnel/decapsulate.js';
import { innerMtu, nvgreOverhead, type EncapsulateOptions } from '../../src/tunnel/template.js';
import { encapsulateOptions, innerFrame, runs } from '../helpers/arbitraries.js';
import { INNER } from './frames.js';

const V4OPTS = { vsid: 0x123456, srcMac: '02:00:00:00:01:01', dstMac: '02:00:00:00:01:02', srcIp: '192.0.2.1', dstIp: '192.0.2.2' } as const;
const V6OPTS = { ...V4OPTS, srcIp: '2001:db8::1', dstIp: '2001:db8::2' } as const;
const inner = buildFrame(INNER);

function errorOf(f: () => unknown): NvgreError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(NvgreError);
    return e as NvgreError;
  }
  throw new Error('expected an NvgreError');
}

function ipIdOf(frame: Uint8Array, l3 = 14): number {
  return (frame[l3 + 4]! << 8) | frame[l3 + 5]!;
}

describe('header length and overhead (docs/nvgre.md §5)', () => {
  const cases: [string, EncapsulateOptions, number][] = [
    ['IPv4', V4OPTS, 42],
    ['IPv4 + 802.1Q', { ...V4OPTS, vlan: { id: 5 } }, 46],
    ['IPv6', V6OPTS, 62],
    ['IPv6 + 802.1Q', { ...V6OPTS, vlan: { id: 5, pcp: 7, dei: true } }, 66],
  ];
  for (const [name, opts, hl] of cases) {
    it(`${name}: ${hl} bytes`, () => {
      const enc = createEncapsulator(opts);
      expect(enc.headerLength).toBe(hl);
      expect(enc.ipVersion).toBe(name.startsWith('IPv4') ? 4 : 6);
      expect(nvgreOverhead(enc.ipVersion, opts.vlan !== undefined)).toBe(hl);
      expect(enc.encapsulatedLength(inner)).toBe(hl + inner.length);
      expect(enc.encapsulate(inner).length).toBe(hl + inner.length);
    });
  }

  it('inner MTU for a 1500-byte underlay: 1458 over IPv4, 1438 over IPv6', () => {
    expect([innerMtu(1500, 4), innerMtu(1500, 6)]).toEqual([1458, 1438]);
  });
});

describe('encapsulateInto', () => {
  it('writes exactly at the offset, returns bytes written, equals encapsulate()', () => {
    const enc = createEncapsulator({ ...V4OPTS, flowId: 3 });
    const expected = createEncapsulator({ ...V4OPTS, flowId: 3 }).encapsulate(inner);
    for (const offset of [0, 1, 7, 64]) {
      const target = new Uint8Array(offset + expected.length + 5).fill(0xa5);
      // `expected` came from a fresh encapsulator: IP ID 0.
      const n = enc.encapsulateInto(target, offset, inner, { ipId: 0 });
      expect(n).toBe(expected.length);
      expect(target.subarray(0, offset).every((x) => x === 0xa5)).toBe(true);
      expect(target.subarray(offset + n).every((x) => x === 0xa5)).toBe(true);
      expect(Buffer.from(target.subarray(offset, offset + n)).equals(Buffer.from(expected))).toBe(true);
    }
  });

  it('works into a subarray view at an odd byteOffset', () => {
    const big = new Uint8Array(300).fill(0x11);
    const view = big.subarray(3, 3 + 200);
    const n = createEncapsulator({ ...V6OPTS, flowId: 'zero' }).encapsulateInto(view, 5, inner);
    expect(big.subarray(0, 8).every((x) => x === 0x11)).toBe(true);
    expect(big.subarray(8 + n).every((x) => x === 0x11)).toBe(true);
    const d = decapsulate(big.subarray(8, 8 + n));
    expect([d.vsid, d.flowId]).toEqual([0x123456, 0]);
  });

  it('NO_SPACE before writing anything: the target is unchanged and no IP ID is used up', () => {
    const enc = createEncapsulator({ ...V4OPTS, ipId: 100 });
    const need = enc.encapsulatedLength(inner);
    for (const [size, offset] of [
      [need - 1, 0],
      [need + 3, 4],
      [10, 11],
      [0, 0],
    ] as const) {
      const target = new Uint8Array(size).fill(0xa5);
      const e = errorOf(() => enc.encapsulateInto(target, offset, inner));
      expect({ code: e.code, layer: e.layer, offset: e.offset, needed: e.needed, available: e.available }).toEqual({
        code: 'NO_SPACE',
        layer: 'argument',
        offset,
        needed: need,
        available: Math.max(0, size - offset),
      });
      expect(target.every((x) => x === 0xa5)).toBe(true);
    }
    expect(ipIdOf(enc.encapsulate(inner))).toBe(100);
  });

  it('rejects a negative or fractional offset and non-Uint8Array arguments', () => {
    const enc = createEncapsulator(V4OPTS);
    const target = new Uint8Array(200);
    expect(() => enc.encapsulateInto(target, -1, inner)).toThrow();
    expect(() => enc.encapsulateInto(target, 1.5, inner)).toThrow();
    expect(() => enc.encapsulateInto([] as never, 0, inner)).toThrow(TypeError);
    expect(() => enc.encapsulate('abc' as never)).toThrow(TypeError);
  });
});

describe('MTU_EXCEEDED (RFC 7637 §4.4: never fragment)', () => {
  const sized = (n: number) => buildFrame({ ethernet: { etherType: 0x88b5 }, payload: new Uint8Array(n - 14) });

  it('IPv4: an inner frame of 1472 bytes fits a 1500-byte MTU, 1473 does not', () => {
    const enc = createEncapsulator({ ...V4OPTS, mtu: 1500 });
    expect(enc.encapsulate(sized(1472)).length).toBe(14 + 1500);
    const target = new Uint8Array(2000).fill(0xa5);
    const e = errorOf(() => enc.encapsulateInto(target, 0, sized(1473)));
    expect({ code: e.code, layer: e.layer, offset: e.offset, needed: e.needed, available: e.available }).toEqual({
      code: 'MTU_EXCEEDED',
      layer: 'outer-ipv4',
      offset: 14,
      needed: 1501,
      available: 1500,
    });
    expect(target.every((x) => x === 0xa5)).toBe(true);
  });

  it('IPv6 with an outer tag: 1452 fits, 1453 does not (the tag does not count against the IP MTU)', () => {
    const enc = createEncapsulator({ ...V6OPTS, vlan: { id: 9 }, mtu: 1500 });
    expect(enc.encapsulate(sized(1452)).length).toBe(18 + 1500);
    expect(errorOf(() => enc.encapsulate(sized(1453)))).toMatchObject({ code: 'MTU_EXCEEDED', layer: 'outer-ipv6', offset: 18 });
  });

  it('a stripped inner tag is not counted', () => {
    const enc = createEncapsulator({ ...V4OPTS, mtu: 1500 });
    const tagged = buildFrame({ ethernet: { etherType: 0x88b5, vlans: [{ id: 3 }] }, payload: new Uint8Array(1472 - 14) });
    expect(tagged.length).toBe(1476);
    expect(enc.encapsulate(tagged).length).toBe(14 + 1500);
  });

  it('without an MTU, the 16-bit IP length field is the limit', () => {
    expect(errorOf(() => createEncapsulator(V4OPTS).encapsulate(sized(65535 - 28 + 1))).code).toBe('MTU_EXCEEDED');
    expect(createEncapsulator(V4OPTS).encapsulate(sized(65535 - 28)).length).toBe(14 + 65535);
    expect(createEncapsulator(V6OPTS).encapsulate(sized(65535 - 8)).length).toBe(14 + 40 + 65535);
    expect(errorOf(() => createEncapsulator(V6OPTS).encapsulate(sized(65535 - 8 + 1))).code).toBe('MTU_EXCEEDED');
  });
});

describe('inner 802.1Q tags (RFC 7637 §3.3)', () => {
  const tagged = (vlans: VlanSpec[]) =>
    buildFrame({ ...INNER, ethernet: { ...INNER.ethernet, vlans } });

  it("'strip' (default) removes the tag and reports it; an untagged frame resets the report", () => {
    const enc = createEncapsulator(V4OPTS);
    expect(enc.lastStrippedVlan).toBeNull();
    const src = tagged([{ id: 100, pcp: 2, dei: true }]);
    const before = src.slice();
    const d = decapsulate(enc.encapsulate(src));
    expect(Buffer.from(d.inner).equals(Buffer.from(inner))).toBe(true);
    expect(enc.lastStrippedVlan).toEqual({ tpid: 0x8100, id: 100, pcp: 2, dei: true });
    expect(Buffer.from(src).equals(Buffer.from(before))).toBe(true);
    enc.encapsulate(inner);
    expect(enc.lastStrippedVlan).toBeNull();
  });

  it("'strip' removes both tags of a QinQ frame and reports the outer one", () => {
    const enc = createEncapsulator({ ...V6OPTS, innerVlan: 'strip' });
    const d = decapsulate(enc.encapsulate(tagged([{ id: 10, tpid: 0x88a8 }, { id: 20 }])));
    expect(Buffer.from(d.inner).equals(Buffer.from(inner))).toBe(true);
    expect(enc.lastStrippedVlan).toEqual({ tpid: 0x88a8, id: 10, pcp: 0, dei: false });
  });

  it("'reject' refuses with INNER_VLAN at the inner TPID and writes nothing", () => {
    const enc = createEncapsulator({ ...V4OPTS, innerVlan: 'reject' });
    const target = new Uint8Array(200).fill(0xa5);
    const e = errorOf(() => enc.encapsulateInto(target, 0, tagged([{ id: 100 }])));
    expect({ code: e.code, layer: e.layer, offset: e.offset }).toEqual({ code: 'INNER_VLAN', layer: 'inner-ethernet', offset: 12 });
    expect(target.every((x) => x === 0xa5)).toBe(true);
    expect(enc.encapsulate(inner).length).toBe(42 + inner.length);
  });

  it('an inner frame shorter than an Ethernet header (or its tag) is TRUNCATED', () => {
    const enc = createEncapsulator(V4OPTS);
    expect(errorOf(() => enc.encapsulate(new Uint8Array(13)))).toMatchObject({ code: 'TRUNCATED', layer: 'inner-ethernet', needed: 14, available: 13 });
    const cut = tagged([{ id: 1 }]).subarray(0, 16);
    expect(errorOf(() => enc.encapsulate(cut))).toMatchObject({ code: 'TRUNCATED', layer: 'inner-ethernet', needed: 18, available: 16 });
  });
});

describe('option guards', () => {
  it('reserved VSIDs need allowReservedVsid', () => {
    for (const vsid of [0, 0xfff, 0xffffff]) {
      const e = errorOf(() => createEncapsulator({ ...V4OPTS, vsid }));
      expect([e.code, e.layer]).toEqual(['RESERVED_VSID', 'argument']);
      const d = decapsulate(createEncapsulator({ ...V4OPTS, vsid, allowReservedVsid: true }).encapsulate(inner), { strict: false });
      expect([d.vsid, d.dropReasons]).toEqual([vsid, ['RESERVED_VSID']]);
    }
    for (const vsid of [0x1000, 0xfffffe]) expect(decapsulate(createEncapsulator({ ...V4OPTS, vsid }).encapsulate(inner)).vsid).toBe(vsid);
  });

  it('mixed outer IP versions → INVALID_ARGUMENT', () => {
    expect(errorOf(() => createEncapsulator({ ...V4OPTS, dstIp: '2001:db8::2' })).code).toBe('INVALID_ARGUMENT');
    expect(errorOf(() => encapsulate(inner, { ...V6OPTS, srcIp: Uint8Array.of(10, 0, 0, 1) })).code).toBe('INVALID_ARGUMENT');
  });

  const bad: [string, Partial<Record<keyof EncapsulateOptions, unknown>>][] = [
    ['vsid 2^24', { vsid: 0x1000000 }],
    ['vsid -1', { vsid: -1 }],
    ['vsid 1.5', { vsid: 4096.5 }],
    ['vsid "4096"', { vsid: '4096' }],
    ['flowId 256', { flowId: 256 }],
    ['flowId "random"', { flowId: 'random' }],
    ['dscp 64', { dscp: 64 }],
    ['ecn 4', { ecn: 4 }],
    ['ttl 256', { ttl: 256 }],
    ['ipId 65536', { ipId: 65536 }],
    ['flowLabel 2^20', { flowLabel: 0x100000 }],
    ['vlan.id 4096', { vlan: { id: 4096 } }],
    ['vlan.pcp 8', { vlan: { id: 1, pcp: 8 } }],
    ['mtu 67', { mtu: 67 }],
    ['innerVlan "keep"', { innerVlan: 'keep' }],
    ['srcMac bad', { srcMac: '02:00:00:00:00' }],
    ['dstIp bad', { dstIp: '192.0.2.256' }],
  ];
  for (const [name, over] of bad) {
    it(`${name} → INVALID_ARGUMENT`, () => {
      expect(errorOf(() => createEncapsulator({ ...V4OPTS, ...over } as EncapsulateOptions)).code).toBe('INVALID_ARGUMENT');
    });
  }

  it('per-packet values are checked', () => {
    const enc = createEncapsulator(V4OPTS);
    expect(errorOf(() => enc.encapsulate(inner, { flowId: 256 })).code).toBe('INVALID_ARGUMENT');
    expect(errorOf(() => enc.encapsulate(inner, { ipId: -1 })).code).toBe('INVALID_ARGUMENT');
  });
});

describe('outer IPv4 Identification', () => {
  it('a per-encapsulator counter from ipId that wraps at 0xFFFF', () => {
    const enc = createEncapsulator({ ...V4OPTS, ipId: 0xfffe });
    expect([0, 1, 2, 3].map(() => ipIdOf(enc.encapsulate(inner)))).toEqual([0xfffe, 0xffff, 0, 1]);
    const other = createEncapsulator(V4OPTS);
    expect([ipIdOf(other.encapsulate(inner)), ipIdOf(other.encapsulate(inner))]).toEqual([0, 1]);
  });

  it('a per-packet ipId overrides without advancing the counter', () => {
    const enc = createEncapsulator({ ...V4OPTS, ipId: 5 });
    expect([ipIdOf(enc.encapsulate(inner)), ipIdOf(enc.encapsulate(inner, { ipId: 999 })), ipIdOf(enc.encapsulate(inner))]).toEqual([5, 999, 6]);
  });

  it('one-shot encapsulate without ipId draws consecutive IDs from a shared counter; with ipId uses it', () => {
    const a = ipIdOf(encapsulate(inner, V4OPTS));
    const b = ipIdOf(encapsulate(inner, V4OPTS));
    expect(b).toBe((a + 1) & 0xffff);
    expect(ipIdOf(encapsulate(inner, { ...V4OPTS, ipId: 0x1234 }))).toBe(0x1234);
  });

  it('the outer header checksum is valid for every ID, DSCP/ECN policy and inner TOS', () => {
    fc.assert(
      fc.property(encapsulateOptions({ outer: [4] }), innerFrame({ vlans: 1 }), fc.option(fc.integer({ min: 0, max: 0xffff }), { nil: undefined }), (opts, { bytes }, ipId) => {
        const enc = createEncapsulator(opts);
        for (let i = 0; i < 3; i++) {
          const f = enc.encapsulate(bytes, ipId === undefined ? undefined : { ipId: (ipId + i) & 0xffff });
          const l3 = opts.vlan ? 18 : 14;
          expect(ipv4ChecksumValid(f, l3, 20)).toBe(true);
          expect(parseFrame(f).ip).toMatchObject({ checksumValid: true, totalLength: f.length - l3 });
        }
      }),
      { numRuns: runs(300) },
    );
  });
});

describe('per-packet FlowID', () => {
  it('overrides the policy for one packet only', () => {
    const enc = createEncapsulator({ ...V4OPTS, flowId: 7 });
    expect([decapsulate(enc.encapsulate(inner)).flowId, decapsulate(enc.encapsulate(inner, { flowId: 0xff })).flowId, decapsulate(enc.encapsulate(inner)).flowId]).toEqual([
      7, 0xff, 7,
    ]);
  });
});

describe("DSCP / ECN 'inherit' (RFC 2983 uniform model, RFC 6040 normal mode)", () => {
  const ipv4Inner = (dscp: number, ecn: number, tagged = false) =>
    buildFrame({ ...INNER, ethernet: { ...INNER.ethernet, ...(tagged ? { vlans: [{ id: 4 }] } : {}) }, ipv4: { ...INNER.ipv4!, dscp, ecn } });
  const ipv6Inner = (dscp: number, ecn: number) =>
    buildFrame({ ethernet: {}, ipv6: { src: '2001:db8::a', dst: '2001:db8::b', dscp, ecn, flowLabel: 0xabcde }, udp: { srcPort: 1, dstPort: 2 } });

  for (const [name, base] of [
    ['IPv4 outer', V4OPTS],
    ['IPv6 outer', V6OPTS],
  ] as const) {
    it(`${name}: copies DSCP and ECN from an inner IPv4 TOS and an inner IPv6 Traffic Class`, () => {
      const enc = createEncapsulator({ ...base, dscp: 'inherit', ecn: 'inherit', flowLabel: 0x54321 });
      for (const [dscp, ecn] of [
        [46, 1],
        [63, 3],
        [0, 2],
        [10, 0],
      ] as const) {
        for (const src of [ipv4Inner(dscp, ecn), ipv6Inner(dscp, ecn), ipv4Inner(dscp, ecn, true)]) {
          const o = decapsulate(enc.encapsulate(src)).outer;
          expect([o.dscp, o.ecn]).toEqual([dscp, ecn]);
          if (o.ipVersion === 6) expect(o.flowLabel).toBe(0x54321);
        }
      }
    });

    it(`${name}: inherits one field and sets the other`, () => {
      const d1 = decapsulate(createEncapsulator({ ...base, dscp: 'inherit', ecn: 2 }).encapsulate(ipv4Inner(46, 1))).outer;
      expect([d1.dscp, d1.ecn]).toEqual([46, 2]);
      const d2 = decapsulate(createEncapsulator({ ...base, dscp: 12, ecn: 'inherit' }).encapsulate(ipv6Inner(46, 3))).outer;
      expect([d2.dscp, d2.ecn]).toEqual([12, 3]);
    });

    it(`${name}: non-IP inner frames count as 0 (Not-ECT)`, () => {
      const o = decapsulate(createEncapsulator({ ...base, dscp: 'inherit', ecn: 'inherit' }).encapsulate(buildFrame({ ethernet: { etherType: 0x0806 }, payload: new Uint8Array(28).fill(0xff) }))).outer;
      expect([o.dscp, o.ecn]).toEqual([0, 0]);
    });
  }

  it('inherit does not leak into the next packet of the same encapsulator', () => {
    const enc = createEncapsulator({ ...V4OPTS, dscp: 'inherit', ecn: 'inherit' });
    decapsulate(enc.encapsulate(ipv4Inner(63, 3)));
    const o = decapsulate(enc.encapsulate(ipv4Inner(1, 0))).outer;
    expect([o.dscp, o.ecn]).toEqual([1, 0]);
  });

  it('defaults: pipe model, DSCP 0 and ECN 0 whatever the inner carries', () => {
    const o = decapsulate(createEncapsulator(V4OPTS).encapsulate(ipv4Inner(46, 3))).outer;
    expect([o.dscp, o.ecn, o.ttl, o.dontFragment]).toEqual([0, 0, 64, true]);
  });
});

describe("FlowID 'hash' (docs/nvgre.md §6)", () => {
  const enc = createEncapsulator(V4OPTS);
  const flowOf = (f: Uint8Array) => decapsulate(enc.encapsulate(f)).flowId;
  const tcp = (srcPort: number, payload: string, dst = '10.0.0.2') =>
    buildFrame({ ethernet: {}, ipv4: { src: '10.0.0.1', dst, id: payload.length }, tcp: { srcPort, dstPort: 80, seq: payload.length }, payload });

  it('is deterministic per flow: same 5-tuple, different payload/ID/seq → same FlowID, equal to the documented hash', () => {
    const a = flowOf(tcp(1234, 'a'));
    expect(flowOf(tcp(1234, 'a much longer payload'))).toBe(a);
    expect(createEncapsulator({ ...V6OPTS, vsid: 0x999999 }).encapsulate(tcp(1234, 'x'))[62 - 1]).toBe(a);
    expect(a).toBe(foldFlowId(innerFlowHash(tcp(1234, 'zz'), 0, tcp(1234, 'zz').length)));
  });

  it('spreads different flows over many FlowIDs', () => {
    const seen = new Set<number>();
    for (let port = 1000; port < 1256; port++) seen.add(flowOf(tcp(port, 'x')));
    expect(seen.size).toBeGreaterThan(100);
  });

  it('is the same for every fragment of an inner IPv4 datagram (no ports in fragments)', () => {
    const frag = (fragmentOffset: number, moreFragments: boolean, tcpHeader: boolean) =>
      buildFrame({
        ethernet: {},
        // Later fragments carry no TCP header but still say protocol 6.
        ipv4: { src: '10.0.0.1', dst: '10.0.0.2', id: 77, fragmentOffset, moreFragments, protocol: 6 },
        ...(tcpHeader ? { tcp: { srcPort: 40000, dstPort: 443 } } : {}),
        payload: new Uint8Array(64).fill(fragmentOffset & 0xff),
      });
    const first = flowOf(frag(0, true, true));
    expect([flowOf(frag(1480, true, false)), flowOf(frag(2960, false, false))]).toEqual([first, first]);
  });

  it('is the same for every fragment of an inner IPv6 datagram', () => {
    const frag = (fragmentOffset: number, moreFragments: boolean, udp: boolean) =>
      buildFrame({
        ethernet: {},
        ipv6: { src: '2001:db8::a', dst: '2001:db8::b', protocol: 17, extensionHeaders: [{ type: 'fragment', fragmentOffset, moreFragments, identification: 5 }] },
        ...(udp ? { udp: { srcPort: 5353, dstPort: 53 } } : {}),
        payload: new Uint8Array(40).fill(7 + fragmentOffset),
      });
    const first = flowOf(frag(0, true, true));
    expect([flowOf(frag(1232, true, false)), flowOf(frag(2464, false, false))]).toEqual([first, first]);
  });

  it("'zero' writes FlowID 0 and a number is used as is", () => {
    expect(decapsulate(createEncapsulator({ ...V4OPTS, flowId: 'zero' }).encapsulate(tcp(1, 'x'))).flowId).toBe(0);
    expect(decapsulate(createEncapsulator({ ...V4OPTS, flowId: 0xff }).encapsulate(tcp(1, 'x'))).flowId).toBe(0xff);
  });
});

describe('never mutates its inputs', () => {
  it('inner bytes and options object are untouched across the matrix', () => {
    fc.assert(
      fc.property(encapsulateOptions({ reservedVsid: true }), innerFrame({ vlans: 2 }), (opts, { bytes }) => {
        const innerCopy = bytes.slice();
        const optsCopy = JSON.stringify(opts, (_k, v: unknown) => (v instanceof Uint8Array ? Array.from(v) : v));
        const enc = createEncapsulator(opts);
        enc.encapsulate(bytes);
        enc.encapsulateInto(new Uint8Array(enc.encapsulatedLength(bytes) + 1), 1, bytes, { flowId: 1 });
        encapsulate(bytes, opts);
        expect(Buffer.from(bytes).equals(Buffer.from(innerCopy))).toBe(true);
        expect(JSON.stringify(opts, (_k, v: unknown) => (v instanceof Uint8Array ? Array.from(v) : v))).toBe(optsCopy);
      }),
      { numRuns: runs(200) },
    );
  });
});

describe('createDecapsulator (reused result object)', () => {
  it('decodes like decapsulate, reusing one result; decapsulateOrNull reports drops without throwing', async () => {
    const { buildFrame, createDecapsulator, decapsulate } = await import('../../src/index.js');
    const make = (vsid: number, flowId: number) =>
      buildFrame({ ethernet: {}, ipv6: { src: '2001:db8::1', dst: '2001:db8::2' }, nvgre: { vsid, flowId }, inner: { ethernet: {}, ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, udp: { srcPort: 1, dstPort: 2 } } });
    const a = make(0x1234, 1);
    const b = make(0x5678, 2);
    const d = createDecapsulator();
    const ra = d.decapsulate(a);
    expect([ra.vsid, ra.flowId, ra.innerOffset, ra.innerLength]).toEqual([0x1234, 1, 62, a.length - 62]);
    expect(Array.from(ra.inner)).toEqual(Array.from(decapsulate(a).inner));
    expect(ra.outer.src).toBe('2001:db8::1');
    const rb = d.decapsulate(b);
    expect(rb).toBe(ra); // the same object, now describing b
    expect([rb.vsid, rb.flowId]).toEqual([0x5678, 2]);
    expect(Array.from(rb.inner)).toEqual(Array.from(b.subarray(62)));
    expect(d.decapsulateOrNull(make(0x10, 3))).toBeNull();
    expect(d.lastError?.code).toBe('RESERVED_VSID');
    expect(() => d.decapsulate(make(0x10, 3))).toThrow(expect.objectContaining({ code: 'RESERVED_VSID' }));
    expect(d.decapsulateOrNull(a)?.vsid).toBe(0x1234);
    expect(d.lastError).toBeNull();
    const lenient = createDecapsulator({ strict: false });
    expect(lenient.decapsulate(make(0x10, 3)).dropReasons).toEqual(['RESERVED_VSID']);
  });
});

describe("flowLabel: 'hash' (RFC 6438)", () => {
  it('labels each inner flow with a stable, nonzero 20-bit value and leaves the traffic class alone', async () => {
    const { buildFrame, createEncapsulator, decapsulate } = await import('../../src/index.js');
    const inner = (port: number) => buildFrame({ ethernet: {}, ipv4: { src: '10.0.0.1', dst: '10.0.0.2', dscp: 46, ecn: 1 }, udp: { srcPort: port, dstPort: 53 } });
    const enc = createEncapsulator({ vsid: 0x5000, srcMac: '02:00:00:00:00:01', dstMac: '02:00:00:00:00:02', srcIp: '2001:db8::1', dstIp: '2001:db8::2', flowLabel: 'hash', dscp: 'inherit', ecn: 'inherit' });
    const a1 = decapsulate(enc.encapsulate(inner(1000))).outer;
    const a2 = decapsulate(enc.encapsulate(inner(1000))).outer;
    const b = decapsulate(enc.encapsulate(inner(2000))).outer;
    expect(a1.flowLabel).toBe(a2.flowLabel);
    expect(a1.flowLabel).not.toBe(b.flowLabel);
    expect(a1.flowLabel).toBeGreaterThan(0);
    expect(a1.flowLabel).toBeLessThanOrEqual(0xfffff);
    expect([a1.dscp, a1.ecn]).toEqual([46, 1]);
    const fixed = createEncapsulator({ vsid: 0x5000, srcMac: '02:00:00:00:00:01', dstMac: '02:00:00:00:00:02', srcIp: '2001:db8::1', dstIp: '2001:db8::2', flowLabel: 0x12345 });
    expect(decapsulate(fixed.encapsulate(inner(1000))).outer.flowLabel).toBe(0x12345);
  });
});
