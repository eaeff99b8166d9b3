/**
 * The strict decapsulation verdicts of docs/nvgre.md §4, row by row (1–11, 13; row 14 is parseFrame's, in
 * conformance.test.ts), each with its exact code, layer and offset, for every outer variant the
 * row applies to; and the ORDER of the table: a frame breaking two rows gets the earlier row's code.
 */
import { describe, expect, it } from 'vitest';
import { NvgreError } from '../../src/wire/errors.js';
import { buildFrame } from '../../src/frame/build.js';
import { decapsulate, tryDecapsulate } from '../../src/tunnel/decapsulate.js';
import { FLOW_ID, INNER, OUTERS, V4, V6, VSID, nvgreFrame, type Outer } from './frames.js';

interface Verdict {
  code: string;
  layer?: string;
  offset?: number;
  needed?: number;
  available?: number;
}

/** The strict verdict, checked to be the same from decapsulate (thrown) and tryDecapsulate (returned). */
function verdict(frame: Uint8Array, strict = true): Verdict {
  const t = tryDecapsulate(frame, { strict });
  let thrown: unknown;
  try {
    decapsulate(frame, { strict });
  } catch (e) {
    thrown = e;
  }
  if (t.ok) {
    expect(thrown).toBeUndefined();
    return { code: 'OK' };
  }
  expect(thrown).toBeInstanceOf(NvgreError);
  const e = thrown as NvgreError;
  expect({ code: e.code, layer: e.layer, offset: e.offset }).toEqual({ code: t.error.code, layer: t.error.layer, offset: t.error.offset });
  return {
    code: e.code,
    layer: e.layer,
    offset: e.offset,
    ...(e.needed !== undefined ? { needed: e.needed, available: e.available! } : {}),
  };
}

function ipLayer(o: Outer): string {
  return o.version === 4 ? 'outer-ipv4' : 'outer-ipv6';
}

describe('a conformant frame is accepted', () => {
  for (const o of OUTERS) {
    it(o.name, () => {
      const f = nvgreFrame(o);
      const d = decapsulate(f);
      expect([d.vsid, d.flowId, d.key, d.innerOffset]).toEqual([VSID, FLOW_ID, 0x1234569a, o.gre + 8]);
      expect(Buffer.from(d.inner).equals(Buffer.from(buildFrame(INNER)))).toBe(true);
      expect(d.dropReasons).toEqual([]);
    });
  }
});

