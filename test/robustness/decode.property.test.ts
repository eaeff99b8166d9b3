/**
 * Robustness of everything that decodes untrusted frame bytes (issue 6), over the whole matrix, the
 * Scapy vectors and every corpus frame, as is and made hostile (random bytes, truncations, single- and
 * multi-byte mutations), each input embedded at a random byteOffset among guard bytes:
 *
 * - the result (or the NvgreError, as `toInfo()`) equals that of a fresh copy, under two different
 *   guard patterns — so no byte outside the given range influences a result;
 * - nothing is written: not the input, not a guard byte;
 * - only NvgreError is ever thrown; lint, tryDecapsulate and parseFrame({ partial }) never throw;
 * - views and offsets a result hands back lie inside the given range.
 *
 * Run counts: modest here; `npm run fuzz` (vitest.fuzz.config.ts) runs the same properties at scale.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NvgreError } from '../../src/wire/errors.js';
import {
  FrameLayout,
  coalesce,
  ecmpHash,
  fillChecksums,
  checkIpv4,
  checkIpv6,
  checkTcp,
  checkUdp,
  decapsulate,
  ethernetHeaderLength,
  fillIpv4Checksum,
  innerFlowHash,
  internetChecksum,
  ipv4ChecksumValid,
  ipv4HeaderChecksum,
  ipv4HeaderSum,
  ipv4PseudoHeaderSum,
  ipv6PseudoHeaderSum,
  lint,
  ndisOffsetsOf,
  newIpv6Chain,
  onesComplementSum,
  parseFrame,
  pseudoHeaderSum,
  readEthernet,
  readGre,
  readIcmp,
  readIpv4,
  readIpv6,
  readTcp,
  readUdp,
  transportChecksumValid,
  tryDecapsulate,
  verifyChecksums,
  walkFrame,
  walkIpv6,
  type Decapsulated,
  type ParsedFrame,
} from '../../src/index.js';
import { decapsulatedFields } from '../helpers/decapsulated.js';
import { check, embed, hostileFrame, never, outcome, placement, reportCounts, runsOf, sameEverywhere, type Placement } from './harness.js';

reportCounts('decode');

function summary(d: Decapsulated, view: Uint8Array) {
  // Never outside the given range; zero copy, unless acceptPriorityTag removed a tag (then a copy of
  // exactly the tagged bytes without the 4 tag bytes).
  expect(d.innerOffset + d.innerLength).toBeLessThanOrEqual(view.length);
  const tagged = view.subarray(d.innerOffset, d.innerOffset + d.innerLength);
  if (d.priorityTag === null) {
    expect(d.inner.buffer).toBe(view.buffer);
    expect(d.inner.byteOffset).toBe(view.byteOffset + d.innerOffset);
  } else {
    expect(d.inner.buffer).not.toBe(view.buffer);
    expect(d.priorityTag.id).toBe(0);
    expect(Array.from(d.inner)).toEqual([...tagged.subarray(0, 12), ...tagged.subarray(16)]);
  }
  return decapsulatedFields(d);
}

/** Every frame, payload and extension-header range of a parse lies inside the frame. */
function inRange(p: ParsedFrame, length: number): void {
  expect(p.offset + p.length).toBeLessThanOrEqual(length);
  expect(p.payload.offset + p.payload.length).toBeLessThanOrEqual(length);
  if (p.ip?.version === 6) for (const x of p.ip.extensionHeaders) expect(x.offset + x.length).toBeLessThanOrEqual(length);
  if (p.inner) inRange(p.inner, length);
}

type Values<E> = { [K in keyof E]: E[K] extends fc.Arbitrary<infer T> ? T : never };

/** A hostile frame, a placement, and the extra arbitraries' values. */
function input<E extends Record<string, fc.Arbitrary<unknown>>>(extra?: E): fc.Arbitrary<{ frame: Uint8Array; p: Placement } & Values<E>> {
  return fc.record({ frame: hostileFrame, p: placement, ...(extra ?? {}) }) as unknown as fc.Arbitrary<{ frame: Uint8Array; p: Placement } & Values<E>>;
}

