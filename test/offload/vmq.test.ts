/**
 * VMQ classification (docs/rss.md §7): encapsulated filters test the inner destination MAC (+ inner VLAN,
 * + the VSID extension), other filters the outer header; first match wins; no match, broadcast and
 * multicast go to queue 0; a plain frame sees only non-encapsulated filters.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NvgreError, buildFrame, classifyVmq, createVmq, parseFrame, type EthernetHeader, type FrameSpec, type VmqFilter } from '../../src/index.js';
import { macBytes, nvgreFrame, runs } from '../helpers/arbitraries.js';

const HOST = { src: '00:15:5d:00:0a:01', dst: '00:15:5d:00:0b:01' };
const VM1 = '52:54:00:00:01:01';
const VM2 = '52:54:00:00:01:02';

function inner(dst: string, vlan?: number): FrameSpec {
  return {
    ethernet: { src: VM1, dst, ...(vlan !== undefined ? { vlans: [{ id: vlan }] } : {}) },
    ipv4: { src: '10.0.0.1', dst: '10.0.0.2' },
    tcp: { srcPort: 1000, dstPort: 80 },
  };
}

function nvgre(innerSpec: FrameSpec, o: { vsid?: number; outerVlan?: number; outerDst?: string } = {}): Uint8Array {
  return buildFrame({
    ethernet: { src: HOST.src, dst: o.outerDst ?? HOST.dst, ...(o.outerVlan !== undefined ? { vlans: [{ id: o.outerVlan }] } : {}) },
    ipv4: { src: '192.0.2.10', dst: '198.51.100.20' },
    nvgre: { vsid: o.vsid ?? 5001, flowId: 1 },
    inner: innerSpec,
  });
}

describe('classifyVmq', () => {
  const filters: VmqFilter[] = [
    { queueId: 1, macAddress: VM2, encapsulated: true, vsid: 6002 },
    { queueId: 2, macAddress: VM2, encapsulated: true },
    { queueId: 3, macAddress: HOST.dst },
  ];

  it('an encapsulated filter matches the inner destination MAC; first match wins', () => {
    expect(classifyVmq(nvgre(inner(VM2)), filters)).toEqual({ queueId: 2, matched: filters[1], over: 'inner' });
    expect(classifyVmq(nvgre(inner(VM2), { vsid: 6002 }), filters)).toEqual({ queueId: 1, matched: filters[0], over: 'inner' });
    // Inner MAC unknown: the non-encapsulated filter on the outer (host) MAC matches.
    expect(classifyVmq(nvgre(inner(VM1)), filters)).toEqual({ queueId: 3, matched: filters[2], over: 'outer' });
    expect(classifyVmq(nvgre(inner(VM1)), filters.slice(0, 2))).toEqual({ queueId: 0, matched: null, over: 'inner' });
  });

  it('a plain frame sees only non-encapsulated filters', () => {
    const plain = buildFrame(inner(VM2));
    expect(classifyVmq(plain, filters)).toEqual({ queueId: 0, matched: null, over: 'outer' });
    const toHost = buildFrame({ ...inner(HOST.dst) });
    expect(classifyVmq(toHost, filters)).toEqual({ queueId: 3, matched: filters[2], over: 'outer' });
  });

  it('broadcast and multicast destinations go to queue 0', () => {
    const only = [{ queueId: 4, macAddress: VM2, encapsulated: true }];
    expect(classifyVmq(nvgre(inner('ff:ff:ff:ff:ff:ff')), only)).toEqual({ queueId: 0, matched: null, over: 'inner' });
    expect(classifyVmq(nvgre(inner('01:00:5e:00:00:fb')), only)).toEqual({ queueId: 0, matched: null, over: 'inner' });
    expect(() => classifyVmq(nvgre(inner(VM2)), [{ queueId: 4, macAddress: '33:33:00:00:00:01' }])).toThrow(/group address/);
  });

  it('VLAN IDs: the inner tag for encapsulated filters, the outer tag otherwise; untagged matches no VLAN filter', () => {
    const f: VmqFilter[] = [
      { queueId: 5, macAddress: VM2, vlanId: 20, encapsulated: true },
      { queueId: 6, macAddress: HOST.dst, vlanId: 100 },
    ];
    expect(classifyVmq(nvgre(inner(VM2, 20)), f).queueId).toBe(5);
    expect(classifyVmq(nvgre(inner(VM2, 21)), f).queueId).toBe(0);
    expect(classifyVmq(nvgre(inner(VM2)), f).queueId).toBe(0);
    expect(classifyVmq(nvgre(inner(VM2), { outerVlan: 100 }), f).queueId).toBe(6);
    expect(classifyVmq(nvgre(inner(VM2, 20), { outerVlan: 100 }), f).queueId).toBe(5);
  });

  it('an NVGRE frame cut inside the inner Ethernet header is classified on its outermost header', () => {
    const frame = nvgre(inner(VM2));
    const cut = frame.subarray(0, 42 + 10);
    const f: VmqFilter[] = [{ queueId: 7, macAddress: HOST.dst, encapsulated: true, vsid: 5001 }];
    expect(classifyVmq(cut, f)).toEqual({ queueId: 7, matched: f[0], over: 'outer' });
    expect(classifyVmq(frame, f)).toEqual({ queueId: 0, matched: null, over: 'inner' });
  });

  it('frames too short for Ethernet and junk never throw: queue 0', () => {
    for (let n = 0; n < 60; n++) expect(classifyVmq(new Uint8Array(n).fill(0xff), filters).queueId).toBe(0);
  });

  it('refuses bad filters with INVALID_ARGUMENT naming the field', () => {
    const frame = nvgre(inner(VM2));
    const bad: Array<[unknown, RegExp]> = [
      [null, /filters must be an array/],
      [[null], /filters\[0\] must be an object/],
      [[{ queueId: -1, macAddress: VM2 }], /filters\[0\]\.queueId/],
      [[{ queueId: 1, macAddress: 'nope' }], /filters\[0\]\.macAddress/],
      [[{ queueId: 1, macAddress: VM2, vlanId: 4096 }], /filters\[0\]\.vlanId/],
      [[{ queueId: 1, macAddress: VM2, vsid: 5001 }], /filters\[0\]\.vsid applies to encapsulated filters only/],
      [[{ queueId: 1, macAddress: VM2, encapsulated: 'yes' }], /filters\[0\]\.encapsulated/],
      [[{ queueId: 1, macAddress: VM2, mac: VM2 }], /filters\[0\]\.mac is not a VMQ filter field/],
    ];
    for (const [f, message] of bad) {
      let error: unknown;
      try {
        classifyVmq(frame, f as never);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(NvgreError);
      expect((error as NvgreError).code).toBe('INVALID_ARGUMENT');
      expect((error as NvgreError).message).toMatch(message);
    }
    expect(() => classifyVmq([1] as never, [])).toThrow(TypeError);
  });
});

describe('VMQ properties', () => {
  it('the result is the first filter, in order, whose given fields all match (a reference model)', () => {
    const filter = fc.record(
      {
        queueId: fc.integer({ min: 0, max: 16 }),
        macAddress: macBytes.map((b) => {
          const m = b.slice();
          m[0] = m[0]! & 0xfe; // unicast (group addresses are refused)
          return m;
        }),
        vlanId: fc.integer({ min: 0, max: 4095 }),
        encapsulated: fc.boolean(),
      },
      { requiredKeys: ['queueId', 'macAddress'] },
    );
    fc.assert(
      fc.property(nvgreFrame({ outerExtras: false, inner: { kinds: ['ipv4', 'ipv6', 'arp'], vlans: 1 } }), fc.array(filter, { maxLength: 6 }), fc.boolean(), (f, drawn, aimAtFrame) => {
        const frame = f.bytes;
        // The model reads the headers with the library's parser, independently of the classifier's walk.
        const parsed = parseFrame(frame, { transportChecksums: false });
        const outerEth = parsed.ethernet;
        const innerEth = parsed.inner!.ethernet;
        const unicast = (m: string) => (parseInt(m.slice(0, 2), 16) & 1) === 0;
        const filters: VmqFilter[] = drawn.map((d, i) => {
          // Half the runs point some filters at the frame's own (unicast) addresses, so matches happen.
          const target = d.encapsulated ? innerEth.dst : outerEth.dst;
          return aimAtFrame && i % 2 === 0 && unicast(target) ? { ...d, macAddress: target } : d;
        });
        const mac = (m: string | Uint8Array) => (typeof m === 'string' ? m.toLowerCase() : Array.from(m, (b) => b.toString(16).padStart(2, '0')).join(':'));
        const vid = (e: EthernetHeader) => (e.vlans.length > 0 ? e.vlans[0]!.id : undefined);
        const expected = filters.find((x) => {
          const eth = x.encapsulated ? innerEth : outerEth;
          if (!unicast(eth.dst)) return false;
          if (eth.dst !== mac(x.macAddress)) return false;
          return x.vlanId === undefined || vid(eth) === x.vlanId;
        });
        const got = createVmq(filters).classify(frame);
        expect(got.matched).toBe(expected ?? null);
        expect(got.queueId).toBe(expected?.queueId ?? 0);
        expect(classifyVmq(frame, filters)).toEqual(got);
      }),
      { numRuns: runs(300) },
    );
  });
});