describe('row 1: truncated or inconsistent lengths → TRUNCATED / BAD_LENGTH / BAD_IP_HEADER', () => {
  it('outer Ethernet header cut', () => {
    const f = nvgreFrame(V4);
    expect(verdict(f.subarray(0, 13))).toEqual({ code: 'TRUNCATED', layer: 'outer-ethernet', offset: 0, needed: 14, available: 13 });
    expect(verdict(f.subarray(0, 0))).toEqual({ code: 'TRUNCATED', layer: 'outer-ethernet', offset: 0, needed: 14, available: 0 });
  });

  it('outer VLAN tag cut', () => {
    const f = nvgreFrame(OUTERS[1]!);
    expect(verdict(f.subarray(0, 16))).toEqual({ code: 'TRUNCATED', layer: 'outer-ethernet', offset: 0, needed: 18, available: 16 });
  });

  for (const o of OUTERS) {
    it(`${o.name}: IP header cut`, () => {
      const f = nvgreFrame(o);
      const fixed = o.version === 4 ? 20 : 40;
      expect(verdict(f.subarray(0, o.l3 + fixed - 1))).toEqual({ code: 'TRUNCATED', layer: ipLayer(o), offset: o.l3, needed: fixed, available: fixed - 1 });
    });

    it(`${o.name}: IP datagram longer than the captured bytes`, () => {
      const f = nvgreFrame(o);
      const dgram = f.length - o.l3;
      expect(verdict(f.subarray(0, f.length - 1))).toEqual({ code: 'TRUNCATED', layer: ipLayer(o), offset: o.l3, needed: dgram, available: dgram - 1 });
    });

    it(`${o.name}: GRE base header and GRE key cut by the IP length`, () => {
      const fixed = o.version === 4 ? 20 : 40;
      const len = (greBytes: number) => (o.version === 4 ? { ipv4: { totalLength: fixed + greBytes } } : { ipv6: { payloadLength: greBytes } });
      // The bytes after the datagram become Ethernet trailer: the GRE header must fit in the datagram.
      expect(verdict(nvgreFrame(o, len(3)))).toEqual({ code: 'TRUNCATED', layer: 'gre', offset: o.gre, needed: 4, available: 3 });
      expect(verdict(nvgreFrame(o, len(7)))).toEqual({ code: 'TRUNCATED', layer: 'gre', offset: o.gre, needed: 8, available: 7 });
      expect(verdict(nvgreFrame(o, { ...len(11), nvgre: { sequence: 1 } }))).toEqual({ code: 'TRUNCATED', layer: 'gre', offset: o.gre, needed: 12, available: 11 });
    });

    it(`${o.name}: inner frame shorter than an Ethernet header`, () => {
      const fixed = o.version === 4 ? 20 : 40;
      const over = o.version === 4 ? { ipv4: { totalLength: fixed + 8 + 13 } } : { ipv6: { payloadLength: 8 + 13 } };
      expect(verdict(nvgreFrame(o, over))).toEqual({ code: 'TRUNCATED', layer: 'inner-ethernet', offset: o.gre + 8, needed: 14, available: 13 });
    });
  }

  it('IPv4 Total Length smaller than the header is BAD_LENGTH at the Total Length field', () => {
    expect(verdict(nvgreFrame(V4, { ipv4: { totalLength: 19 } }))).toEqual({ code: 'BAD_LENGTH', layer: 'outer-ipv4', offset: 16, needed: 20, available: 19 });
    const opts = nvgreFrame(V4, { ipv4: { totalLength: 23, options: new Uint8Array([1, 1, 1, 0]) } });
    expect(verdict(opts)).toEqual({ code: 'BAD_LENGTH', layer: 'outer-ipv4', offset: 16, needed: 24, available: 23 });
  });

  it('IPv4 version ≠ 4 or IHL < 5 is BAD_IP_HEADER', () => {
    for (const vihl of [0x65, 0x44, 0x40]) {
      const f = nvgreFrame(V4);
      f[14] = vihl;
      expect(verdict(f)).toEqual({ code: 'BAD_IP_HEADER', layer: 'outer-ipv4', offset: 14 });
    }
    const v6 = nvgreFrame(V6);
    v6[14] = 0x45;
    expect(verdict(v6)).toEqual({ code: 'BAD_IP_HEADER', layer: 'outer-ipv6', offset: 14 });
  });

  it('IPv4 options cut inside the header', () => {
    const f = nvgreFrame(V4, { ipv4: { options: new Uint8Array(8) } });
    expect(verdict(f.subarray(0, 14 + 27))).toEqual({ code: 'TRUNCATED', layer: 'outer-ipv4', offset: 14, needed: 28, available: 27 });
  });

  it('an outer IPv6 extension header cut by the Payload Length', () => {
    const f = nvgreFrame(V6, { ipv6: { extensionHeaders: [{ type: 'destination-options', options: new Uint8Array(14) }], payloadLength: 12 } });
    expect(verdict(f)).toEqual({ code: 'TRUNCATED', layer: 'outer-ipv6', offset: 54, needed: 16, available: 12 });
  });
});

describe('row 2: outer IPv4 header checksum wrong → BAD_CHECKSUM', () => {
  for (const o of OUTERS.filter((x) => x.version === 4)) {
    it(o.name, () => {
      expect(verdict(nvgreFrame(o, { ipv4: { checksum: 0x1234 } }))).toEqual({ code: 'BAD_CHECKSUM', layer: 'outer-ipv4', offset: o.l3 + 10 });
      expect(verdict(nvgreFrame(o, { ipv4: { checksum: 0x1234, options: new Uint8Array(4) } }))).toEqual({
        code: 'BAD_CHECKSUM',
        layer: 'outer-ipv4',
        offset: o.l3 + 10,
      });
    });
  }

  it('a single flipped header bit is caught', () => {
    const f = nvgreFrame(V4);
    f[14 + 8] = f[14 + 8]! ^ 0x01; // TTL
    expect(verdict(f).code).toBe('BAD_CHECKSUM');
  });
});

