/** GRE (RFC 2784 §2) with Key and Sequence Number (RFC 2890 §2); NVGRE key split (RFC 7637 §3.2). */
import { describe, expect, it } from 'vitest';
import { GRE, greHeaderLength, greLength, isReservedVsid, nvgreKey, readGre, writeGre, writeNvgreHeader } from '../../src/wire/gre.js';
import { expectNvgreError, hex, hexBytes, placed, prefilled } from './helpers.js';

// C, K, S all set, bits 6–12 = 0x0008 (ignored bit 12), version 0, protocol 0x6558;
// Checksum 0x1234 + Reserved1 0; Key 0x80000aff (VSID 0x80000a, FlowID 0xff); Sequence 0x9abcdef0.
const FIXTURE = hexBytes('b0086558 12340000 80000aff 9abcdef0');

describe('GRE header', () => {
  it('reads every field of the fixture', () => {
    expect(readGre(FIXTURE)).toEqual({
      checksumPresent: true,
      routingPresent: false,
      keyPresent: true,
      sequencePresent: true,
      reserved0: 0x001,
      version: 0,
      protocol: 0x6558,
      headerLength: 16,
      checksum: 0x1234,
      key: 0x80000aff,
      sequence: 0x9abcdef0,
      vsid: 0x80000a,
      flowId: 0xff,
    });
  });

  it('writes every field into a buffer pre-filled with 0xA5', () => {
    const t = prefilled(20);
    const n = writeGre(t, 2, { protocol: 0x6558, checksum: 0x1234, key: 0x80000aff, sequence: 0x9abcdef0, extraFlags: 0x0008 });
    expect(n).toBe(16);
    expect(greLength({ checksum: 0, key: 0, sequence: 0 })).toBe(16);
    expect(hex(t.subarray(2, 18))).toBe(hex(FIXTURE));
    expect([t[0], t[1], t[18], t[19]]).toEqual([0xa5, 0xa5, 0xa5, 0xa5]);
  });

  it('extraFlags can only set bit 1 and bits 4–12; version is masked to 3 bits', () => {
    const t = prefilled(4);
    writeGre(t, 0, { protocol: 0x0800, extraFlags: 0xffff, version: 0xf });
    expect(hex(t)).toBe('4fff0800');
    const h = readGre(t);
    expect([h.routingPresent, h.reserved0, h.version, h.checksumPresent, h.keyPresent, h.sequencePresent]).toEqual([true, 0x1ff, 7, false, false, false]);
  });

  it('every cut is TRUNCATED: first the base header, then the words the flags announce', () => {
    for (let n = 0; n < FIXTURE.length; n++) {
      expectNvgreError(() => readGre(FIXTURE.subarray(0, n)), { code: 'TRUNCATED', layer: 'gre', offset: 0, needed: n < 4 ? 4 : 16, available: n });
    }
    const b = placed(FIXTURE, 3);
    expectNvgreError(() => readGre(b, 3, 3 + 12, 'gre'), { code: 'TRUNCATED', offset: 3, needed: 16, available: 12 });
  });

  describe('every C/K/S combination puts Key and Sequence at their RFC 2890 offsets (gopacket#50)', () => {
    for (let combo = 0; combo < 8; combo++) {
      const c = (combo & 4) !== 0;
      const k = (combo & 2) !== 0;
      const s = (combo & 1) !== 0;
      it(`C=${+c} K=${+k} S=${+s}`, () => {
        // Hand-assembled: flags word, then Checksum+Reserved1, Key, Sequence in that order, each word distinct.
        const flags = (c ? 0x8000 : 0) | (k ? 0x2000 : 0) | (s ? 0x1000 : 0);
        const words = [flags.toString(16).padStart(4, '0') + '6558'];
        if (c) words.push('c5c50000');
        if (k) words.push('11223344');
        if (s) words.push('0000002a');
        const bytes = placed(hexBytes(words.join('') + 'eeeeeeee'), 1);
        const h = readGre(bytes, 1);
        expect(h.headerLength).toBe(4 * words.length);
        expect(greHeaderLength(flags)).toBe(4 * words.length);
        expect(h.checksum).toBe(c ? 0xc5c5 : null);
        expect(h.key).toBe(k ? 0x11223344 : null);
        expect(h.sequence).toBe(s ? 42 : null);
        expect(h.vsid).toBe(k ? 0x112233 : null);
        expect(h.flowId).toBe(k ? 0x44 : null);
        expect([h.checksumPresent, h.keyPresent, h.sequencePresent]).toEqual([c, k, s]);
        // And the writer produces the same bytes.
        const t = prefilled(4 * words.length);
        writeGre(t, 0, { protocol: 0x6558, ...(c ? { checksum: 0xc5c5 } : {}), ...(k ? { key: 0x11223344 } : {}), ...(s ? { sequence: 42 } : {}) });
        expect(hex(t)).toBe(words.join(''));
      });
    }
  });

  describe('NVGRE key (RFC 7637 §3.2): no signed 32-bit shift', () => {
    const cases: [number, number, number][] = [
      [0x800000, 0x00, 0x80000000],
      [0xfffffe, 0xff, 0xfffffeff],
      [0xffffff, 0xff, 0xffffffff],
      [0x123456, 0x02, 0x12345602],
      [1000, 100, 256100], // ryu test_gre.py constants
    ];
    for (const [vsid, flowId, key] of cases) {
      it(`VSID 0x${vsid.toString(16)} FlowID 0x${flowId.toString(16)} ⇔ key 0x${key.toString(16)}`, () => {
        expect(nvgreKey(vsid, flowId)).toBe(key);
        const t = prefilled(10);
        expect(writeNvgreHeader(t, 1, vsid, flowId)).toBe(GRE.NVGRE_LENGTH);
        expect(hex(t.subarray(1, 9))).toBe('20006558' + key.toString(16).padStart(8, '0'));
        expect([t[0], t[9]]).toEqual([0xa5, 0xa5]);
        const h = readGre(t, 1, 9);
        expect([h.key, h.vsid, h.flowId]).toEqual([key, vsid, flowId]);
      });
    }
  });

  it('reserved VSIDs (RFC 7637 §3.4): 0–0xFFF and 0xFFFFFF', () => {
    expect([0, 1, 0xfff, 0xffffff].map(isReservedVsid)).toEqual([true, true, true, true]);
    expect([0x1000, 0x800000, 0xfffffe].map(isReservedVsid)).toEqual([false, false, false]);
  });

  it('the flag masks match RFC 2784 §2.3 bit numbering', () => {
    expect(GRE.FLAG_C | GRE.FLAG_R | GRE.FLAG_K | GRE.FLAG_S | GRE.RESERVED0_DISCARD | GRE.RESERVED0_IGNORE | GRE.VERSION_MASK).toBe(0xffff);
    expect(GRE.RESERVED0_DISCARD).toBe((1 << (15 - 4)) | (1 << (15 - 5)));
    expect(GRE.NVGRE_FIRST_WORD).toBe(0x20006558);
  });
});
