/**
 * RFC 1071 one's-complement sums (odd lengths, unaligned offsets, the 32-bit word loop from 64 bytes
 * on, views at odd byteOffsets), RFC 1624 incremental update, and pseudo-header sums.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addSum,
  fold,
  internetChecksum,
  ipv4PseudoHeaderSum,
  ipv6PseudoHeaderSum,
  onesComplementSum,
  updateChecksum16,
  updateChecksum32,
} from '../../src/wire/checksum.js';
import { parseIp } from '../../src/wire/address.js';
import { fillIpv4Checksum, ipv4ChecksumValid } from '../../src/wire/ipv4.js';
import { runs } from '../helpers/arbitraries.js';

/** The reference: big-endian byte pairs from `offset`, an odd last byte padded on the right, folded at the end. */
function naiveSum(b: Uint8Array, offset: number, length: number, initial = 0): number {
  let s = initial;
  for (let i = 0; i < length; i += 2) s += (b[offset + i]! << 8) | (i + 1 < length ? b[offset + i + 1]! : 0);
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return s;
}

/** A view of `length` random bytes at `byteOffset` inside a bigger buffer with other bytes around. */
const unalignedBytes = fc
  .record({
    data: fc.oneof(fc.uint8Array({ maxLength: 63 }), fc.uint8Array({ minLength: 64, maxLength: 2000 })),
    byteOffset: fc.integer({ min: 0, max: 11 }),
    slack: fc.integer({ min: 0, max: 7 }),
  })
  .map(({ data, byteOffset, slack }) => {
    const buf = new Uint8Array(byteOffset + data.length + slack).fill(0xee);
    buf.set(data, byteOffset);
    return buf.subarray(byteOffset, byteOffset + data.length);
  });

describe('onesComplementSum (RFC 1071)', () => {
  it('RFC 1071 §3 numerical example: 00 01 f2 03 f4 f5 f6 f7 sums to 0xddf2 (checksum 0x220d)', () => {
    const b = Uint8Array.of(0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7);
    expect(onesComplementSum(b, 0, 8)).toBe(0xddf2);
    expect(internetChecksum(b)).toBe(0x220d);
  });

  it('pads an odd trailing byte on the right and reads words from the given (odd) offset', () => {
    const b = Uint8Array.of(0xff, 0x12, 0x34, 0x56);
    expect(onesComplementSum(b, 1, 3)).toBe(0x1234 + 0x5600);
    expect(onesComplementSum(b, 0, 1)).toBe(0xff00);
    expect(onesComplementSum(b, 2, 0)).toBe(0);
    expect(onesComplementSum(b, 0, 0, 0x1234)).toBe(0x1234);
  });

  it('end-around carry: 0xffff + 0x0001 folds to 0x0001', () => {
    expect(onesComplementSum(Uint8Array.of(0xff, 0xff, 0x00, 0x01), 0, 4)).toBe(0x0001);
    expect(fold(0x1fffe)).toBe(0xffff);
    expect(fold(0)).toBe(0);
    expect(addSum(0xffff, 0xffff)).toBe(0xffff);
    expect(addSum(0x8000, 0x8001)).toBe(0x0002);
  });

  it('equals a naive byte-pair reference over random bytes, offsets, lengths (word loop ≥ 64 included) and odd byteOffsets', () => {
    fc.assert(
      fc.property(unalignedBytes, fc.nat(), fc.nat(), fc.integer({ min: 0, max: 0xffff }), (view, x, y, initial) => {
        const offset = view.length === 0 ? 0 : x % view.length;
        const length = y % (view.length - offset + 1);
        expect(onesComplementSum(view, offset, length)).toBe(naiveSum(view, offset, length));
        expect(onesComplementSum(view, offset, length, initial)).toBe(naiveSum(view, offset, length, initial));
      }),
      { numRuns: runs(500) },
    );
  });

  it('long sums at every alignment of offset, byteOffset and length (the word loop head, body and tail)', () => {
    const data = Uint8Array.from({ length: 300 }, (_, i) => (i * 151 + 89) & 0xff);
    for (let byteOffset = 0; byteOffset < 4; byteOffset++) {
      const buf = new Uint8Array(byteOffset + data.length).fill(0xaa);
      buf.set(data, byteOffset);
      const view = buf.subarray(byteOffset);
      for (let offset = 0; offset < 4; offset++) {
        for (let length = 60; length < 72; length++) {
          expect(onesComplementSum(view, offset, length), `byteOffset ${byteOffset} offset ${offset} length ${length}`).toBe(naiveSum(view, offset, length));
        }
      }
    }
  });

  it('all-0xff input longer than 2^20 words stays exact', () => {
    const big = new Uint8Array((1 << 22) + 6).fill(0xff);
    expect(onesComplementSum(big, 1, big.length - 1)).toBe(naiveSum(big, 1, big.length - 1));
  });

  it('alternating between two buffers gives each its own sum (no stale cached view)', () => {
    const a = new Uint8Array(128).fill(1);
    const b = new Uint8Array(128).fill(2);
    for (let i = 0; i < 3; i++) {
      expect(onesComplementSum(a, 0, 128)).toBe(0x0101 * 64);
      expect(onesComplementSum(b, 0, 128)).toBe(0x0202 * 64);
    }
  });

  it('a checksum filled into data makes the whole verify (sum 0xffff, checksum 0)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 2, maxLength: 200 }).map((d) => (d.length % 2 ? d.subarray(1) : d)), (d) => {
        const b = d.slice();
        b[0] = 0;
        b[1] = 0;
        const c = internetChecksum(b);
        b[0] = c >>> 8;
        b[1] = c & 0xff;
        if (b.some((x) => x !== 0)) expect(onesComplementSum(b, 0, b.length)).toBe(0xffff);
        expect(internetChecksum(b)).toBe(b.some((x) => x !== 0) ? 0 : 0xffff);
      }),
      { numRuns: runs(200) },
    );
  });
});

