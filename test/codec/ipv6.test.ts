/** IPv6 fixed header (RFC 8200 §3) and extension-header chain (§4), final destination (§8.1). */
import { describe, expect, it } from 'vitest';
import { parseIp } from '../../src/wire/address.js';
import { IPV6, MAX_EXTENSION_HEADERS, checkIpv6, newIpv6Chain, readIpv6, walkIpv6, writeIpv6 } from '../../src/wire/ipv6.js';
import { expectNvgreError, hex, hexBytes, placed, prefilled } from './helpers.js';

// Version 6, Traffic Class 0xb8 (DSCP 46, ECN 0), Flow Label 0x12345, Payload Length 64,
// Next Header 0 (Hop-by-Hop), Hop Limit 64, 2001:db8::1 → 2001:db8::2;
// Hop-by-Hop (8: PadN) → Routing type 0, Segments Left 2, [2001:db8::aa, 2001:db8::bb] (40)
// → Fragment offset 0, M=1, ID 0xdeadbeef (8) → UDP 3000 → 4000 (8).
const FIXED = hexBytes('6b812345 0040 00 40 20010db8000000000000000000000001 20010db8000000000000000000000002');
const FIXTURE = hexBytes(
  '6b8123450040004020010db800000000000000000000000120010db8000000000000000000000002' +
    '2b00010400000000' +
    '2c0400020000000020010db80000000000000000000000aa20010db80000000000000000000000bb' +
    '11000001deadbeef' +
    '0bb80fa000080000',
);

/** A fixed header followed by `ext` (already linked), payload length covering them. */
function datagram(firstNextHeader: number, ext: Uint8Array): Uint8Array {
  const b = new Uint8Array(40 + ext.length);
  writeIpv6(b, 0, { src: parseIp('2001:db8::1'), dst: parseIp('2001:db8::2'), nextHeader: firstNextHeader, payloadLength: ext.length });
  b.set(ext, 40);
  return b;
}

/** A routing header of `type` with `addrs`, Segments Left `left`, Next Header `nh`. */
function routing(type: number, left: number, addrs: string[], nh = 59): Uint8Array {
  const r = new Uint8Array(8 + 16 * addrs.length);
  r[0] = nh;
  r[1] = 2 * addrs.length;
  r[2] = type;
  r[3] = left;
  if (type === 4) r[4] = addrs.length - 1;
  addrs.forEach((a, i) => r.set(parseIp(a), 8 + 16 * i));
  return r;
}

