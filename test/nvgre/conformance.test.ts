/**
 * docs/nvgre.md §9: conformance cases drawn from bugs in other GRE implementations, plus the parseFrame
 * nesting limit (§4 row 14, CVE-2016-8666).
 */
import { describe, expect, it } from 'vitest';
import { readGre } from '../../src/wire/gre.js';
import { NvgreError } from '../../src/wire/errors.js';
import { buildFrame, type FrameSpec } from '../../src/frame/build.js';
import { parseFrame } from '../../src/frame/parse.js';
import { createEncapsulator, encapsulate } from '../../src/tunnel/encapsulate.js';
import { decapsulate, tryDecapsulate } from '../../src/tunnel/decapsulate.js';
import { INNER, OUTERS, V4, V6, nvgreFrame, nvgreSpec } from './frames.js';

const innerBytes = buildFrame(INNER);
const ENC = { srcMac: '02:00:00:00:01:01', dstMac: '02:00:00:00:01:02', srcIp: '192.0.2.1', dstIp: '192.0.2.2' } as const;

describe('flag-dependent offsets: every C/K/S combination (gopacket#50)', () => {
  for (let combo = 0; combo < 8; combo++) {
    const c = (combo & 4) !== 0;
    const k = (combo & 2) !== 0;
    const s = (combo & 1) !== 0;
    it(`C=${+c} K=${+k} S=${+s}: readGre, lenient decapsulate and parseFrame agree on Key, Sequence and the inner offset`, () => {
      const f = nvgreFrame(V4, { nvgre: { ...(c ? { checksum: true } : {}), ...(k ? {} : { keyPresent: false }), ...(s ? { sequence: 0x5e95 } : {}) } });
      const headerLength = 4 + 4 * (+c + +k + +s);
      const g = readGre(f, 34);
      expect(g.headerLength).toBe(headerLength);
      expect(g.key).toBe(k ? 0x1234569a : null);
      expect(g.sequence).toBe(s ? 0x5e95 : null);
      // The key word sits at 4 (+4 with C); the sequence after both.
      const word = (at: number) => Buffer.from(f).readUInt32BE(at);
      if (k) expect(word(34 + 4 + (c ? 4 : 0))).toBe(0x1234569a);
      if (s) expect(word(34 + 4 + (c ? 4 : 0) + (k ? 4 : 0))).toBe(0x5e95);
      const r = tryDecapsulate(f, { strict: false });
      if (!k) {
        expect(r.ok ? 'OK' : r.error.code).toBe('NO_KEY');
      } else {
        expect(r.ok).toBe(true);
        if (r.ok) expect([r.value.key, r.value.innerOffset]).toEqual([0x1234569a, 34 + headerLength]);
      }
      const p = parseFrame(f);
      expect(p.inner?.offset).toBe(34 + headerLength);
      expect(p.inner?.ethernet.src).toBe('02:00:00:00:00:0a');
    });
  }
});

describe('protocol type is 0x6558 for an Ethernet payload (scapy#534)', () => {
  it('buildFrame and the encapsulator emit 0x20006558', () => {
    for (const f of [buildFrame(nvgreSpec(V4)), encapsulate(innerBytes, { ...ENC, vsid: 0x1000 })]) {
      expect(Buffer.from(f).readUInt32BE(34)).toBe(0x20006558);
    }
  });
});

describe('untrusted input never throws anything but NvgreError', () => {
  it('R = 1 (source-routed GRE, libpnet panics) gets a typed verdict', () => {
    for (const o of OUTERS) {
      const f = nvgreFrame(o, { nvgre: { extraFlags: 0x4000 } });
      const r = tryDecapsulate(f);
      expect(r.ok ? null : { code: r.error.code, offset: r.error.offset }).toEqual({ code: 'GRE_FLAGS', offset: o.gre });
      expect(tryDecapsulate(f, { strict: false }).ok).toBe(false);
      const p = parseFrame(f, { partial: true });
      expect(p.gre?.routingPresent).toBe(true);
      expect(p.nvgre?.violations).toContain('GRE_FLAGS');
      expect(p.nvgre?.conformant).toBe(false);
    }
  });

  it('C = 1 and R = 1 (as in tcpdump gre-heapoverflow-2) cut at every length: still only typed errors', () => {
    const f = nvgreFrame(V4, { nvgre: { extraFlags: 0x4000, checksum: true } });
    expect(f[34]).toBe(0xe0);
    for (let n = 0; n <= f.length; n++) {
      const cut = f.subarray(0, n);
      const r = tryDecapsulate(cut);
      expect(r.ok).toBe(false);
      try {
        parseFrame(cut);
      } catch (e) {
        expect(e).toBeInstanceOf(NvgreError);
      }
    }
  });
});