describe('updateChecksum16 (RFC 1624)', () => {
  it('RFC 1624 §4 example: other words sum 0xCD7A, m = 0x5555 gives HC = 0xDD2F; m\' = 0x3285 gives 0x0000 by Eqn. 3', () => {
    expect(internetChecksum(Uint8Array.of(0xcd, 0x7a, 0x55, 0x55))).toBe(0xdd2f);
    expect(updateChecksum16(0xdd2f, 0x5555, 0x3285)).toBe(0x0000);
    expect(internetChecksum(Uint8Array.of(0xcd, 0x7a, 0x32, 0x85))).toBe(0x0000);
  });

  it('no change, no update', () => {
    expect(updateChecksum16(0x1234, 0xabcd, 0xabcd)).toBe(0x1234);
  });

  const header = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((h) => {
    h[0] = 0x45;
    fillIpv4Checksum(h, 0, 20);
    return h;
  });

  it('equals recomputation on random IPv4 headers for any 16-bit word changing', () => {
    fc.assert(
      fc.property(header, fc.integer({ min: 0, max: 9 }).filter((w) => w !== 5), fc.integer({ min: 0, max: 0xffff }), (h, word, value) => {
        const old = (h[2 * word]! << 8) | h[2 * word + 1]!;
        const hc = (h[10]! << 8) | h[11]!;
        const updated = updateChecksum16(hc, old, value);
        const n = h.slice();
        n[2 * word] = value >>> 8;
        n[2 * word + 1] = value & 0xff;
        const recomputed = fillIpv4Checksum(n.slice(), 0, 20);
        expect(updated).toBe(recomputed);
        n[10] = updated >>> 8;
        n[11] = updated & 0xff;
        expect(ipv4ChecksumValid(n, 0, 20)).toBe(true);
      }),
      { numRuns: runs(500) },
    );
  });

  it('updateChecksum32 equals recomputation when an address changes', () => {
    fc.assert(
      fc.property(header, fc.integer({ min: 0, max: 0xffffffff }), fc.boolean(), (h, addr, dst) => {
        const at = dst ? 16 : 12;
        const old = ((h[at]! << 24) | (h[at + 1]! << 16) | (h[at + 2]! << 8) | h[at + 3]!) >>> 0;
        const updated = updateChecksum32((h[10]! << 8) | h[11]!, old, addr);
        const n = h.slice();
        n[at] = addr >>> 24;
        n[at + 1] = (addr >>> 16) & 0xff;
        n[at + 2] = (addr >>> 8) & 0xff;
        n[at + 3] = addr & 0xff;
        expect(updated).toBe(fillIpv4Checksum(n, 0, 20));
      }),
      { numRuns: runs(300) },
    );
  });
});

describe('pseudo-header sums', () => {
  it('IPv4 (RFC 9293 §3.1): 192.0.2.1 → 198.51.100.2, TCP, 20 bytes = 0xec51 by hand', () => {
    // 0xc000 + 0x0201 + 0xc633 = 0x18834 → 0x8835; + 0x6402 = 0xec37; + 0x0006 + 0x0014 = 0xec51.
    const b = new Uint8Array(12);
    b.set(parseIp('192.0.2.1'), 3);
    b.set(parseIp('198.51.100.2'), 7);
    expect(ipv4PseudoHeaderSum(b, 3, 6, 20)).toBe(0xec51);
  });

  it('IPv6 (RFC 8200 §8.1): 2001:db8::1 → 2001:db8::2, UDP, length 0x12345 (32-bit length field) = 0x7ecc by hand', () => {
    // 2·0x2001 + 2·0x0db8 + 1 + 2 + 0x11 + 0x0001 + 0x2345 = 0x7ecc
    const src = parseIp('2001:db8::1');
    const buf = new Uint8Array(21);
    buf.set(parseIp('2001:db8::2'), 5);
    expect(ipv6PseudoHeaderSum(src, 0, buf, 5, 17, 0x12345)).toBe(0x7ecc);
  });

  it('IPv4 pseudo-header sum equals the naive sum of the 12-byte pseudo-header', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 8, maxLength: 8 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 0xffff }), (addrs, proto, len) => {
        const ph = new Uint8Array(12);
        ph.set(addrs);
        ph[9] = proto;
        ph[10] = len >>> 8;
        ph[11] = len & 0xff;
        expect(ipv4PseudoHeaderSum(addrs, 0, proto, len)).toBe(naiveSum(ph, 0, 12));
      }),
      { numRuns: runs(200) },
    );
  });

  it('IPv6 pseudo-header sum equals the naive sum of the 40-byte pseudo-header', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 0xffffffff }), (addrs, nh, len) => {
        const ph = new Uint8Array(40);
        ph.set(addrs);
        ph[32] = len >>> 24;
        ph[33] = (len >>> 16) & 0xff;
        ph[34] = (len >>> 8) & 0xff;
        ph[35] = len & 0xff;
        ph[39] = nh;
        expect(ipv6PseudoHeaderSum(addrs, 0, addrs, 16, nh, len)).toBe(naiveSum(ph, 0, 40));
      }),
      { numRuns: runs(200) },
    );
  });
});