describe('decapsulate / tryDecapsulate', () => {
  it('same result or error at any byteOffset, among any guard bytes; nothing written; try* agrees and never throws', () => {
    check(
      'decapsulate',
      input({ strict: fc.boolean(), acceptPriorityTag: fc.boolean() }),
      ({ frame, p, strict, acceptPriorityTag }) => {
        const options = { strict: strict as boolean, acceptPriorityTag: acceptPriorityTag as boolean };
        const o = sameEverywhere(frame, p as Placement, (v) => summary(decapsulate(v, options), v));
        const t = never('tryDecapsulate', () => tryDecapsulate(frame, options));
        if (o.ok) expect(t.ok).toBe(true);
        else {
          expect(t.ok).toBe(false);
          const thrown = JSON.parse(o.error) as { code: string; layer: string; offset: number; message: string };
          if (!t.ok) {
            expect(t.error.code).toBe(thrown.code);
            // decapsulate's message is exactly the try* message with one "CODE at layer offset N: " prefix.
            expect(thrown.message).toBe(`${t.error.code} at ${t.error.layer} offset ${t.error.offset}: ${t.error.message}`);
            expect(t.error.message, 'the try* message carries a code prefix').not.toMatch(/^[A-Z_]+ at \S+ offset \d+: /);
          }
        }
      },
      runsOf(1000, 0.12),
    );
  });
});

describe('parseFrame', () => {
  it('throwing and partial modes: same result at any byteOffset; partial never throws and ends with the thrown error', () => {
    check(
      'parseFrame',
      input({ maxDepth: fc.integer({ min: 1, max: 6 }) }),
      ({ frame, p, maxDepth }) => {
        const depth = maxDepth as number;
        const thrown = sameEverywhere(frame, p as Placement, (v) => parseFrame(v, { maxDepth: depth }));
        const partial = sameEverywhere(frame, p as Placement, (v) => never('parseFrame partial', () => parseFrame(v, { maxDepth: depth, partial: true })));
        expect(partial.ok).toBe(true);
        const parsed = JSON.parse(partial.ok ? partial.value : '{}') as ParsedFrame;
        inRange(parsed, frame.length);
        let deepest = parsed;
        while (deepest.inner) deepest = deepest.inner;
        const error = deepest.error ?? parsed.error;
        if (thrown.ok) {
          expect(error).toBeUndefined();
          expect(partial).toEqual(thrown);
        } else {
          expect(error).toEqual(JSON.parse(thrown.error));
        }
      },
      runsOf(700, 0.1),
    );
  });
});

describe('lint', () => {
  it('never throws on any bytes; same findings at any byteOffset; findings point inside the frame', () => {
    check(
      'lint',
      input({ mtu: fc.option(fc.integer({ min: 68, max: 9000 }), { nil: undefined }), legacyKeyView: fc.boolean(), maxDepth: fc.integer({ min: 1, max: 8 }) }),
      ({ frame, p, mtu, legacyKeyView, maxDepth }) => {
        const options = { ...(mtu !== undefined ? { mtu: mtu as number } : {}), legacyKeyView: legacyKeyView as boolean, maxDepth: maxDepth as number };
        const o = sameEverywhere(frame, p as Placement, (v) => never('lint', () => lint(v, options)));
        for (const f of JSON.parse(o.ok ? o.value : '[]') as Array<{ offset: number }>) {
          expect(f.offset).toBeGreaterThanOrEqual(0);
          expect(f.offset).toBeLessThanOrEqual(frame.length);
        }
      },
      runsOf(700, 0.1),
    );
  });
});

const verifyOptions = fc.constantFrom<Parameters<typeof verifyChecksums>[1]>(
  undefined,
  { lenient: true },
  { nblFlagsFrom: 'outer' },
  { partialAsSeed: true },
  { udpZeroChecksumPorts: [53, 4789] },
  { encapsulatedPacketTaskOffload: false },
  { capabilities: 0b0101 },
);

describe('verifyChecksums', () => {
  it('same report at any byteOffset; the fast path and the general walk report the same', () => {
    check(
      'verifyChecksums',
      input({ options: verifyOptions }),
      ({ frame, p, options }) => {
        const o = options as Parameters<typeof verifyChecksums>[1];
        sameEverywhere(frame, p as Placement, (v) => verifyChecksums(v, o));
        // capabilities 15 covers every version: same semantics, but always the general walk.
        const fast = outcome(() => verifyChecksums(frame));
        const general = outcome(() => verifyChecksums(frame, { capabilities: 15 }));
        expect(fast).toEqual(general);
      },
      runsOf(700, 0.08),
    );
  });
});

