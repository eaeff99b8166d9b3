/** MAC / IPv4 / IPv6 text <-> bytes: RFC 5952 canonical IPv6 text, RFC 4291 §2.2 input forms, typed errors. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIp, formatIpv4, formatIpv6, formatMac, parseIp, parseMac, putAddress } from '../../src/wire/address.js';
import { NvgreError } from '../../src/wire/errors.js';
import { ipv6Bytes, runs } from '../helpers/arbitraries.js';

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

function errorOf(f: () => unknown): NvgreError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(NvgreError);
    return e as NvgreError;
  }
  throw new Error('expected an NvgreError');
}

describe('IPv6 text (RFC 5952)', () => {
  const canonical: [string, string][] = [
    ['2001:db8::1', '20010db8000000000000000000000001'],
    ['::', '00000000000000000000000000000000'],
    ['::1', '00000000000000000000000000000001'],
    ['1::', '00010000000000000000000000000000'],
    ['2001:db8::1:0:0:1', '20010db8000000000001000000000001'], // §4.2.3: the first of two equal runs
    ['2001:db8:0:1:1:1:1:1', '20010db8000000010001000100010001'], // §4.2.2: one 0 group is not compressed
    ['2001:0:0:1::1', '20010000000000010000000000000001'], // §4.2.3: the longest run
    ['fe80::', 'fe800000000000000000000000000000'],
    ['1:2:3:4:5:6:7:8', '00010002000300040005000600070008'],
    ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'ffffffffffffffffffffffffffffffff'],
  ];

  for (const [text, bytes] of canonical) {
    it(`${text} parses and formats back canonically`, () => {
      expect(hex(parseIp(text))).toBe(bytes);
      expect(formatIpv6(Buffer.from(bytes, 'hex'))).toBe(text);
    });
  }

  it('non-canonical inputs parse and format to the canonical form', () => {
    const cases: [string, string][] = [
      ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
      ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
      ['2001:DB8::A', '2001:db8::a'],
      ['0:0:0:0:0:0:0:1', '::1'],
      ['2001:db8:0:0:0:0:2:1', '2001:db8::2:1'],
      ['1:0:0:2:0:0:0:3', '1:0:0:2::3'],
    ];
    for (const [input, out] of cases) expect(formatIpv6(parseIp(input))).toBe(out);
  });

  it('embedded IPv4 forms parse (RFC 4291 §2.2 form 3)', () => {
    expect(hex(parseIp('::ffff:192.0.2.1'))).toBe('00000000000000000000ffffc0000201');
    expect(hex(parseIp('64:ff9b::198.51.100.7'))).toBe('0064ff9b0000000000000000c6336407');
    expect(hex(parseIp('0:0:0:0:0:ffff:1.2.3.4'))).toBe('00000000000000000000ffff01020304');
  });

  it('formats at an offset inside a larger buffer', () => {
    const b = new Uint8Array(20).fill(0xff);
    b.set(parseIp('2001:db8::1'), 3);
    expect(formatIpv6(b, 3)).toBe('2001:db8::1');
    expect(formatIp(b, 3, 6)).toBe('2001:db8::1');
  });

  it('random addresses: format is canonical (lowercase, no leading zeros, no single-group "::") and parses back', () => {
    fc.assert(
      fc.property(ipv6Bytes, (b) => {
        const text = formatIpv6(b);
        expect(hex(parseIp(text))).toBe(hex(b));
        expect(text).toBe(text.toLowerCase());
        expect(text).not.toMatch(/(^|:)0[0-9a-f]/);
        expect(text.split('::').length).toBeLessThanOrEqual(2);
        // A "::" must stand for at least two groups: 8 groups minus those shown.
        if (text.includes('::')) {
          const shown = text.split('::').flatMap((h) => (h === '' ? [] : h.split(':'))).length;
          expect(8 - shown).toBeGreaterThanOrEqual(2);
        } else {
          expect(text.split(':')).toHaveLength(8);
        }
      }),
      { numRuns: runs(500) },
    );
  });

  const invalid = [
    '',
    ':',
    ':::',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7',
    '1::2::3',
    '12345::1',
    'g::1',
    '1:2:3:4:5:6:7::8', // "::" with no group left to stand for
    '::1.2.3',
    '::1.2.3.256',
    '::1.2.3.4:5',
    ':1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:',
    '2001:db8::1 ',
    '2001:db8::1%eth0',
  ];
  for (const text of invalid) {
    it(`rejects ${JSON.stringify(text)} with INVALID_ARGUMENT`, () => {
      const e = errorOf(() => parseIp(text, 'srcIp'));
      expect(e.code).toBe('INVALID_ARGUMENT');
      expect(e.layer).toBe('argument');
      expect(e.message).toContain('srcIp');
    });
  }
});

describe('IPv4 text', () => {
  it('parses dotted quads and formats them back', () => {
    expect(Array.from(parseIp('192.0.2.1'))).toEqual([192, 0, 2, 1]);
    expect(Array.from(parseIp('0.0.0.0'))).toEqual([0, 0, 0, 0]);
    expect(Array.from(parseIp('255.255.255.255'))).toEqual([255, 255, 255, 255]);
    expect(formatIpv4(Uint8Array.of(9, 10, 100, 17, 1, 2), 2)).toBe('100.17.1.2');
    expect(formatIp(Uint8Array.of(10, 0, 0, 1), 0, 4)).toBe('10.0.0.1');
  });

  for (const text of ['1.2.3', '1.2.3.4.5', '256.0.0.1', '01.2.3.4', '1.2.3.-4', '1.2.3.4 ', 'a.b.c.d', '1..2.3']) {
    it(`rejects ${JSON.stringify(text)}`, () => {
      expect(errorOf(() => parseIp(text)).code).toBe('INVALID_ARGUMENT');
    });
  }

  it('random quads round trip', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 4, maxLength: 4 }), (b) => {
        expect(Array.from(parseIp(formatIpv4(b)))).toEqual(Array.from(b));
      }),
      { numRuns: runs(200) },
    );
  });
});

describe('raw address bytes', () => {
  it('accepts 4 and 16 bytes and returns a copy', () => {
    const b = Uint8Array.of(1, 2, 3, 4);
    const out = parseIp(b);
    expect(Array.from(out)).toEqual([1, 2, 3, 4]);
    out[0] = 9;
    expect(b[0]).toBe(1);
    expect(parseIp(new Uint8Array(16))).toHaveLength(16);
  });

  it('rejects other lengths and non-string, non-byte values', () => {
    for (const v of [new Uint8Array(5), new Uint8Array(0), 42, null, undefined, {}, ['1.2.3.4']]) {
      expect(errorOf(() => parseIp(v as never)).code).toBe('INVALID_ARGUMENT');
    }
  });
});

describe('MAC addresses', () => {
  it('parses colon and dash forms, any case, and formats lowercase', () => {
    expect(Array.from(parseMac('02:00:5E:10:00:fF'))).toEqual([2, 0, 0x5e, 0x10, 0, 0xff]);
    expect(Array.from(parseMac('a-b-c-d-e-f'))).toEqual([10, 11, 12, 13, 14, 15]);
    expect(formatMac(Uint8Array.of(0xde, 0xad, 0xbe, 0xef, 0x00, 0x0a))).toBe('de:ad:be:ef:00:0a');
    expect(formatMac(Uint8Array.of(9, 9, 1, 2, 3, 4, 5, 6), 2)).toBe('01:02:03:04:05:06');
  });

  it('copies byte input', () => {
    const b = Uint8Array.of(1, 2, 3, 4, 5, 6);
    const out = parseMac(b);
    out[0] = 0;
    expect(b[0]).toBe(1);
  });

  for (const v of ['', '02:00:00:00:00', '02:00:00:00:00:00:00', '002:00:00:00:00:00', 'zz:00:00:00:00:00', '02.00.00.00.00.00', new Uint8Array(5), 7]) {
    it(`rejects ${v instanceof Uint8Array ? `${v.length} bytes` : JSON.stringify(v)} with INVALID_ARGUMENT naming the argument`, () => {
      const e = errorOf(() => parseMac(v as never, 'dstMac'));
      expect(e.code).toBe('INVALID_ARGUMENT');
      expect(e.message).toContain('dstMac');
    });
  }

  it('random MACs round trip', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 6, maxLength: 6 }), (b) => {
        expect(Array.from(parseMac(formatMac(b)))).toEqual(Array.from(b));
      }),
      { numRuns: runs(200) },
    );
  });

  // formatMac and formatIpv4 keep a direct-mapped memo of recent texts. Addresses drawn from a few
  // byte values repeat and share memo slots, so a memo that matched on part of the key (or kept a
  // stale text) would show here as a wrong text; the reference joins the bytes independently.
  it('memoised texts: repeated and slot-sharing addresses always format as their own bytes', () => {
    const byte = fc.constantFrom(0x00, 0x01, 0x40, 0x80, 0xfe, 0xff);
    const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(':');
    fc.assert(
      fc.property(fc.array(fc.array(byte, { minLength: 6, maxLength: 6 }), { minLength: 1, maxLength: 40 }), (macs) => {
        for (const m of [...macs, ...macs]) {
          const b = Uint8Array.from(m);
          expect(formatMac(b)).toBe(hex(b));
          expect(formatIpv4(b, 2)).toBe(m.slice(2).join('.'));
        }
      }),
      { numRuns: runs(300) },
    );
  });
});

describe('putAddress (the builders’ address copy)', () => {
  // It copies without set() for speed, and must still behave exactly like
  // `target.set(src.subarray(0, n), at)`, including when src is a view of the same bytes it writes.
  it('equals set() for 4-, 6- and 16-byte addresses, overlapping or not', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 40, maxLength: 40 }),
        fc.constantFrom(4, 6, 16),
        fc.nat(23),
        fc.nat(23),
        fc.boolean(),
        (bytes, n, at, from, sameBuffer) => {
          const expected = bytes.slice();
          const actual = bytes.slice();
          const srcOf = (t: Uint8Array) => (sameBuffer ? t.subarray(from, from + n) : bytes.slice(from, from + n));
          expected.set(srcOf(expected).slice(), at);
          putAddress(actual, at, srcOf(actual), n);
          expect(Array.from(actual)).toEqual(Array.from(expected));
        },
      ),
      { numRuns: runs(500) },
    );
  });
});
