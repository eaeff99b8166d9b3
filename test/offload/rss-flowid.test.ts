/**
 * FlowID policies (RFC 7637 §3.2; docs/rss.md §8): the default 'hash' never yields 0 and stays uniform
 * over 1–255; 'toeplitz' is the low byte of the inner RSS hash (0 remapped to 1), so the sender and an
 * NVGRE-aware NIC agree; a function's FlowID must be 1–255.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LintCode, NvgreError, buildFrame, createEncapsulator, decapsulate, encapsulate, foldFlowId, innerFlowHash, lint, rssHash, type EncapsulateOptions, type FrameSpec } from '../../src/index.js';
import { innerFrame, runs, u32 } from '../helpers/arbitraries.js';

const ENCAP: EncapsulateOptions = { vsid: 0x5001, srcMac: '00:15:5d:00:0a:01', dstMac: '00:15:5d:00:0b:01', srcIp: '192.0.2.10', dstIp: '198.51.100.20' };
const MAC = { src: '52:54:00:00:01:01', dst: '52:54:00:00:01:02' };

function tcp(srcPort: number, extra: Partial<FrameSpec> = {}): Uint8Array {
  return buildFrame({ ethernet: MAC, ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, tcp: { srcPort, dstPort: 443 }, payload: 'x', ...extra });
}

function flowIdOf(frame: Uint8Array): number {
  return decapsulate(frame, { strict: false }).flowId;
}

/** Encapsulated both ways: the one-shot call (general path) and encapsulateInto on a reused target (fast path when eligible). */
function both(inner: Uint8Array, options: EncapsulateOptions): number[] {
  const enc = createEncapsulator(options);
  const target = new Uint8Array(inner.length + 128);
  const n = enc.encapsulateInto(target, 0, inner);
  return [flowIdOf(encapsulate(inner, options)), flowIdOf(target.subarray(0, n))];
}

describe("flowId: 'hash' (default)", () => {
  it('foldFlowId is 1 + hash mod 255: never 0, uniform over 1–255', () => {
    for (const h of [0, 1, 254, 255, 256, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff]) expect(foldFlowId(h)).toBe(1 + (h % 255));
    fc.assert(
      fc.property(u32, (h) => {
        expect(foldFlowId(h)).toBe(1 + (h % 255));
      }),
      { numRuns: runs(2000) },
    );
    // Uniform: over any 255 consecutive hashes every FlowID 1–255 occurs exactly once.
    const seen = new Set<number>();
    for (let h = 0x12345678; h < 0x12345678 + 255; h++) seen.add(foldFlowId(h));
    expect(seen.size).toBe(255);
    expect(seen.has(0)).toBe(false);
  });

  it('encapsulators and buildFrame never write FlowID 0, and lint finds no FLOWID_ZERO', () => {
    fc.assert(
      fc.property(innerFrame({ fragments: true, vlans: 1 }), ({ bytes }) => {
        const expected = foldFlowId(innerFlowHash(bytes, 0, bytes.length));
        expect(expected).toBeGreaterThanOrEqual(1);
        const ids = both(bytes, ENCAP);
        // A tagged inner frame is hashed as given (before its tag is stripped) on the general path.
        for (const id of ids) expect(id).toBeGreaterThanOrEqual(1);
        expect(ids[0]).toBe(expected);
        const built = buildFrame({ ethernet: {}, ipv4: { src: '192.0.2.1', dst: '192.0.2.2' }, nvgre: { vsid: 0x5001, flowId: 'hash' }, inner: { ethernet: MAC, payload: bytes.subarray(14) } });
        expect(flowIdOf(built)).toBeGreaterThanOrEqual(1);
        expect(lint(encapsulate(bytes, ENCAP)).some((f) => f.code === LintCode.FLOWID_ZERO)).toBe(false);
      }),
      { numRuns: runs(300) },
    );
  });

  it('of 25,500 flows, each FlowID 1–255 gets its share', () => {
    const counts = new Array<number>(256).fill(0);
    const enc = createEncapsulator(ENCAP);
    for (let i = 0; i < 25_500; i++) counts[flowIdOf(enc.encapsulate(tcp(1024 + (i % 60000), { ipv4: { src: `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`, dst: '10.0.0.2' } })))]!++;
    expect(counts[0]).toBe(0);
    // 100 expected per FlowID; FNV over structured inputs is not perfectly random, so a wide band.
    expect(Math.min(...counts.slice(1))).toBeGreaterThan(50);
    expect(Math.max(...counts.slice(1))).toBeLessThan(160);
  });
});