describe('row 3: outer fragments → FRAGMENTED', () => {
  for (const o of OUTERS.filter((x) => x.version === 4)) {
    it(`${o.name}: MF=1, and fragment offset ≠ 0`, () => {
      expect(verdict(nvgreFrame(o, { ipv4: { moreFragments: true } }))).toEqual({ code: 'FRAGMENTED', layer: 'outer-ipv4', offset: o.l3 });
      expect(verdict(nvgreFrame(o, { ipv4: { fragmentOffset: 8 } }))).toEqual({ code: 'FRAGMENTED', layer: 'outer-ipv4', offset: o.l3 });
      expect(verdict(nvgreFrame(o, { ipv4: { fragmentOffset: 1480, moreFragments: true, dontFragment: false } }))).toEqual({
        code: 'FRAGMENTED',
        layer: 'outer-ipv4',
        offset: o.l3,
      });
    });
  }

  for (const o of OUTERS.filter((x) => x.version === 6)) {
    it(`${o.name}: any Fragment header (atomic, first, later)`, () => {
      for (const frag of [{}, { moreFragments: true }, { fragmentOffset: 8 }, { fragmentOffset: 1232, moreFragments: true }]) {
        const f = nvgreFrame(o, { ipv6: { extensionHeaders: [{ type: 'fragment', identification: 9, ...frag }] } });
        expect(verdict(f)).toEqual({ code: 'FRAGMENTED', layer: 'outer-ipv6', offset: o.l3 });
      }
    });
  }
});