describe('IPv6 header', () => {
  it('reads every field of the fixture, extension chain included', () => {
    expect(readIpv6(FIXTURE)).toEqual({
      version: 6,
      trafficClass: 0xb8,
      dscp: 46,
      ecn: 0,
      flowLabel: 0x12345,
      payloadLength: 64,
      nextHeader: 0,
      hopLimit: 64,
      src: '2001:db8::1',
      dst: '2001:db8::2',
      extensionHeaders: [
        { type: 0, offset: 40, length: 8 },
        { type: 43, offset: 48, length: 40 },
        { type: 44, offset: 88, length: 8 },
      ],
      upperProtocol: 17,
      upperOffset: 96,
      fragment: { offset: 0, moreFragments: true, id: 0xdeadbeef },
      finalDestination: '2001:db8::bb',
    });
  });

  it('walks with absolute offsets inside a larger buffer', () => {
    const b = placed(FIXTURE, 7, 4);
    const end = checkIpv6(b, 7, b.length, 'outer-ipv6');
    expect(end).toBe(7 + 104);
    const chain = walkIpv6(b, 7, end, 'outer-ipv6', newIpv6Chain(), true);
    expect(chain).toEqual({
      upperProtocol: 17,
      upperOffset: 7 + 96,
      fragmentOffset: 7 + 88,
      fragmentDataOffset: 0,
      moreFragments: true,
      finalDestinationOffset: 7 + 48 + 8 + 16,
      extensionLength: 56,
      headers: [
        { type: 0, offset: 47, length: 8 },
        { type: 43, offset: 55, length: 40 },
        { type: 44, offset: 95, length: 8 },
      ],
    });
  });

  it('writes every fixed-header field into a buffer pre-filled with 0xA5', () => {
    const t = prefilled(46);
    const n = writeIpv6(t, 3, {
      src: parseIp('2001:db8::1'),
      dst: parseIp('2001:db8::2'),
      nextHeader: 0,
      payloadLength: 64,
      dscp: 46,
      ecn: 0,
      flowLabel: 0x12345,
      hopLimit: 64,
    });
    expect(n).toBe(IPV6.HEADER_LENGTH);
    expect(hex(t.subarray(3, 43))).toBe(hex(FIXED));
    expect([...t.subarray(0, 3), ...t.subarray(43)].every((x) => x === 0xa5)).toBe(true);
  });

  it('writes ECN into the low Traffic Class bits and masks the flow label to 20 bits', () => {
    const t = prefilled(40);
    writeIpv6(t, 0, { src: new Uint8Array(16), dst: new Uint8Array(16), nextHeader: 47, payloadLength: 0, dscp: 63, ecn: 3, flowLabel: 0xfffff });
    expect(hex(t.subarray(0, 8))).toBe('6fffffff' + '00002f40');
  });

  it('every cut is TRUNCATED: first the 40-byte header, then the Payload Length', () => {
    for (let n = 0; n < FIXTURE.length; n++) {
      expectNvgreError(() => readIpv6(FIXTURE.subarray(0, n), 0, n, 'inner-ipv6'), {
        code: 'TRUNCATED',
        layer: 'inner-ipv6',
        offset: 0,
        needed: n < 40 ? 40 : 104,
        available: n,
      });
    }
  });

  it('version ≠ 6 is BAD_IP_HEADER', () => {
    const b = placed(FIXTURE, 1);
    b[1] = 0x4b;
    expectNvgreError(() => readIpv6(b, 1), { code: 'BAD_IP_HEADER', layer: 'ipv6', offset: 1 });
  });

  it('an extension header longer than the datagram is TRUNCATED at that header', () => {
    const ext = hexBytes('3b01000000000000'); // Destination Options claiming 16 bytes, 8 present
    expectNvgreError(() => readIpv6(datagram(60, ext)), { code: 'TRUNCATED', offset: 40, needed: 16, available: 8 });
    expectNvgreError(() => readIpv6(datagram(60, hexBytes('3b0100'))), { code: 'TRUNCATED', offset: 40, needed: 8, available: 3 });
  });

  it('Hop-by-Hop anywhere but first is BAD_IP_HEADER at its offset', () => {
    // Destination Options → Hop-by-Hop → No Next Header
    const ext = hexBytes('0000010400000000 3b00010400000000');
    expectNvgreError(() => readIpv6(datagram(60, ext)), { code: 'BAD_IP_HEADER', layer: 'ipv6', offset: 48 });
  });

  it(`${MAX_EXTENSION_HEADERS} extension headers are walked; one more is BAD_IP_HEADER`, () => {
    const chain = (count: number) => {
      const ext = new Uint8Array(8 * count);
      for (let i = 0; i < count; i++) {
        ext[8 * i] = i === count - 1 ? 59 : 60;
        ext[8 * i + 2] = 1; // PadN
        ext[8 * i + 3] = 4;
      }
      return datagram(60, ext);
    };
    const ok = readIpv6(chain(MAX_EXTENSION_HEADERS));
    expect([ok.extensionHeaders.length, ok.upperProtocol, ok.upperOffset]).toEqual([64, 59, 40 + 8 * 64]);
    expectNvgreError(() => readIpv6(chain(MAX_EXTENSION_HEADERS + 1)), { code: 'BAD_IP_HEADER', offset: 40 + 8 * 64 });
  });

  it('a non-first fragment has no upper-layer header: upperOffset -1, upperProtocol from the Fragment header', () => {
    // Fragment: Next Header 6, offset 1480, M=0, ID 7; then fragment data that looks like a header.
    const ext = hexBytes('060005c800000007 2b000000ffffffff');
    const h = readIpv6(datagram(44, ext));
    expect([h.upperProtocol, h.upperOffset]).toEqual([6, -1]);
    expect(h.fragment).toEqual({ offset: 1480, moreFragments: false, id: 7 });
    expect(h.extensionHeaders).toEqual([{ type: 44, offset: 40, length: 8 }]);
  });

  it('Authentication Header length counts 4-byte units plus 2 (RFC 4302 §2.2)', () => {
    const ah = new Uint8Array(24);
    ah[0] = 17;
    ah[1] = 4; // (4 + 2) · 4 = 24
    const h = readIpv6(datagram(51, new Uint8Array([...ah, ...hexBytes('0bb80fa000080000')])));
    expect(h.extensionHeaders).toEqual([{ type: 51, offset: 40, length: 24 }]);
    expect([h.upperProtocol, h.upperOffset]).toEqual([17, 64]);
  });

  describe('final destination for the pseudo-header (RFC 8200 §8.1)', () => {
    const cases: [string, Uint8Array, string][] = [
      ['type 0: the last address', routing(0, 2, ['2001:db8::a', '2001:db8::b']), '2001:db8::b'],
      ['type 2 (RFC 6275 §6.4): the home address', routing(2, 1, ['2001:db8::4']), '2001:db8::4'],
      ['type 4 SRH (RFC 8754 §2): Segment List[0]', routing(4, 2, ['2001:db8::f', '2001:db8::e', '2001:db8::d']), '2001:db8::f'],
      ['Segments Left 0: the Destination field', routing(0, 0, ['2001:db8::a']), '2001:db8::2'],
      ['an unknown routing type: the Destination field', routing(3, 1, ['2001:db8::a']), '2001:db8::2'],
    ];
    for (const [name, rh, final] of cases) {
      it(name, () => {
        const h = readIpv6(datagram(43, rh));
        expect(h.finalDestination).toBe(final);
        expect(h.dst).toBe('2001:db8::2');
        expect(h.upperProtocol).toBe(59);
      });
    }
  });
});