describe('walkFrame, ndisOffsetsOf, innerFlowHash, ecmpHash', () => {
  it('same layout, offsets and hash at any byteOffset; every offset inside the frame', () => {
    check(
      'walkFrame+ndisOffsetsOf+innerFlowHash',
      input({ lenient: fc.boolean() }),
      ({ frame, p, lenient }) => {
        const o = sameEverywhere(frame, p as Placement, (v) => walkFrame(v, new FrameLayout(), 0, v.length, { lenient: lenient as boolean }));
        if (o.ok) {
          const l = JSON.parse(o.value) as FrameLayout;
          for (const end of [l.end, l.outerIp.end, l.innerIp.end, l.innerEnd, l.transportEnd]) expect(end).toBeLessThanOrEqual(frame.length);
          expect(l.transportOffset).toBeLessThanOrEqual(frame.length);
        }
        sameEverywhere(frame, p as Placement, (v) => ndisOffsetsOf(v));
        sameEverywhere(frame, p as Placement, (v) => innerFlowHash(v, 0, v.length));
        sameEverywhere(frame, p as Placement, (v) => [outcome(() => ecmpHash(v)), outcome(() => ecmpHash(v, 'inner'))]);
      },
      runsOf(600, 0.06),
    );
  });
});

/** Low-level readers over `(bytes, start, end)`: nothing outside [start, end) may matter. */
const readers: ReadonlyArray<readonly [string, (b: Uint8Array, s: number, e: number) => unknown]> = [
  ['readEthernet', (b, s, e) => readEthernet(b, s, e)],
  ['ethernetHeaderLength', (b, s, e) => ethernetHeaderLength(b, s, e, 'ethernet')],
  ['readIpv4', (b, s, e) => readIpv4(b, s, e)],
  ['checkIpv4', (b, s, e) => checkIpv4(b, s, e, 'ipv4')],
  ['readIpv6', (b, s, e) => readIpv6(b, s, e)],
  ['checkIpv6', (b, s, e) => checkIpv6(b, s, e, 'ipv6')],
  ['walkIpv6', (b, s, e) => walkIpv6(b, s, e, 'ipv6', newIpv6Chain(), true)],
  ['readGre', (b, s, e) => readGre(b, s, e)],
  ['readTcp', (b, s, e) => readTcp(b, s, e)],
  ['checkTcp', (b, s, e) => checkTcp(b, s, e)],
  ['readUdp', (b, s, e) => readUdp(b, s, e)],
  ['checkUdp', (b, s, e) => checkUdp(b, s, e)],
  ['readIcmp', (b, s, e) => readIcmp(b, s, e)],
  ['innerFlowHash', (b, s, e) => innerFlowHash(b, s, Math.max(s, e))],
  ['walkFrame', (b, s, e) => walkFrame(b, new FrameLayout(), s, e)],
];

describe('header readers at any (offset, end)', () => {
  it('read only [offset, end): bytes outside it can be anything; same result at any byteOffset', () => {
    check(
      'readers(offset,end)',
      input({ s: fc.nat(), e: fc.nat(), which: fc.nat(), junk: fc.integer({ min: 0, max: 255 }) }),
      ({ frame, p, s, e, which, junk }) => {
        const start = (s as number) % (frame.length + 1);
        const end = (e as number) % (frame.length + 1);
        const [, read] = readers[(which as number) % readers.length]!;
        const base = sameEverywhere(frame, p as Placement, (v) => read(v, start, end));
        // The same bytes in [start, end), anything else outside: the same outcome.
        const scrambled = frame.slice();
        for (let i = 0; i < scrambled.length; i++) if (i < start || i >= end) scrambled[i] = (scrambled[i]! ^ (junk as number) ^ 0x5a) & 0xff;
        expect(outcome(() => read(scrambled, start, end))).toEqual(base);
      },
      runsOf(1500, 0.1),
    );
  });
});