describe('rows 4–8: GRE header', () => {
  for (const o of OUTERS) {
    describe(o.name, () => {
      it('row 4: version ≠ 0 → GRE_VERSION', () => {
        for (const version of [1, 2, 7]) expect(verdict(nvgreFrame(o, { nvgre: { version } }))).toEqual({ code: 'GRE_VERSION', layer: 'gre', offset: o.gre });
      });

      it('row 5: bit 1, 4 or 5 set → GRE_FLAGS', () => {
        for (const extraFlags of [0x4000, 0x0800, 0x0400, 0x4c00]) {
          expect(verdict(nvgreFrame(o, { nvgre: { extraFlags } }))).toEqual({ code: 'GRE_FLAGS', layer: 'gre', offset: o.gre });
        }
      });

      it('row 6: bits 6–12 set → ignored, the frame is accepted unchanged', () => {
        for (const extraFlags of [0x0200, 0x0100, 0x0080, 0x0040, 0x0020, 0x0010, 0x0008, 0x03f8]) {
          const f = nvgreFrame(o, { nvgre: { extraFlags } });
          expect(f[o.gre]! * 256 + f[o.gre + 1]!).toBe(0x2000 | extraFlags);
          const d = decapsulate(f);
          expect([d.vsid, d.flowId, d.innerOffset, d.dropReasons.length]).toEqual([VSID, FLOW_ID, o.gre + 8, 0]);
        }
      });

      it('row 7: protocol ≠ 0x6558 → NOT_TEB at the protocol field', () => {
        for (const protocol of [0x0800, 0x86dd, 0x88be, 0x0000]) {
          expect(verdict(nvgreFrame(o, { nvgre: { protocol } }))).toEqual({ code: 'NOT_TEB', layer: 'gre', offset: o.gre + 2 });
        }
      });

      it('row 8: K = 0 → NO_KEY', () => {
        expect(verdict(nvgreFrame(o, { nvgre: { keyPresent: false } }))).toEqual({ code: 'NO_KEY', layer: 'gre', offset: o.gre });
      });

      it('row 9: C = 1 → GRE_FLAGS (strict), even with a correct GRE checksum', () => {
        const e = tryDecapsulate(nvgreFrame(o, { nvgre: { checksum: true } }));
        expect(e.ok ? null : { code: e.error.code, layer: e.error.layer, offset: e.error.offset }).toEqual({ code: 'GRE_FLAGS', layer: 'gre', offset: o.gre });
        expect(e.ok ? '' : e.error.message).toMatch(/\bC bit\b/);
      });

      it('row 10: S = 1 → GRE_FLAGS (strict)', () => {
        const e = tryDecapsulate(nvgreFrame(o, { nvgre: { sequence: 0 } }));
        expect(e.ok ? null : { code: e.error.code, layer: e.error.layer, offset: e.error.offset }).toEqual({ code: 'GRE_FLAGS', layer: 'gre', offset: o.gre });
        expect(e.ok ? '' : e.error.message).toMatch(/\bS bit\b/);
      });

      it('row 11: reserved VSIDs → RESERVED_VSID at the key; 0x1000 and 0xFFFFFE are fine', () => {
        for (const vsid of [0, 1, 0xfff, 0xffffff]) {
          expect(verdict(nvgreFrame(o, { nvgre: { vsid } }))).toEqual({ code: 'RESERVED_VSID', layer: 'gre', offset: o.gre + 4 });
        }
        for (const vsid of [0x1000, 0xfffffe, 0x800000]) expect(decapsulate(nvgreFrame(o, { nvgre: { vsid } })).vsid).toBe(vsid);
      });

      it('row 13: inner 802.1Q tag (and, library rule, 802.1ad) → INNER_VLAN at the inner TPID', () => {
        for (const tpid of [0x8100, 0x88a8]) {
          const inner = { ...INNER, ethernet: { ...INNER.ethernet, vlans: [{ id: 100, pcp: 2, tpid }] } };
          expect(verdict(nvgreFrame(o, { inner }))).toEqual({ code: 'INNER_VLAN', layer: 'inner-ethernet', offset: o.gre + 8 + 12 });
        }
        // A priority tag (VID 0) is a tag too.
        const prio = { ...INNER, ethernet: { ...INNER.ethernet, vlans: [{ id: 0, pcp: 5 }] } };
        expect(verdict(nvgreFrame(o, { inner: prio })).code).toBe('INNER_VLAN');
      });
    });
  }

  it('NOT_GRE: an outer IP packet that is not GRE (row 7 "not NVGRE", one layer down)', () => {
    expect(verdict(nvgreFrame(V4, { ipv4: { protocol: 17 } }))).toEqual({ code: 'NOT_GRE', layer: 'outer-ipv4', offset: 14 });
    expect(verdict(nvgreFrame(V6, { ipv6: { protocol: 4 } }))).toEqual({ code: 'NOT_GRE', layer: 'outer-ipv6', offset: 14 });
  });

  it('UNSUPPORTED_ETHERTYPE: no IP delivery header', () => {
    expect(verdict(buildFrame({ ethernet: { etherType: 0x0806 }, payload: new Uint8Array(28) }))).toEqual({
      code: 'UNSUPPORTED_ETHERTYPE',
      layer: 'outer-ethernet',
      offset: 12,
    });
    expect(verdict(buildFrame({ ethernet: { vlans: [{ id: 1 }], etherType: 0x88cc }, payload: new Uint8Array(30) }))).toEqual({
      code: 'UNSUPPORTED_ETHERTYPE',
      layer: 'outer-ethernet',
      offset: 16,
    });
  });
});

