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

  it('IPv4/NVGRE/IPv4/TCP at constant offsets: every header byte changed, every length cut, as the general path', () => {
    const frame = buildFrame({
      ipv4: { src: '192.0.2.1', dst: '192.0.2.2', id: 0x1234 },
      nvgre: { vsid: 0x123456, flowId: 9 },
      inner: { ipv4: { src: '10.0.0.1', dst: '10.0.0.2', dontFragment: true }, tcp: { srcPort: 1, dstPort: 2, seq: 3, ack: 4, flags: 0x18 }, payload: new Uint8Array(37).fill(7) },
    });
    expect(frame.length).toBe(14 + 20 + 8 + 14 + 20 + 20 + 37);
    const same = (f: Uint8Array): void => {
      for (const nblFlagsFrom of ['inner', 'outer'] as const) expect(outcome(() => verifyChecksums(f, { nblFlagsFrom }))).toEqual(outcome(() => verifyChecksums(f, { nblFlagsFrom, udpZeroChecksumPorts: [] })));
    };
    same(frame);
    expect(verifyChecksums(frame).flags.tcpChecksumSucceeded).toBe(true);
    for (let at = 0; at < 14 + 20 + 8 + 14 + 20 + 20; at++) {
      for (const x of [0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0xff]) {
        const f = frame.slice();
        f[at] = f[at]! ^ x;
        same(f);
      }
    }
    for (let cut = 0; cut <= frame.length; cut++) same(frame.subarray(0, cut));
    // The same bytes at an odd offset of a larger buffer, and with trailing Ethernet padding.
    const big = new Uint8Array(frame.length + 9);
    big.set(frame, 3);
    expect(verifyChecksums(big.subarray(3, 3 + frame.length))).toEqual(verifyChecksums(frame));
    same(big.subarray(3));
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