/** RFC 1071 §1 written the obvious way: the oracle for the word-loop sum (alignment, odd offsets, caching). */
function naiveSum(b: Uint8Array, offset: number, length: number, initial: number): number {
  let s = initial;
  for (let i = 0; i < length; i += 2) s += (b[offset + i]! << 8) | (i + 1 < length ? b[offset + i + 1]! : 0);
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return s;
}

describe('checksum arithmetic over any range', () => {
  it('onesComplementSum / internetChecksum equal the RFC 1071 oracle at any byteOffset; IPv4 header and pseudo-header sums read only their bytes', () => {
    check(
      'checksum helpers',
      input({ x: fc.nat(), y: fc.nat(), initial: fc.integer({ min: 0, max: 0xffff }), hl: fc.integer({ min: 5, max: 15 }), proto: fc.integer({ min: 0, max: 255 }) }),
      ({ frame, p, x, y, initial, hl, proto }) => {
        const start = (x as number) % (frame.length + 1);
        const length = (y as number) % (frame.length - start + 1);
        const init = initial as number;
        for (const pattern of ['A', 'B'] as const) {
          const { view } = embed(frame, p as Placement, pattern);
          expect(onesComplementSum(view, start, length, init)).toBe(naiveSum(frame, start, length, init));
          expect(internetChecksum(view, start, length)).toBe(naiveSum(frame, start, length, 0) ^ 0xffff);
        }
        const headerLength = (hl as number) * 4;
        if (start + headerLength <= frame.length) {
          sameEverywhere(frame, p as Placement, (v) => [ipv4HeaderSum(v, start, headerLength), ipv4HeaderChecksum(v, start, headerLength), ipv4ChecksumValid(v, start, headerLength)]);
          // fillIpv4Checksum writes exactly the two checksum bytes.
          const copy = frame.slice();
          fillIpv4Checksum(copy, start, headerLength);
          for (let i = 0; i < copy.length; i++) if (i !== start + 10 && i !== start + 11) expect(copy[i]).toBe(frame[i]);
          expect(ipv4ChecksumValid(copy, start, headerLength)).toBe(true);
        }
        if (start + 40 <= frame.length) {
          sameEverywhere(frame, p as Placement, (v) => [
            ipv4PseudoHeaderSum(v, start + 12, proto as number, length & 0xffff),
            ipv6PseudoHeaderSum(v, start + 8, v, start + 24, proto as number, length),
            pseudoHeaderSum(v, 6, start, start + 24, proto as number, length),
            transportChecksumValid(v, 4, start, start + 16, proto as number, start, Math.min(length, frame.length - start)),
          ]);
        }
      },
      runsOf(800, 0.06),
    );
  });
});

describe('errors are NvgreError only, with a stable code', () => {
  it('every decode error carries a documented code, a layer and an offset inside (or at the end of) the frame', () => {
    const codes = new Set(['TRUNCATED', 'BAD_LENGTH', 'BAD_IP_HEADER', 'BAD_CHECKSUM', 'UNSUPPORTED_ETHERTYPE', 'NOT_GRE', 'FRAGMENTED', 'GRE_VERSION', 'GRE_FLAGS', 'NO_KEY', 'NOT_TEB', 'INNER_VLAN', 'RESERVED_VSID', 'NESTING_LIMIT', 'INVALID_ARGUMENT']);
    check(
      'error codes',
      hostileFrame,
      (frame) => {
        for (const f of [() => decapsulate(frame), () => decapsulate(frame, { strict: false }), () => parseFrame(frame), () => walkFrame(frame, new FrameLayout()), () => verifyChecksums(frame)]) {
          try {
            f();
          } catch (e) {
            expect(e).toBeInstanceOf(NvgreError);
            const err = e as NvgreError;
            expect(codes.has(err.code), err.code).toBe(true);
            expect(typeof err.layer).toBe('string');
            expect(err.offset).toBeGreaterThanOrEqual(0);
            expect(err.offset).toBeLessThanOrEqual(frame.length);
          }
        }
      },
      runsOf(600, 0.05),
    );
  });
});