describe('the table order holds: the earliest matching row decides', () => {
  // Each case breaks two (or more) rows; the expected code is the earlier row's.
  const cases: [string, Outer, Parameters<typeof nvgreFrame>[1], string][] = [
    ['1 before 2: GRE cut short + bad outer checksum', V4, { ipv4: { totalLength: 26, checksum: 0x1234 } }, 'TRUNCATED'],
    ['1 before 2: inner frame short + bad outer checksum', V4, { ipv4: { totalLength: 20 + 8 + 10, checksum: 0x1234 } }, 'TRUNCATED'],
    ['1 before 3: GRE key cut + MF', V4, { ipv4: { totalLength: 20 + 6, moreFragments: true } }, 'TRUNCATED'],
    ['2 before 3: bad outer checksum + MF', V4, { ipv4: { checksum: 0x1234, moreFragments: true } }, 'BAD_CHECKSUM'],
    ['2 before 4: bad outer checksum + GRE version 1', V4, { ipv4: { checksum: 0x1234 }, nvgre: { version: 1 } }, 'BAD_CHECKSUM'],
    ['2 before 11: bad outer checksum + VSID 0', V4, { ipv4: { checksum: 0x1234 }, nvgre: { vsid: 0 } }, 'BAD_CHECKSUM'],
    ['3 before 4: MF + GRE version 1', V4, { ipv4: { moreFragments: true }, nvgre: { version: 1 } }, 'FRAGMENTED'],
    ['3 before 4 (IPv6): Fragment header + GRE version 1', V6, { ipv6: { extensionHeaders: [{ type: 'fragment' }] }, nvgre: { version: 1 } }, 'FRAGMENTED'],
    ['4 before 5: version 1 + bit 1', V4, { nvgre: { version: 1, extraFlags: 0x4000 } }, 'GRE_VERSION'],
    ['4 before 7: version 1 + protocol 0x880b (PPTP)', V4, { nvgre: { version: 1, protocol: 0x880b } }, 'GRE_VERSION'],
    ['5 before 7: bit 4 + protocol 0x0800', V4, { nvgre: { extraFlags: 0x0800, protocol: 0x0800 } }, 'GRE_FLAGS'],
    ['5 before 8: bit 5 + K = 0', V6, { nvgre: { extraFlags: 0x0400, keyPresent: false } }, 'GRE_FLAGS'],
    ['7 before 8: protocol 0x0800 + K = 0', V4, { nvgre: { protocol: 0x0800, keyPresent: false } }, 'NOT_TEB'],
    ['7 before 9: protocol 0x0800 + C = 1', V4, { nvgre: { protocol: 0x0800, checksum: true } }, 'NOT_TEB'],
    ['8 before 9: K = 0 + C = 1', V4, { nvgre: { keyPresent: false, checksum: true } }, 'NO_KEY'],
    ['8 before 10: K = 0 + S = 1', V6, { nvgre: { keyPresent: false, sequence: 3 } }, 'NO_KEY'],
    ['9 before 11: C = 1 + VSID 0', V4, { nvgre: { checksum: true, vsid: 0 } }, 'GRE_FLAGS'],
    ['10 before 11: S = 1 + VSID 0xFFFFFF', V4, { nvgre: { sequence: 1, vsid: 0xffffff } }, 'GRE_FLAGS'],
    [
      '11 before 13: VSID 0 + inner VLAN',
      V4,
      { nvgre: { vsid: 0 }, inner: { ...INNER, ethernet: { vlans: [{ id: 100 }] } } },
      'RESERVED_VSID',
    ],
    [
      '2 before everything: bad checksum + version + flags + VSID 0 + inner VLAN',
      V4,
      { ipv4: { checksum: 0x1234 }, nvgre: { version: 1, extraFlags: 0x4000, vsid: 0 }, inner: { ...INNER, ethernet: { vlans: [{ id: 1 }] } } },
      'BAD_CHECKSUM',
    ],
  ];
  for (const [name, outer, over, code] of cases) {
    it(name, () => {
      expect(verdict(nvgreFrame(outer, over)).code).toBe(code);
    });
  }

  it('"inner frame < 14 bytes" applies to TEB payloads only: short non-TEB GRE gets its own verdict (rows 4, 7)', () => {
    // PPTP acks (GRE v1) and GRE keepalives (protocol 0) carry fewer than 14 payload bytes.
    const short = { ipv4: { totalLength: 20 + 8 + 4 } };
    expect(verdict(nvgreFrame(V4, { ...short, nvgre: { version: 1, protocol: 0x880b } }))).toEqual({ code: 'GRE_VERSION', layer: 'gre', offset: 34 });
    expect(verdict(nvgreFrame(V4, { ...short, nvgre: { protocol: 0x0000 } }))).toEqual({ code: 'NOT_TEB', layer: 'gre', offset: 36 });
    expect(verdict(nvgreFrame(V4, short))).toEqual({ code: 'TRUNCATED', layer: 'inner-ethernet', offset: 42, needed: 14, available: 4 });
  });
});