describe('key round trips (signed-shift bug)', () => {
  const cases: [number, number][] = [
    [0xfffffe, 0xff],
    [0x800000, 0x00],
    [0x800000, 0xff],
    [0x7fffff, 0x80],
  ];
  for (const [vsid, flowId] of cases) {
    it(`VSID 0x${vsid.toString(16)} FlowID 0x${flowId.toString(16)}`, () => {
      const key = vsid * 256 + flowId;
      for (const version of [4, 6] as const) {
        const enc = createEncapsulator({ ...ENC, ...(version === 6 ? { srcIp: '2001:db8::1', dstIp: '2001:db8::2' } : {}), vsid, flowId });
        const f = enc.encapsulate(innerBytes);
        expect(Buffer.from(f).readUInt32BE(enc.headerLength - 4)).toBe(key);
        const d = decapsulate(f);
        expect([d.vsid, d.flowId, d.key]).toEqual([vsid, flowId, key]);
      }
      const built = buildFrame(nvgreSpec(V6, { nvgre: { vsid, flowId } }));
      expect(parseFrame(built).nvgre).toMatchObject({ vsid, flowId, key });
      expect(buildFrame(nvgreSpec(V4, { nvgre: { vsid: 0x1000, key } })).subarray(38, 42)).toEqual(
        Uint8Array.of(key >>> 24, (key >>> 16) & 0xff, (key >>> 8) & 0xff, key & 0xff),
      );
    });
  }
});

describe('inner 802.1Q tag: dropped on decap, stripped on encap (RFC 7637 §3.3)', () => {
  it('decap drops, encap strips and reports', () => {
    const tagged: FrameSpec = { ...INNER, ethernet: { ...INNER.ethernet, vlans: [{ id: 100, pcp: 2 }] } };
    expect(tryDecapsulate(nvgreFrame(V4, { inner: tagged }))).toMatchObject({ ok: false, error: { code: 'INNER_VLAN' } });
    const enc = createEncapsulator({ ...ENC, vsid: 0x1000 });
    const d = decapsulate(enc.encapsulate(buildFrame(tagged)));
    expect(Buffer.from(d.inner).equals(Buffer.from(innerBytes))).toBe(true);
    expect(enc.lastStrippedVlan).toEqual({ tpid: 0x8100, id: 100, pcp: 2, dei: false });
  });
});

describe('Ethernet padding after a short outer IPv4 datagram is not part of the inner frame', () => {
  const tiny: FrameSpec = { ethernet: { etherType: 0x88b5 }, payload: Uint8Array.of(1) }; // 15-byte inner frame
  for (const o of OUTERS) {
    it(`${o.name}: padded to the 60-byte Ethernet minimum and beyond`, () => {
      const base = buildFrame(nvgreSpec(o, { inner: tiny }));
      const pad = Math.max(60 - base.length, 0) + 9;
      const f = buildFrame(nvgreSpec(o, { inner: tiny, trailer: pad }));
      f.fill(0xcc, f.length - pad); // non-zero padding bytes, so leaking them would show
      const d = decapsulate(f);
      expect(d.innerLength).toBe(15);
      expect(Array.from(d.inner)).toEqual(Array.from(buildFrame(tiny)));
      const p = parseFrame(f);
      expect(p.trailerLength).toBe(pad);
      expect(p.inner?.length).toBe(15);
      expect(p.inner?.payload).toEqual({ offset: o.gre + 8 + 14, length: 1 });
    });
  }

  it('bytes after the inner IP datagram but inside the outer datagram belong to the inner frame', () => {
    // The inner frame carries Ethernet padding of its own: it is inside the outer datagram, so it stays.
    const inner: FrameSpec = { ...INNER, trailer: 5 };
    const d = decapsulate(buildFrame(nvgreSpec(V4, { inner, trailer: 3 })));
    expect(d.innerLength).toBe(innerBytes.length + 5);
  });
});

