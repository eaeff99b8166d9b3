/** IPv4 header (RFC 791 §3.1) with options; header checksum (RFC 1071). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseIp } from '../../src/wire/address.js';
import {
  IPV4,
  checkIpv4,
  fillIpv4Checksum,
  ipv4BaseHeaderSum,
  ipv4ChecksumValid,
  ipv4HeaderSum,
  ipv4HeaderChecksum,
  ipv4Length,
  isIpv4Fragment,
  readIpv4,
  writeIpv4,
} from '../../src/wire/ipv4.js';
import { expectNvgreError, hex, hexBytes, placed, prefilled } from './helpers.js';

// IHL 6 (router-alert option 94 04 00 00), TOS 0xb9 (DSCP 46 EF, ECN 1), Total Length 32, ID 0x1c46,
// MF=1 with Fragment Offset 16 (128 bytes), TTL 64, UDP, checksum 0xbc82 (computed by hand with the
// RFC 1071 fold), 192.0.2.1 → 198.51.100.2, then 8 payload bytes.
const HEADER = hexBytes('46b90020 1c462010 4011bc82 c0000201 c6336402 94040000');
const FIXTURE = new Uint8Array([...HEADER, 1, 2, 3, 4, 5, 6, 7, 8]);

describe('IPv4 header', () => {
  it('reads every field of the fixture', () => {
    expect(readIpv4(FIXTURE)).toEqual({
      version: 4,
      headerLength: 24,
      dscp: 46,
      ecn: 1,
      totalLength: 32,
      id: 0x1c46,
      dontFragment: false,
      moreFragments: true,
      fragmentOffset: 128,
      ttl: 64,
      protocol: 17,
      checksum: 0xbc82,
      checksumValid: true,
      src: '192.0.2.1',
      dst: '198.51.100.2',
      options: '94040000',
    });
    expect(isIpv4Fragment(FIXTURE, 0)).toBe(true);
    expect(ipv4HeaderChecksum(FIXTURE, 0, 24)).toBe(0xbc82);
  });

  it('reads at an odd offset inside a larger buffer', () => {
    const b = placed(FIXTURE, 3, 5);
    const h = readIpv4(b, 3, 3 + FIXTURE.length, 'inner-ipv4');
    expect([h.src, h.dst, h.checksumValid, h.options, h.totalLength]).toEqual(['192.0.2.1', '198.51.100.2', true, '94040000', 32]);
    expect(checkIpv4(b, 3, b.length, 'inner-ipv4')).toBe(24);
  });

  it('writes every field into a buffer pre-filled with 0xA5 (checksum computed)', () => {
    const t = prefilled(40);
    const n = writeIpv4(t, 5, {
      src: parseIp('192.0.2.1'),
      dst: parseIp('198.51.100.2'),
      protocol: 17,
      payloadLength: 8,
      dscp: 46,
      ecn: 1,
      id: 0x1c46,
      dontFragment: false,
      moreFragments: true,
      fragmentOffset: 128,
      ttl: 64,
      options: hexBytes('94040000'),
    });
    expect(n).toBe(24);
    expect(ipv4Length({ options: new Uint8Array(4) })).toBe(24);
    expect(hex(t.subarray(5, 29))).toBe(hex(HEADER));
    expect(t.subarray(0, 5).every((x) => x === 0xa5)).toBe(true);
    expect(t.subarray(29).every((x) => x === 0xa5)).toBe(true);
  });

  it('writes DF, a given Total Length and a given checksum verbatim', () => {
    const t = prefilled(20);
    writeIpv4(t, 0, {
      src: parseIp('10.0.0.1'),
      dst: parseIp('10.0.0.2'),
      protocol: 47,
      payloadLength: 100,
      totalLength: 7,
      dontFragment: true,
      checksum: 0x1234,
    });
    // Defaults: TOS 0, ID 0, TTL 64.
    expect(hex(t)).toBe('45000007' + '00004000' + '402f1234' + '0a000001' + '0a000002');
    expect(ipv4ChecksumValid(t, 0, 20)).toBe(false);
    expect(fillIpv4Checksum(t, 0, 20)).toBe(ipv4HeaderChecksum(t, 0, 20));
    expect(ipv4ChecksumValid(t, 0, 20)).toBe(true);
  });

  it('a wrong header checksum is reported, not thrown', () => {
    const b = FIXTURE.slice();
    b[11] = b[11]! ^ 1;
    const h = readIpv4(b);
    expect([h.checksum, h.checksumValid]).toEqual([0xbc83, false]);
    expect(ipv4HeaderChecksum(b, 0, 24)).toBe(0xbc82);
  });

  it('every cut is TRUNCATED with what was needed: 20, then the 24-byte header, then Total Length', () => {
    for (let n = 0; n < FIXTURE.length; n++) {
      const needed = n < 20 ? 20 : n < 24 ? 24 : 32;
      expectNvgreError(() => readIpv4(FIXTURE.subarray(0, n), 0, n, 'outer-ipv4'), { code: 'TRUNCATED', layer: 'outer-ipv4', offset: 0, needed, available: n });
    }
  });

  it('version ≠ 4 is BAD_IP_HEADER', () => {
    const b = placed(FIXTURE, 2);
    b[2] = 0x66;
    expectNvgreError(() => readIpv4(b, 2, b.length, 'inner-ipv4'), { code: 'BAD_IP_HEADER', layer: 'inner-ipv4', offset: 2 });
  });

  it('IHL < 5 is BAD_IP_HEADER', () => {
    for (const ihl of [0, 1, 4]) {
      const b = FIXTURE.slice();
      b[0] = 0x40 | ihl;
      expectNvgreError(() => readIpv4(b), { code: 'BAD_IP_HEADER', layer: 'ipv4', offset: 0 });
    }
  });

  it('Total Length < IHL·4 is BAD_LENGTH at the Total Length field', () => {
    const b = placed(FIXTURE, 1);
    b[1 + 2] = 0;
    b[1 + 3] = 23;
    expectNvgreError(() => readIpv4(b, 1), { code: 'BAD_LENGTH', layer: 'ipv4', offset: 1 + IPV4.TOTAL_LENGTH, needed: 24, available: 23 });
  });

  it('Total Length past the buffer end is TRUNCATED (the datagram is cut short)', () => {
    const b = FIXTURE.slice();
    b[3] = 33;
    expectNvgreError(() => readIpv4(b), { code: 'TRUNCATED', needed: 33, available: 32 });
  });

  it('fragment flags: offset ≠ 0 or MF is a fragment; DF alone is not', () => {
    const flags = (v: number) => {
      const b = FIXTURE.slice();
      b[6] = v >>> 8;
      b[7] = v & 0xff;
      return isIpv4Fragment(b, 0);
    };
    expect([flags(0x4000), flags(0x0000), flags(0x2000), flags(0x0001), flags(0x1fff)]).toEqual([false, false, true, true, true]);
  });
});

describe('ipv4BaseHeaderSum (the decapsulation fast path)', () => {
  it('equals the word-by-word sum of any 20 bytes at any offset', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 20, maxLength: 40 }), fc.nat(20), (bytes, at) => {
        const o = Math.min(at, bytes.length - 20);
        expect(ipv4BaseHeaderSum(bytes, o)).toBe(ipv4HeaderSum(bytes, o, 20));
      }),
      { numRuns: 2000 },
    );
    expect(ipv4BaseHeaderSum(new Uint8Array(20).fill(0xff), 0)).toBe(0xffff);
    expect(ipv4BaseHeaderSum(new Uint8Array(20), 0)).toBe(0);
  });
});
