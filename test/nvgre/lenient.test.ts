/**
 * Lenient decapsulation (strict: false, docs/nvgre.md §4 rows 9–11, 13): C and S words are skipped at
 * their RFC 2890 offsets (the GRE checksum verified over header AND payload, RFC 2784 §2.5), reserved
 * VSIDs and inner tags are accepted with `dropReasons`; what still drops in lenient mode.
 */
import { describe, expect, it } from 'vitest';
import { internetChecksum } from '../../src/wire/checksum.js';
import { buildFrame } from '../../src/frame/build.js';
import { decapsulate, tryDecapsulate } from '../../src/tunnel/decapsulate.js';
import { FLOW_ID, INNER, OUTERS, V4, VSID, nvgreFrame } from './frames.js';

const LENIENT = { strict: false } as const;
const innerBytes = buildFrame(INNER);

function lenientCode(frame: Uint8Array): string {
  const r = tryDecapsulate(frame, LENIENT);
  return r.ok ? 'OK' : r.error.code;
}

describe('lenient mode accepts non-conformant senders', () => {
  for (const o of OUTERS) {
    describe(o.name, () => {
      it('C = 1: the key is read after Checksum+Reserved1, the GRE checksum verified, GRE_FLAGS reported', () => {
        const f = nvgreFrame(o, { nvgre: { checksum: true } });
        expect(f[o.gre]).toBe(0xa0);
        const d = decapsulate(f, LENIENT);
        expect([d.vsid, d.flowId, d.innerOffset, d.innerLength]).toEqual([VSID, FLOW_ID, o.gre + 12, innerBytes.length]);
        expect(Buffer.from(d.inner).equals(Buffer.from(innerBytes))).toBe(true);
        expect(d.dropReasons).toEqual(['GRE_FLAGS']);
      });

      it('C = 1 with a wrong GRE checksum → BAD_CHECKSUM at the checksum field', () => {
        const r = tryDecapsulate(nvgreFrame(o, { nvgre: { checksum: 0x1234 } }), LENIENT);
        expect(r.ok ? null : { code: r.error.code, layer: r.error.layer, offset: r.error.offset }).toEqual({ code: 'BAD_CHECKSUM', layer: 'gre', offset: o.gre + 4 });
      });

      it('S = 1: the sequence word after the key is skipped, GRE_FLAGS reported', () => {
        const d = decapsulate(nvgreFrame(o, { nvgre: { sequence: 0xdeadbeef } }), LENIENT);
        expect([d.vsid, d.flowId, d.innerOffset]).toEqual([VSID, FLOW_ID, o.gre + 12]);
        expect(Buffer.from(d.inner).equals(Buffer.from(innerBytes))).toBe(true);
        expect(d.dropReasons).toEqual(['GRE_FLAGS']);
      });

      it('C = 1 and S = 1: 16-byte GRE header, GRE_FLAGS reported once', () => {
        const d = decapsulate(nvgreFrame(o, { nvgre: { checksum: true, sequence: 5 } }), LENIENT);
        expect([d.vsid, d.flowId, d.innerOffset]).toEqual([VSID, FLOW_ID, o.gre + 16]);
        expect(d.dropReasons).toEqual(['GRE_FLAGS']);
      });

      it('reserved VSIDs are accepted with RESERVED_VSID', () => {
        for (const vsid of [0, 0xfff, 0xffffff]) {
          const d = decapsulate(nvgreFrame(o, { nvgre: { vsid } }), LENIENT);
          expect([d.vsid, d.flowId, d.dropReasons]).toEqual([vsid, FLOW_ID, ['RESERVED_VSID']]);
        }
      });

      it('an inner tag is accepted with INNER_VLAN and left in the inner frame', () => {
        const inner = { ...INNER, ethernet: { ...INNER.ethernet, vlans: [{ id: 100, pcp: 2 }] } };
        const d = decapsulate(nvgreFrame(o, { inner }), LENIENT);
        expect(d.dropReasons).toEqual(['INNER_VLAN']);
        expect(Buffer.from(d.inner).equals(Buffer.from(buildFrame(inner)))).toBe(true);
        expect([d.inner[12], d.inner[13], d.inner[14], d.inner[15]]).toEqual([0x81, 0x00, 0x40, 100]);
      });

      it('bits 6–12 are ignored without a reason', () => {
        expect(decapsulate(nvgreFrame(o, { nvgre: { extraFlags: 0x03f8 } }), LENIENT).dropReasons).toEqual([]);
      });

      it('still drops: version, bits 1/4/5, K = 0, protocol ≠ 0x6558, truncation', () => {
        expect(lenientCode(nvgreFrame(o, { nvgre: { version: 1 } }))).toBe('GRE_VERSION');
        for (const extraFlags of [0x4000, 0x0800, 0x0400]) expect(lenientCode(nvgreFrame(o, { nvgre: { extraFlags } }))).toBe('GRE_FLAGS');
        expect(lenientCode(nvgreFrame(o, { nvgre: { keyPresent: false } }))).toBe('NO_KEY');
        expect(lenientCode(nvgreFrame(o, { nvgre: { protocol: 0x0800 } }))).toBe('NOT_TEB');
        const f = nvgreFrame(o);
        expect(lenientCode(f.subarray(0, f.length - 1))).toBe('TRUNCATED');
      });
    });
  }

  it('still drops outer fragments', () => {
    expect(lenientCode(nvgreFrame(V4, { ipv4: { moreFragments: true } }))).toBe('FRAGMENTED');
    expect(lenientCode(nvgreFrame(OUTERS[2]!, { ipv6: { extensionHeaders: [{ type: 'fragment' }] } }))).toBe('FRAGMENTED');
  });

  it('a bad outer IPv4 checksum is accepted with BAD_CHECKSUM (the packetnet capture has all checksums 0)', () => {
    const d = decapsulate(nvgreFrame(V4, { ipv4: { checksum: 0 } }), LENIENT);
    expect([d.vsid, d.dropReasons]).toEqual([VSID, ['BAD_CHECKSUM']]);
  });

  it('every reason at once, in table order', () => {
    const f = nvgreFrame(V4, {
      ipv4: { checksum: 0x1234 },
      nvgre: { checksum: true, sequence: 1, vsid: 0 },
      inner: { ...INNER, ethernet: { vlans: [{ id: 7 }] } },
    });
    const d = decapsulate(f, LENIENT);
    expect(d.dropReasons).toEqual(['BAD_CHECKSUM', 'GRE_FLAGS', 'RESERVED_VSID', 'INNER_VLAN']);
    expect(d.innerOffset).toBe(34 + 16);
  });

  describe('the GRE checksum covers header AND payload (RFC 2784 §2.5; ryu computes header only)', () => {
    it('a flipped inner payload byte fails the GRE checksum', () => {
      const f = nvgreFrame(V4, { nvgre: { checksum: true } });
      expect(lenientCode(f)).toBe('OK');
      f[f.length - 1] = f[f.length - 1]! ^ 0x40;
      expect(lenientCode(f)).toBe('BAD_CHECKSUM');
    });

    it('a checksum computed over the GRE header only is rejected', () => {
      const f = nvgreFrame(V4, { nvgre: { checksum: 0 } });
      const headerOnly = internetChecksum(f, 34, 12);
      f[38] = headerOnly >>> 8;
      f[39] = headerOnly & 0xff;
      expect(lenientCode(f)).toBe('BAD_CHECKSUM');
      // … and one computed over header + payload is accepted.
      f[38] = 0;
      f[39] = 0;
      const full = internetChecksum(f, 34, f.length - 34);
      f[38] = full >>> 8;
      f[39] = full & 0xff;
      expect(lenientCode(f)).toBe('OK');
    });

    it('padding after the outer datagram is not covered (the datagram ends at Total Length)', () => {
      const f = nvgreFrame(V4, { nvgre: { checksum: true }, trailer: 6 });
      f.fill(0xee, f.length - 6);
      const d = decapsulate(f, LENIENT);
      expect(d.innerLength).toBe(innerBytes.length);
    });
  });
});
