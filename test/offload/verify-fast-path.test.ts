/**
 * verifyChecksums' fast path (src/offload/verify.ts): its inlined constants equal the codec's, and
 * it agrees with the general walk on the shapes it accepts and on near misses it must hand over.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ICMP } from '../../src/wire/icmp.js';
import { buildFrame } from '../../src/frame/build.js';
import { NblFlag } from '../../src/offload/report.js';
import { FastPath, V4V4, verifyChecksums } from '../../src/offload/verify.js';
import { setChecksumKernel } from '../../src/wire/checksum.checked.js';
import { Wire } from '../../src/wire/wire.js';
import { arbFrameSpec } from './arbitraries.js';

function outcome(run: () => unknown): unknown {
  try {
    return { ok: run() };
  } catch (e) {
    return { error: e };
  }
}

describe('verifyChecksums fast path', () => {
  it('its constants are the NDIS and codec values (the wire numbers are pinned in test/codec/wire.test.ts)', () => {
    expect([FastPath.IS_IPV4, FastPath.IS_IPV6, FastPath.IS_TCP, FastPath.IS_UDP]).toEqual([NblFlag.IS_IPV4, NblFlag.IS_IPV6, NblFlag.IS_TCP, NblFlag.IS_UDP]);
    // Type, code and the checksum field, which ends the part the fast path reads.
    expect(FastPath.ICMP_MIN_HEADER).toBe(ICMP.CHECKSUM + 2);
    // The constant offsets of IPv4/NVGRE/IPv4/TCP, written as literals so that the build inlines them.
    expect([V4V4.OUTER_ETHERTYPE, V4V4.OUTER_IP, V4V4.GRE, V4V4.INNER_ETHERTYPE, V4V4.INNER_IP, V4V4.TCP]).toEqual([
      Wire.ETH_HEADER - 2,
      Wire.ETH_HEADER,
      Wire.ETH_HEADER + Wire.IPV4_MIN_HEADER,
      Wire.ETH_HEADER + Wire.IPV4_MIN_HEADER + Wire.NVGRE_HEADER + Wire.ETH_HEADER - 2,
      Wire.ETH_HEADER + Wire.IPV4_MIN_HEADER + Wire.NVGRE_HEADER + Wire.ETH_HEADER,
      Wire.ETH_HEADER + 2 * Wire.IPV4_MIN_HEADER + Wire.NVGRE_HEADER + Wire.ETH_HEADER,
    ]);
  });

  /** Every header byte changed, every length cut, the bytes at an odd offset and padded: as the general path. */
  const sweep = (payload: number): void => {
    const frame = buildFrame({
      ipv4: { src: '192.0.2.1', dst: '192.0.2.2', id: 0x1234 },
      nvgre: { vsid: 0x123456, flowId: 9 },
      inner: { ipv4: { src: '10.0.0.1', dst: '10.0.0.2', dontFragment: true }, tcp: { srcPort: 1, dstPort: 2, seq: 3, ack: 4, flags: 0x18 }, payload: Uint8Array.from({ length: payload }, (_, i) => (i * 7 + 3) & 0xff) },
    });
    expect(frame.length).toBe(14 + 20 + 8 + 14 + 20 + 20 + payload);
    const same = (f: Uint8Array): void => {
      for (const nblFlagsFrom of ['inner', 'outer'] as const) expect(outcome(() => verifyChecksums(f, { nblFlagsFrom }))).toEqual(outcome(() => verifyChecksums(f, { nblFlagsFrom, udpZeroChecksumPorts: [] })));
    };
    same(frame);
    expect(verifyChecksums(frame).flags.tcpChecksumSucceeded).toBe(true);
    expect(verifyChecksums(frame)).not.toBe(verifyChecksums(frame)); // a fresh report each time
    expect(Object.isFrozen(verifyChecksums(frame))).toBe(false);
    for (let at = 0; at < 14 + 20 + 8 + 14 + 20 + 20; at++) {
      for (const x of [0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0xff]) {
        const f = frame.slice();
        f[at] = f[at]! ^ x;
        same(f);
      }
    }
    // Length fields at the edges the fast paths test: inner total 39/40/41 (room for the TCP header),
    // inner datagram ending exactly at / one past the outer one's end, outer total = / > the bytes there.
    const withTotals = (outer: number, inner: number): Uint8Array => {
      const f = frame.slice();
      f[16] = outer >>> 8;
      f[17] = outer & 0xff;
      f[58] = inner >>> 8;
      f[59] = inner & 0xff;
      return f;
    };
    const outerTotal = frame.length - 14;
    const innerTotal = outerTotal - 42;
    for (const inner of [39, 40, 41, innerTotal - 1, innerTotal, innerTotal + 1]) {
      for (const outer of [outerTotal - 1, outerTotal, outerTotal + 1, inner + 41, inner + 42]) same(withTotals(outer, inner));
    }
    // A payload byte changed at its start, middle and end (the TCP sum's vectors and its tail).
    for (const at of [96, 96 + (payload >> 1), frame.length - 1]) {
      const f = frame.slice();
      f[at] = f[at]! ^ 0x5a;
      same(f);
    }
    for (let cut = 0; cut <= frame.length; cut += cut < 100 || cut > frame.length - 100 ? 1 : 37) same(frame.subarray(0, cut));
    // The same bytes at an odd offset of a larger buffer, and with trailing Ethernet padding.
    const big = new Uint8Array(frame.length + 9);
    big.set(frame, 3);
    expect(verifyChecksums(big.subarray(3, 3 + frame.length))).toEqual(verifyChecksums(frame));
    same(big.subarray(3));
  };

  it('IPv4/NVGRE/IPv4/TCP at constant offsets, in TypeScript (a short frame): as the general path', () => {
    expect(14 + 20 + 8 + 14 + 20 + 20 + 37).toBeLessThan(V4V4.KERNEL_MIN);
    sweep(37);
  });

  it('IPv4/NVGRE/IPv4/TCP at constant offsets, in the SIMD module (checksum-simd-v4v4.ts) and with the kernel off: as the general path', () => {
    expect(14 + 20 + 8 + 14 + 20 + 20 + 1401).toBeGreaterThanOrEqual(V4V4.KERNEL_MIN);
    try {
      for (const kernel of ['auto', 'js'] as const) {
        setChecksumKernel(kernel);
        sweep(1401);
        sweep(V4V4.KERNEL_MIN - 96); // the shortest frame the module verifies
      }
    } finally {
      setChecksumKernel('auto');
    }
  });

  it('gives the general path’s report for valid, corrupted, tagged and optioned frames', () => {
    // udpZeroChecksumPorts: [] forces the general path without changing the semantics.
    fc.assert(
      fc.property(arbFrameSpec({ maxPayload: 200 }), fc.nat(), fc.integer({ min: 0, max: 7 }), fc.boolean(), (spec, at, bit, flip) => {
        const frame = buildFrame(spec);
        if (flip) frame[at % frame.length] = frame[at % frame.length]! ^ (1 << bit);
        let fast: unknown;
        let slow: unknown;
        try {
          fast = verifyChecksums(frame);
        } catch (e) {
          fast = e;
        }
        try {
          slow = verifyChecksums(frame, { udpZeroChecksumPorts: [] });
        } catch (e) {
          slow = e;
        }
        expect(fast).toEqual(slow);
        for (const nblFlagsFrom of ['inner', 'outer'] as const) {
          let a: unknown;
          let b: unknown;
          try {
            a = verifyChecksums(frame, { nblFlagsFrom });
          } catch (e) {
            a = e;
          }
          try {
            b = verifyChecksums(frame, { nblFlagsFrom, udpZeroChecksumPorts: [] });
          } catch (e) {
            b = e;
          }
          expect(a).toEqual(b);
        }
      }),
      { numRuns: 400 },
    );
  });
});
