/** RFC 6040 §4.2 egress table and RFC 7637 §4.1 ECMP hashing. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyEcnOnDecapsulation, buildFrame, decapsulate, ecmpHash, ecnEgress, parseFrame, type FrameSpec } from '../../src/index.js';

// The table of RFC 6040 §4.2 (rows: inner Not-ECT, ECT(0), ECT(1), CE; columns: outer Not-ECT, ECT(0), ECT(1), CE).
const N = 0, E0 = 2, E1 = 1, CE = 3;
const TABLE: [number, (number | 'drop')[]][] = [
  [N, [N, N, N, 'drop']],
  [E0, [E0, E0, E1, CE]],
  [E1, [E1, E1, E1, CE]],
  [CE, [CE, CE, CE, CE]],
];
const OUTER = [N, E0, E1, CE];

function nvgre(inner: FrameSpec, outerEcn: number): Uint8Array {
  return buildFrame({ ethernet: {}, ipv4: { src: '192.0.2.1', dst: '192.0.2.2', ecn: outerEcn }, nvgre: { vsid: 0x4000, flowId: 5 }, inner });
}

describe('RFC 6040 §4.2 decapsulation', () => {
  for (const [innerEcn, row] of TABLE) {
    row.forEach((expected, i) => {
      it(`inner ${innerEcn} × outer ${OUTER[i]} → ${expected}`, () => {
        expect(ecnEgress(innerEcn, OUTER[i]!)).toBe(expected);
      });
    });
  }

  it('writes the result into an inner IPv4 header and keeps its checksum valid (RFC 1624)', () => {
    const frame = nvgre({ ethernet: {}, ipv4: { src: '10.0.0.1', dst: '10.0.0.2', ecn: E0, dscp: 46 }, udp: { srcPort: 1, dstPort: 2 } }, CE);
    const d = decapsulate(frame);
    expect(applyEcnOnDecapsulation(d.inner, d.outer.ecn)).toBe('updated');
    const inner = parseFrame(d.inner);
    expect(inner.ip?.version === 4 && [inner.ip.ecn, inner.ip.dscp, inner.ip.checksumValid]).toEqual([CE, 46, true]);
    expect(inner.transport?.checksumValid).toBe(true);
  });

  it('writes into an inner IPv6 traffic class without touching the DSCP or flow label', () => {
    const frame = nvgre({ ethernet: {}, ipv6: { src: 'fd00::1', dst: 'fd00::2', ecn: E0, dscp: 10, flowLabel: 0xabcde }, udp: { srcPort: 1, dstPort: 2 } }, E1);
    const d = decapsulate(frame);
    expect(applyEcnOnDecapsulation(d.inner, d.outer.ecn)).toBe('updated');
    const ip = parseFrame(d.inner).ip;
    expect(ip?.version === 6 && [ip.ecn, ip.dscp, ip.flowLabel]).toEqual([E1, 10, 0xabcde]);
  });

  it('drops a Not-ECT inner packet under an outer CE mark and leaves it untouched; non-IP counts as Not-ECT', () => {
    const frame = nvgre({ ethernet: {}, ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, udp: { srcPort: 1, dstPort: 2 } }, CE);
    const before = frame.slice();
    expect(applyEcnOnDecapsulation(decapsulate(frame).inner, CE)).toBe('drop');
    expect(frame).toEqual(before);
    const arp = buildFrame({ ethernet: { etherType: 0x0806 }, payload: new Uint8Array(28) });
    expect(applyEcnOnDecapsulation(arp, CE)).toBe('drop');
    expect(applyEcnOnDecapsulation(arp, E0)).toBe('unchanged');
  });

  it('keeps IPv4 header checksums valid for every combination (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 63 }), fc.integer({ min: 0, max: 0xffff }), (inner, outer, dscp, id) => {
        const f = buildFrame({ ethernet: {}, ipv4: { src: '10.0.0.1', dst: '10.0.0.2', ecn: inner, dscp, id }, tcp: { srcPort: 1, dstPort: 2 } });
        const r = applyEcnOnDecapsulation(f, outer);
        const ip = parseFrame(f).ip;
        if (ip?.version !== 4) throw new Error('not IPv4');
        expect(ip.checksumValid).toBe(true);
        const expected = ecnEgress(inner, outer);
        expect(r === 'drop' ? 'drop' : ip.ecn).toBe(expected);
      }),
    );
  });
});

describe('ECMP hash (RFC 7637 §4.1)', () => {
  const inner: FrameSpec = { ethernet: {}, ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, tcp: { srcPort: 1000, dstPort: 80 } };
  const frame = (flowId: number, src = '192.0.2.1', tcp = inner) =>
    buildFrame({ ethernet: {}, ipv4: { src, dst: '192.0.2.2' }, nvgre: { vsid: 0x4000, flowId }, inner: tcp });

  it('outer+key follows the FlowID (the whole 32-bit key) and the outer addresses, nothing else', () => {
    expect(ecmpHash(frame(1))).toBe(ecmpHash(frame(1)));
    expect(ecmpHash(frame(1))).not.toBe(ecmpHash(frame(2)));
    expect(ecmpHash(frame(1))).not.toBe(ecmpHash(frame(1, '192.0.2.9')));
    const otherInner = { ...inner, tcp: { srcPort: 2000, dstPort: 80 } };
    expect(ecmpHash(frame(1, '192.0.2.1', otherInner))).toBe(ecmpHash(frame(1)));
  });

  it('inner follows the inner flow and ignores the FlowID', () => {
    const otherInner = { ...inner, tcp: { srcPort: 2000, dstPort: 80 } };
    expect(ecmpHash(frame(1), 'inner')).toBe(ecmpHash(frame(2), 'inner'));
    expect(ecmpHash(frame(1), 'inner')).not.toBe(ecmpHash(frame(1, '192.0.2.1', otherInner), 'inner'));
  });

  it('refuses a frame without a key', () => {
    const plain = buildFrame({ ethernet: {}, ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, udp: { srcPort: 1, dstPort: 2 } });
    expect(() => ecmpHash(plain)).toThrow(expect.objectContaining({ code: 'NOT_GRE' }));
  });
});