describe('bytes after the IP datagram (Ethernet padding, trailers)', () => {
  /** Functions whose result must not depend on anything after the outer IP datagram. */
  const fns: ReadonlyArray<readonly [string, (f: Uint8Array, frameLength: number) => unknown]> = [
    ['decapsulate', (f) => summary(decapsulate(f), f)],
    ['decapsulate lenient', (f) => summary(decapsulate(f, { strict: false }), f)],
    ['tryDecapsulate', (f) => {
      const t = tryDecapsulate(f);
      return t.ok ? summary(t.value, f) : t.error;
    }],
    ['parseFrame', (f) => parseFrame(f, { partial: true })],
    ['lint', (f) => lint(f)],
    ['verifyChecksums', (f) => verifyChecksums(f)],
    ['verifyChecksums general', (f) => verifyChecksums(f, { capabilities: 15, lenient: true })],
    ['walkFrame', (f) => walkFrame(f, new FrameLayout(), 0, f.length, { lenient: true })],
    ['ndisOffsetsOf', (f) => ndisOffsetsOf(f)],
    ['innerFlowHash', (f) => innerFlowHash(f, 0, f.length)],
    ['fillChecksums', (f, n) => {
      const trailer = f.slice(n);
      const r = fillChecksums(f, { lenient: true });
      expect(f.subarray(n)).toEqual(trailer);
      return [r, f.subarray(0, n)];
    }],
    ['coalesce', (f) => coalesce([f])],
    ['ecmpHash', (f) => [ecmpHash(f), ecmpHash(f, 'inner')]],
  ];
  it('never influence a result: two different trailers after a complete datagram give identical results', () => {
    check(
      'trailer independence',
      fc.record({ frame: hostileFrame, t: fc.integer({ min: 0, max: 40 }), seed: fc.integer({ min: 1, max: 0x7fffffff }) }),
      ({ frame, t, seed }) => {
        let l: FrameLayout;
        try {
          l = walkFrame(frame, new FrameLayout(), 0, frame.length, { lenient: true });
        } catch {
          return;
        }
        if (l.outerIp.version === 0) return; // no IP datagram: everything after the Ethernet header is payload
        // The frame up to the end of its outer datagram, then t + (bytes it had after it) trailer bytes of two patterns.
        const n = l.outerIp.end;
        const total = frame.length + t;
        const a = new Uint8Array(total).fill(0xa5);
        a.set(frame.subarray(0, n));
        const b = embed(new Uint8Array(0), { at: 0, after: total, seed }, 'B').whole;
        b.set(frame.subarray(0, n));
        for (const [name, f] of fns) {
          const x = outcome(() => f(a.slice(), n));
          const y = outcome(() => f(b.slice(), n));
          expect(y, `${name}: the trailer changed the result`).toEqual(x);
        }
      },
      runsOf(800, 0.06),
    );
  });

  it('never influence an inner layer: bytes between the inner datagram and the outer datagram end are padding', () => {
    const inner: ReadonlyArray<readonly [string, (f: Uint8Array) => unknown]> = [
      ['parseFrame', (f) => parseFrame(f, { partial: true })],
      ['lint', (f) => lint(f)],
      ['verifyChecksums', (f) => verifyChecksums(f)],
      ['verifyChecksums general', (f) => verifyChecksums(f, { capabilities: 15, lenient: true })],
      ['walkFrame', (f) => walkFrame(f, new FrameLayout(), 0, f.length, { lenient: true })],
      ['ndisOffsetsOf', (f) => ndisOffsetsOf(f)],
      ['ecmpHash inner', (f) => ecmpHash(f, 'inner')],
    ];
    check(
      'inner padding independence',
      fc.record({ frame: hostileFrame, seed: fc.integer({ min: 1, max: 0x7fffffff }) }),
      ({ frame, seed }) => {
        let l: FrameLayout;
        try {
          l = walkFrame(frame, new FrameLayout(), 0, frame.length, { lenient: true });
        } catch {
          return;
        }
        if (!l.encapsulated || l.innerIp.version === 0 || l.innerIp.end >= l.innerEnd) return;
        const a = frame.slice();
        const b = frame.slice();
        const junk = embed(new Uint8Array(0), { at: 0, after: l.innerEnd - l.innerIp.end, seed }, 'B').whole;
        a.fill(0xa5, l.innerIp.end, l.innerEnd);
        b.set(junk, l.innerIp.end);
        for (const [name, f] of inner) expect(outcome(() => f(b)), `${name}: inner padding changed the result`).toEqual(outcome(() => f(a)));
      },
      runsOf(800, 0.04),
    );
  });
});