describe("flowId: 'toeplitz'", () => {
  it('is the low byte of the RSS hash an NVGRE-aware NIC computes for the frame', () => {
    const opts: EncapsulateOptions = { ...ENCAP, flowId: 'toeplitz' };
    for (let port = 1000; port < 1200; port++) {
      const inner = tcp(port);
      const nic = rssHash(encapsulate(inner, { ...ENCAP, flowId: 'zero' }));
      expect(nic.over).toBe('inner');
      expect(both(inner, opts)).toEqual([nic.hash & 0xff || 1, nic.hash & 0xff || 1]);
    }
  });

  it('remaps a low byte of 0 to 1, and never yields 0 on any inner frame', () => {
    let port = 0;
    while ((rssHash(tcp(port)).hash & 0xff) !== 0) port++;
    expect(both(tcp(port), { ...ENCAP, flowId: 'toeplitz' })).toEqual([1, 1]);
    fc.assert(
      fc.property(innerFrame({ fragments: true, vlans: 1 }), fc.option(fc.uint8Array({ minLength: 40, maxLength: 48 }), { nil: undefined }), ({ bytes }, key) => {
        const opts: EncapsulateOptions = { ...ENCAP, flowId: 'toeplitz', ...(key !== undefined ? { flowIdKey: key } : {}) };
        for (const id of both(bytes, opts)) {
          expect(id).toBeGreaterThanOrEqual(1);
          expect(id).toBeLessThanOrEqual(255);
        }
      }),
      { numRuns: runs(300) },
    );
  });

  it('UDP inner frames take the UDP 4-tuple; ICMP the inner 2-tuple; non-IP frames the hash policy', () => {
    const udp = buildFrame({ ethernet: MAC, ipv6: { src: 'fd00::1', dst: 'fd00::2' }, udp: { srcPort: 5353, dstPort: 53 }, payload: 'q' });
    expect(both(udp, { ...ENCAP, flowId: 'toeplitz' })[0]).toBe(rssHash(udp, { hashTypes: ['udp-ipv6'] }).hash & 0xff || 1);
    const icmp = buildFrame({ ethernet: MAC, ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, icmp: { type: 8 } });
    expect(both(icmp, { ...ENCAP, flowId: 'toeplitz' })[0]).toBe(rssHash(icmp).hash & 0xff || 1);
    const arp = buildFrame({ ethernet: { ...MAC, etherType: 0x0806 }, payload: new Uint8Array(28) });
    expect(both(arp, { ...ENCAP, flowId: 'toeplitz' })).toEqual(both(arp, ENCAP));
  });

  it('flowIdKey changes the FlowIDs; bad keys and misplaced keys are refused', () => {
    const key = new Uint8Array(40).map((_, i) => (i * 37 + 11) & 0xff);
    const a = Array.from({ length: 32 }, (_, i) => both(tcp(2000 + i), { ...ENCAP, flowId: 'toeplitz' })[0]);
    const b = Array.from({ length: 32 }, (_, i) => both(tcp(2000 + i), { ...ENCAP, flowId: 'toeplitz', flowIdKey: key })[0]);
    expect(a).not.toEqual(b);
    const refused: Array<[EncapsulateOptions, RegExp]> = [
      [{ ...ENCAP, flowId: 'toeplitz', flowIdKey: new Uint8Array(39) }, /flowIdKey must be a Uint8Array of at least 40 bytes/],
      [{ ...ENCAP, flowId: 'toeplitz', flowIdKey: 'key' as never }, /flowIdKey must be a Uint8Array/],
      [{ ...ENCAP, flowId: 'hash', flowIdKey: key }, /flowIdKey goes with flowId: 'toeplitz'/],
      [{ ...ENCAP, flowId: 'toeplitz', keyLayout: 'low24' }, /low24/],
    ];
    for (const [opts, message] of refused) {
      expect(() => createEncapsulator(opts)).toThrow(NvgreError);
      expect(() => createEncapsulator(opts)).toThrow(message);
    }
  });
});

describe('flowId: a function', () => {
  it('gets the inner frame and sets the FlowID', () => {
    const seen: number[] = [];
    const policy = (inner: Uint8Array) => {
      seen.push(inner.length);
      return 1 + (inner[inner.length - 1]! % 255);
    };
    const inner = tcp(7);
    expect(both(inner, { ...ENCAP, flowId: policy })).toEqual([1 + (inner[inner.length - 1]! % 255), 1 + (inner[inner.length - 1]! % 255)]);
    expect(seen).toEqual([inner.length, inner.length]);
  });

  it('a FlowID outside 1–255 is INVALID_ARGUMENT and nothing is written', () => {
    for (const bad of [0, 256, 1.5, NaN, '7', undefined]) {
      const enc = createEncapsulator({ ...ENCAP, flowId: () => bad as number });
      const target = new Uint8Array(200).fill(0xa5);
      let error: unknown;
      try {
        enc.encapsulateInto(target, 0, tcp(9));
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(NvgreError);
      expect((error as NvgreError).code).toBe('INVALID_ARGUMENT');
      expect((error as NvgreError).message).toMatch(/flowId function returned .*1–255/);
      expect(target.every((x) => x === 0xa5)).toBe(true);
    }
  });

  it("'zero' and explicit numbers still send what they say (0 included)", () => {
    expect(both(tcp(1), { ...ENCAP, flowId: 'zero' })).toEqual([0, 0]);
    expect(both(tcp(1), { ...ENCAP, flowId: 0 })).toEqual([0, 0]);
    expect(both(tcp(1), { ...ENCAP, flowId: 200 })).toEqual([200, 200]);
  });
});
