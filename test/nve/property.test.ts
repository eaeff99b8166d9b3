/**
 * Properties of the endpoint over random small policies (docs/nve.md §5–§7): a frame one VM sends to
 * another arrives as the VM sent it, with the destination MAC of the target's record and, when routed,
 * the source MAC of the destination subnet's gateway; every drop names a code and says why; no input
 * (policy or frame) is ever changed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NvgreErrorCode, buildFrame, createNve, createPolicy, encapsulate, type FrameSpec, type Policy } from '../../src/index.js';
import { runs } from '../helpers/arbitraries.js';
import { deepFreeze } from './helpers.js';

const hex = (n: number) => n.toString(16).padStart(2, '0');
const mac = (a: number, b: number) => `02:00:00:00:${hex(a)}:${hex(b)}`;

/** Whether an Ethernet frame's up to two VLAN tags (TPID 0x8100 or 0x88A8 at 12, then 16) run past its end. */
function endsInsideTag(f: Uint8Array): boolean {
  for (let at = 12; at <= 16; at += 4) {
    const type = (f[at]! << 8) | f[at + 1]!;
    if (type !== 0x8100 && type !== 0x88a8) return false;
    if (f.length < at + 6) return true;
  }
  return false;
}

interface World {
  readonly policy: Policy;
  /** Each VM: its host, VSID, CA, MAC. */
  readonly vms: readonly { host: string; vsid: number; ca: string; mac: string }[];
  readonly gateways: ReadonlyMap<number, string>;
}

/** 1–3 subnets of one routing domain, 2–4 hosts (IPv4 or IPv6 PAs, on one PA subnet or behind routers), 2–8 VMs. */
const world: fc.Arbitrary<World> = fc
  .record({
    subnets: fc.integer({ min: 1, max: 3 }),
    hosts: fc.integer({ min: 2, max: 4 }),
    v6: fc.boolean(),
    routed: fc.boolean(),
    layout: fc.constantFrom('rfc7637' as const, 'low24' as const),
    vms: fc.array(fc.record({ host: fc.nat(), subnet: fc.nat() }), { minLength: 2, maxLength: 8 }),
  })
  .map(({ subnets, hosts, v6, routed, layout, vms }) => {
    const pa = (h: number) => (v6 ? `2001:db8:${routed ? h : 0}::${h + 10}` : `192.168.${routed ? h : 0}.${h + 10}`);
    const router = (h: number) => (v6 ? `2001:db8:${routed ? h : 0}::1` : `192.168.${routed ? h : 0}.1`);
    const list = vms.map((v, i) => ({ host: `h${v.host % hosts}`, vsid: 5001 + (v.subnet % subnets), ca: `10.0.${v.subnet % subnets}.${i + 10}`, mac: mac(1, i) }));
    const gateways = new Map(Array.from({ length: subnets }, (_, s) => [5001 + s, mac(0xff, s)] as const));
    const policy: Policy = {
      virtualSubnets: Array.from({ length: subnets }, (_, s) => ({ vsid: 5001 + s, routingDomain: 'd', gateway: `10.0.${s}.1` })),
      lookupRecords: [
        ...list.map((v, i) => ({ customerAddress: v.ca, vsid: v.vsid, mac: v.mac, providerAddress: pa(Number(v.host.slice(1))), vmName: `vm${i}` })),
        ...Array.from({ length: subnets }, (_, s) => ({ customerAddress: `10.0.${s}.1`, vsid: 5001 + s, mac: gateways.get(5001 + s)!, providerAddress: '0.0.0.0', rule: 'none' as const })),
      ],
      customerRoutes: Array.from({ length: subnets }, (_, s) => ({ routingDomain: 'd', vsid: 5001 + s, prefix: `10.0.${s}.0/24` })),
      hosts: Array.from({ length: hosts }, (_, h) => ({
        name: `h${h}`,
        keyLayout: layout,
        providerAddresses: [{ address: pa(h), prefixLength: v6 ? 64 : 24, mac: mac(0xaa, h) }],
        providerRoutes: [{ prefix: v6 ? '::/0' : '0.0.0.0/0', nextHop: router(h) }],
        neighbors: { [router(h)]: mac(0xbb, h) },
      })),
    };
    return { policy, vms: list, gateways };
  });

const payload = fc.oneof(
  fc.record({ udp: fc.record({ srcPort: fc.integer({ min: 1, max: 65535 }), dstPort: fc.integer({ min: 1, max: 65535 }) }) }),
  fc.record({ tcp: fc.record({ srcPort: fc.integer({ min: 1, max: 65535 }), dstPort: fc.integer({ min: 1, max: 65535 }), flags: fc.constant(0x18) }) }),
  fc.record({ icmp: fc.record({ type: fc.constant(8), identifier: fc.nat(65535), sequence: fc.nat(65535) }) }),
);

