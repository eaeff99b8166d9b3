/**
 * verifyChecksums' fast path (src/offload/verify.ts): its inlined constants equal the codec's, and
 * it agrees with the general walk on the shapes it accepts and on near misses it must hand over.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EtherType } from '../../src/codec/ethernet.js';
import { GRE } from '../../src/codec/gre.js';
import { IPV4, IpProtocol } from '../../src/codec/ipv4.js';
import { IPV6 } from '../../src/codec/ipv6.js';
import { TCP } from '../../src/codec/tcp.js';
import { UDP } from '../../src/codec/udp.js';
import { buildFrame } from '../../src/frame.js';
import { NblFlag } from '../../src/offload/report.js';
import { FastPath, verifyChecksums } from '../../src/offload/verify.js';
import { arbFrameSpec } from './arbitraries.js';

function outcome(run: () => unknown): unknown {
  try {
    return { ok: run() };
  } catch (e) {
    return { error: e };
  }
}

describe('verifyChecksums fast path', () => {
  it('its constants are the codec values', () => {
    expect([FastPath.TPID_VLAN, FastPath.TPID_QINQ, FastPath.ETHERTYPE_IPV4, FastPath.ETHERTYPE_IPV6]).toEqual([EtherType.VLAN, EtherType.QINQ, EtherType.IPV4, EtherType.IPV6]);
    expect([FastPath.ICMP, FastPath.TCP, FastPath.UDP, FastPath.GRE, FastPath.ICMPV6]).toEqual([IpProtocol.ICMP, IpProtocol.TCP, IpProtocol.UDP, IpProtocol.GRE, IpProtocol.ICMPV6]);
    expect([FastPath.IS_IPV4, FastPath.IS_IPV6, FastPath.IS_TCP, FastPath.IS_UDP]).toEqual([NblFlag.IS_IPV4, NblFlag.IS_IPV6, NblFlag.IS_TCP, NblFlag.IS_UDP]);
    expect([FastPath.NVGRE_HEADER, FastPath.NVGRE_FIRST_WORD_HI * 0x10000 + FastPath.NVGRE_FIRST_WORD_LO]).toEqual([GRE.NVGRE_LENGTH, GRE.NVGRE_FIRST_WORD]);
    expect([FastPath.ETHERNET_HEADER, FastPath.VLAN_TAG, FastPath.ICMP_MIN_HEADER]).toEqual([14, 4, 4]);
    expect(FastPath.IPV4_MF_OFFSET).toBe(IPV4.FLAG_MF | IPV4.FRAGMENT_OFFSET_MASK);
    expect([FastPath.IPV4_TOTAL_LENGTH, FastPath.IPV4_FLAGS_FRAGMENT, FastPath.IPV4_PROTOCOL, FastPath.IPV4_SRC]).toEqual([IPV4.TOTAL_LENGTH, IPV4.FLAGS_FRAGMENT, IPV4.PROTOCOL, IPV4.SRC]);
    expect([FastPath.IPV4_MIN_HEADER, FastPath.IPV6_HEADER, FastPath.TCP_MIN_HEADER, FastPath.UDP_HEADER]).toEqual([IPV4.MIN_HEADER_LENGTH, IPV6.HEADER_LENGTH, TCP.MIN_HEADER_LENGTH, UDP.HEADER_LENGTH]);
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
