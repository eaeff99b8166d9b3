/**
 * The doctor's address names (src/diagnose/doctor/names.ts): the same string object for the same
 * address bytes, the text formatIp gives, distinct addresses apart (IPv6 differing in any one of its
 * four words), and past the cap the right text, only no longer kept.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AddressNames } from '../../src/diagnose/doctor/names.js';
import { formatIp } from '../../src/wire/address.js';

describe('AddressNames', () => {
  it('hands out the text formatIp gives, the same object each time for the same bytes at any offset', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.nat(7), fc.constantFrom<4 | 6>(4, 6), (address, at, version) => {
        const names = new AddressNames();
        const a = new Uint8Array(40);
        a.set(address, at);
        const b = new Uint8Array(40);
        b.set(address, at + 3);
        const first = names.name(a, at, version);
        expect(first).toBe(formatIp(address, 0, version));
        expect(Object.is(names.name(b, at + 3, version), first)).toBe(true);
      }),
    );
  });

  it('tells apart IPv6 addresses that differ in one word, and IPv4 from IPv6 with the same first bytes', () => {
    const names = new AddressNames();
    const base = Uint8Array.from({ length: 16 }, (_, i) => i * 17);
    const seen = new Set<string>([names.name(base, 0, 6), names.name(base, 0, 4)]);
    for (let w = 0; w < 4; w++) {
      const other = base.slice();
      other[w * 4 + 3]! ^= 1;
      seen.add(names.name(other, 0, 6));
    }
    expect(seen.size).toBe(6);
  });

  it('past its cap still gives the right text', () => {
    const names = new AddressNames(2);
    const texts = [1, 2, 3, 4, 3, 1].map((n) => names.name(Uint8Array.of(10, 0, 0, n), 0, 4));
    expect(texts).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.3', '10.0.0.1']);
    const v6 = [1, 2, 3].map((n) => names.name(Uint8Array.of(0xfd, 0, ...new Array<number>(13).fill(0), n), 0, 6));
    expect(v6).toEqual(['fd00::1', 'fd00::2', 'fd00::3']);
  });
});