describe('the endpoint over random policies', () => {
  it('the frames generated below are the ones encapsulate accepts (endsInsideTag mirrors its rule)', () => {
    const types = [0x0800, 0x8100, 0x88a8, 0x9100];
    let refused = 0;
    for (const first of types)
      for (const second of types)
        for (let length = 14; length <= 24; length++) {
          const f = new Uint8Array(length);
          f[12] = first >> 8;
          f[13] = first & 0xff;
          if (length >= 18) {
            f[16] = second >> 8;
            f[17] = second & 0xff;
          }
          let threw = false;
          try {
            encapsulate(f, { vsid: 0x1000, srcMac: mac(0, 1), dstMac: mac(0, 2), srcIp: '192.168.0.1', dstIp: '192.168.0.2' });
          } catch (e) {
            expect((e as { code?: string }).code).toBe(NvgreErrorCode.TRUNCATED);
            threw = true;
          }
          expect(endsInsideTag(f), `${first.toString(16)}/${second.toString(16)}, ${length} bytes`).toBe(threw);
          if (threw) refused++;
        }
    expect(refused).toBeGreaterThan(0);
  });

  it('receive(transmit(x)) at the destination host gives the VM frame, MACs rewritten as documented', () => {
    fc.assert(
      fc.property(world, fc.nat(), fc.nat(), payload, fc.uint8Array({ maxLength: 300 }), fc.boolean(), (w, i, j, l4, data, into) => {
        const from = w.vms[i % w.vms.length]!;
        const to = w.vms[(i + 1 + (j % (w.vms.length - 1))) % w.vms.length]!;
        deepFreeze(w.policy);
        const spec = { ethernet: { src: from.mac, dst: '02:00:00:00:99:99' }, ipv4: { src: from.ca, dst: to.ca }, ...l4, payload: data } as FrameSpec;
        const vm = buildFrame(spec);
        const copy = vm.slice();
        const policy = createPolicy(w.policy);
        const sender = createNve(policy, from.host);
        const expected = vm.slice();
        expected.set(Uint8Array.from(to.mac.split(':').map((h) => parseInt(h, 16))), 0);
        if (to.vsid !== from.vsid) expected.set(Uint8Array.from(w.gateways.get(to.vsid)!.split(':').map((h) => parseInt(h, 16))), 6);
        const target = new Uint8Array(vm.length + 100);
        const sent = into ? sender.transmitInto(target, 3, vm, { vsid: from.vsid }) : sender.transmit(vm, { vsid: from.vsid });
        expect(vm).toEqual(copy);
        if (from.host === to.host) {
          expect(sent.action).toBe('local');
          expect(sent.inner).toEqual(expected);
          return;
        }
        expect(sent.action, sent.message).toBe('encapsulate');
        expect(sent.vsid).toBe(to.vsid);
        const wire = into ? target.subarray(3, 3 + sent.length) : sent.frames[0]!;
        const got = createNve(policy, to.host).receive(wire);
        expect(got.action, got.message).toBe('deliver');
        expect(got.vsid).toBe(to.vsid);
        expect(got.vm).toBe(`vm${w.vms.indexOf(to)}`);
        expect(got.inner).toEqual(expected);
        // Every other host finds the frame not addressed to it.
        for (const h of policy.hosts.keys()) if (h !== to.host) expect(createNve(policy, h).receive(wire).action).toBe('not-for-us');
      }),
      { numRuns: runs(150) },
    );
  });

  it('every drop names a code and a sentence; nothing throws on frame content; inputs stay as they were', () => {
    const codes = new Set<string>(Object.values(NvgreErrorCode));
    const frames = fc.oneof(
      fc.uint8Array({ maxLength: 120 }),
      // An NVGRE frame between two of the PAs, with a random key and inner frame.
      // encapsulate refuses an inner frame that ends inside a VLAN tag (TRUNCATED at inner-ethernet), so
      // such bytes (a TPID at 12 of a 14-17-byte frame, or at 12 and 16 of an 18-21-byte one) are left out.
      fc.record({ key: fc.nat(0xffffffff), inner: fc.uint8Array({ minLength: 14, maxLength: 80 }).filter((f) => !endsInsideTag(f)), a: fc.nat(3), b: fc.nat(3) }).map(({ key, inner, a, b }) => {
        const f = encapsulate(inner, { vsid: 0x1000, flowId: 0, srcMac: mac(0xaa, a), dstMac: mac(0xaa, b), srcIp: `192.168.0.${a + 10}`, dstIp: `192.168.0.${b + 10}` });
        new DataView(f.buffer, f.byteOffset).setUint32(38, key); // the GRE key
        return f;
      }),
    );
    fc.assert(
      fc.property(world, frames, fc.nat(), fc.integer({ min: 0, max: 0xffffff }), (w, frame, h, vsid) => {
        const policy = createPolicy(deepFreeze(w.policy));
        const host = [...policy.hosts.keys()][h % policy.hosts.size]!;
        const copy = frame.slice();
        const nve = createNve(policy, host);
        for (const r of [nve.transmit(frame, { vsid }), nve.transmit(frame, { vsid: w.vms[0]!.vsid }), nve.receive(frame)]) {
          if (r.action === 'drop') {
            expect(codes.has(r.reason!), r.reason).toBe(true);
            expect(r.message!.length).toBeGreaterThan(10);
            expect(r.trace.at(-1)!.step).toBe('drop');
          } else {
            expect(r.reason).toBeUndefined();
          }
        }
        expect(frame).toEqual(copy);
      }),
      { numRuns: runs(300) },
    );
  });
});
