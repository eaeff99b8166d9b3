/**
 * parseFrame(buildFrame(spec)) returns every field the spec put in, across the matrix: plain frames
 * (IPv4 ± options ± fragments, IPv6 ± extension headers incl. routing with a final destination and
 * fragments, ARP, raw; TCP ± options with any flags, UDP, ICMP; 0–2 VLAN tags) and NVGRE frames
 * (outer IPv4/IPv6 ± VLAN ± options/extension headers ± trailer), nested NVGRE-in-NVGRE up to the
 * default nesting limit.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildFrame, buildFrameInto } from '../../src/frame/build.js';
import { parseFrame } from '../../src/frame/parse.js';
import { innerFrameSpec, nvgreFrameSpec, runs } from '../helpers/arbitraries.js';
import { expectFrameMatchesSpec } from './expect-frame.js';

describe('parseFrame(buildFrame(spec)) round trip', () => {
  it('plain frames: IPv4/IPv6/ARP/raw × TCP/UDP/ICMP/none, tags, options, extension headers, fragments', () => {
    fc.assert(
      fc.property(innerFrameSpec({ vlans: 2, fragments: true }), (spec) => {
        const bytes = buildFrame(spec);
        expectFrameMatchesSpec(parseFrame(bytes), spec, bytes);
      }),
      { numRuns: runs(500) },
    );
  });

  it('NVGRE frames: outer IPv4/IPv6 ± VLAN ± options/extension headers ± trailer, inner tags and fragments', () => {
    fc.assert(
      fc.property(nvgreFrameSpec({ trailer: true, reservedVsid: true, inner: { vlans: 2, fragments: true } }), (spec) => {
        const bytes = buildFrame(spec);
        expectFrameMatchesSpec(parseFrame(bytes), spec, bytes);
      }),
      { numRuns: runs(500) },
    );
  });

  it('NVGRE-in-NVGRE up to the default nesting limit (4 levels) decodes every level', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 4 }).chain((depth) => nvgreFrameSpec({ depth, trailer: true }).map((spec) => ({ depth, spec }))),
        ({ depth, spec }) => {
          const bytes = buildFrame(spec);
          const p = parseFrame(bytes);
          expectFrameMatchesSpec(p, spec, bytes);
          let levels = 0;
          for (let f = p; f.inner; f = f.inner) levels++;
          expect(levels).toBe(depth);
        },
      ),
      { numRuns: runs(200) },
    );
  });

  it('buildFrame is deterministic and never mutates the spec', () => {
    fc.assert(
      fc.property(nvgreFrameSpec({ inner: { vlans: 1 } }), (spec) => {
        const before = JSON.stringify(spec, (_k, v: unknown) => (v instanceof Uint8Array ? Array.from(v) : v));
        const a = buildFrame(spec);
        const b = buildFrame(spec);
        expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
        expect(JSON.stringify(spec, (_k, v: unknown) => (v instanceof Uint8Array ? Array.from(v) : v))).toBe(before);
      }),
      { numRuns: runs(200) },
    );
  });
});

describe('buildFrameInto(spec, target, offset) writes exactly buildFrame(spec)', () => {
  it('into a dirty, reused target at any offset and byteOffset; nothing outside the frame is touched', () => {
    const backing = new Uint8Array(70000);
    fc.assert(
      fc.property(
        fc.oneof(innerFrameSpec({ vlans: 2, fragments: true }), nvgreFrameSpec({ trailer: true, inner: { vlans: 2, fragments: true } })),
        fc.nat(7),
        fc.nat(9),
        fc.integer({ min: 0, max: 255 }),
        (spec, byteOffset, offset, junk) => {
          const expected = buildFrame(spec);
          const target = backing.subarray(byteOffset, byteOffset + offset + expected.length + 5);
          target.fill(junk);
          expect(buildFrameInto(spec, target, offset)).toBe(expected.length);
          expect(target.subarray(offset, offset + expected.length)).toEqual(expected);
          expect(target.subarray(0, offset).every((b) => b === junk)).toBe(true);
          expect(target.subarray(offset + expected.length).every((b) => b === junk)).toBe(true);
        },
      ),
      { numRuns: runs(300) },
    );
  });
});

describe('parseFrame(frame, { transportChecksums: false })', () => {
  /** The parse with every transport checksumValid (at any nesting level) set to null. */
  function withoutTransportVerdicts(parsed: unknown): unknown {
    return JSON.parse(JSON.stringify(parsed), (key, value) => (key === 'transport' && value !== null && typeof value === 'object' ? { ...value, checksumValid: null } : value));
  }

  it('is the full parse with every transport checksumValid null, and nothing else changed', () => {
    fc.assert(
      fc.property(
        fc.oneof(innerFrameSpec({ vlans: 1, fragments: true }), nvgreFrameSpec({ trailer: true, inner: { vlans: 1, fragments: true } })),
        fc.boolean(),
        (spec, corrupt) => {
          const frame = buildFrame(spec);
          // A wrong transport checksum must not change the unverified parse either.
          if (corrupt && frame.length > 0) frame[frame.length - 1]! ^= 0x5a;
          const full = parseFrame(frame, { partial: true });
          const fast = parseFrame(frame, { partial: true, transportChecksums: false });
          expect(JSON.parse(JSON.stringify(fast))).toEqual(withoutTransportVerdicts(full));
        },
      ),
      { numRuns: runs(200) },
    );
  });

  it('still verifies IPv4 header checksums', () => {
    const frame = buildFrame({ ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, udp: { srcPort: 1, dstPort: 2 }, payload: 'x' });
    frame[14 + 10]! ^= 0xff;
    const p = parseFrame(frame, { transportChecksums: false });
    expect(p.ip?.version === 4 && p.ip.checksumValid).toBe(false);
    expect(p.transport?.checksumValid).toBeNull();
  });
});