describe('nesting limit (docs/nvgre.md §4 row 14; CVE-2016-8666)', () => {
  /** `levels` NVGRE headers around INNER, alternating outer IP versions. */
  function nested(levels: number): { spec: FrameSpec; greOffsets: number[] } {
    let spec: FrameSpec = INNER;
    for (let i = 0; i < levels; i++) spec = nvgreSpec(i % 2 === 0 ? V4 : V6, { inner: spec, nvgre: { vsid: 0x1000 + i, flowId: i } });
    // GRE offsets from the outside in: level i (0 = outermost) is built with outer i' = levels-1-i.
    const greOffsets: number[] = [];
    let at = 0;
    for (let i = levels - 1; i >= 0; i--) {
      const o = i % 2 === 0 ? V4 : V6;
      greOffsets.push(at + o.gre);
      at += o.gre + 8;
    }
    return { spec, greOffsets };
  }

  function depthOf(p: ReturnType<typeof parseFrame>): number {
    let n = 0;
    for (let f = p; f.inner; f = f.inner) n++;
    return n;
  }

  it('4 levels (the default limit) decode; the innermost frame is the original', () => {
    const { spec } = nested(4);
    const p = parseFrame(buildFrame(spec));
    expect(depthOf(p)).toBe(4);
    let f = p;
    for (let i = 0; i < 4; i++) {
      expect(f.nvgre?.vsid).toBe(0x1000 + 3 - i);
      f = f.inner!;
    }
    expect(f.depth).toBe(4);
    expect(f.transport).toMatchObject({ protocol: 'udp', srcPort: 1000, dstPort: 2000, checksumValid: true });
  });

  it('5 levels → NESTING_LIMIT at the 5th GRE header', () => {
    const { spec, greOffsets } = nested(5);
    const f = buildFrame(spec);
    let err: unknown;
    try {
      parseFrame(f);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(NvgreError);
    expect({ code: (err as NvgreError).code, layer: (err as NvgreError).layer, offset: (err as NvgreError).offset }).toEqual({
      code: 'NESTING_LIMIT',
      layer: 'gre',
      offset: greOffsets[4],
    });
    // partial: the four levels that decoded plus the error.
    const p = parseFrame(f, { partial: true });
    expect(p.error?.code).toBe('NESTING_LIMIT');
    expect(depthOf(p)).toBe(4);
    // decapsulate peels one level only: the outer frame is fine.
    expect(decapsulate(f).vsid).toBe(0x1004);
  });

  it('maxDepth moves the limit: maxDepth levels decode, maxDepth + 1 do not', () => {
    for (const maxDepth of [1, 2, 3, 6]) {
      expect(depthOf(parseFrame(buildFrame(nested(maxDepth).spec), { maxDepth }))).toBe(maxDepth);
      const { spec, greOffsets } = nested(maxDepth + 1);
      const p = parseFrame(buildFrame(spec), { maxDepth, partial: true });
      expect(p.error).toMatchObject({ code: 'NESTING_LIMIT', layer: 'gre', offset: greOffsets[maxDepth] });
    }
  });

  it('maxDepth must be an integer from 1 to 64', () => {
    const f = buildFrame(nested(1).spec);
    for (const maxDepth of [0, -1, 65, 1.5, Number.NaN]) expect(() => parseFrame(f, { maxDepth })).toThrow(RangeError);
    expect(depthOf(parseFrame(f, { maxDepth: 64 }))).toBe(1);
  });

  it('TEB without a key nests too and counts toward the limit', () => {
    const { spec } = nested(2);
    const withoutKey = { ...spec, nvgre: { ...spec.nvgre!, keyPresent: false } };
    const p = parseFrame(buildFrame(withoutKey), { maxDepth: 2 });
    expect(p.nvgre).toBeUndefined();
    expect(depthOf(p)).toBe(2);
    expect(parseFrame(buildFrame(withoutKey), { maxDepth: 1, partial: true }).error?.code).toBe('NESTING_LIMIT');
  });
});

describe('V6 outer is covered by the same rules', () => {
  it('decapsulates a plain IPv6 NVGRE frame', () => {
    expect(decapsulate(nvgreFrame(V6)).outer).toMatchObject({ ipVersion: 6, src: '2001:db8::1', dst: '2001:db8::2', ttl: 64 });
  });
});
