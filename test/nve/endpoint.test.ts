/**
 * The endpoint's decision steps one by one (docs/nve.md §5–§7): pass-through, ND, each drop code with its
 * sentence, transmitInto, cached and uncached decisions agreeing, IPv6, and receive's not-for-us and
 * strict-receiver drops.
 */
import { describe, expect, it } from 'vitest';
import { buildFrame, createNve, createPolicy, decapsulate, examplePolicy, parseFrame, type Policy } from '../../src/index.js';
import { MAC, addressesOf, ipv4Frame, ipv6Frame, withHosts, withRecords } from './helpers.js';

const p = createPolicy(examplePolicy());
const host1 = createNve(p, 'host1');
const a1ToA2 = ipv4Frame('10.0.1.11', '10.0.1.12', MAC.A1, MAC.A2);

describe('transmit', () => {
  it('port VSID 0 passes the frame through untouched (a copy)', () => {
    const r = host1.transmit(a1ToA2, { vsid: 0 });
    expect(r.action).toBe('pass');
    expect(r.frames[0]).toEqual(a1ToA2);
    expect(r.frames[0]).not.toBe(a1ToA2);
  });

  it('gives the same decision from its cache as the first time, for many packets', () => {
    const first = host1.transmit(a1ToA2, { vsid: 5001 });
    for (let i = 0; i < 5; i++) {
      const again = host1.transmit(a1ToA2, { vsid: 5001 });
      expect(again.action).toBe('encapsulate');
      expect(decapsulate(again.frames[0]!).inner).toEqual(decapsulate(first.frames[0]!).inner);
      expect(again.trace).toEqual(first.trace);
    }
    // A frame that takes the uncached path (an 802.1Q tag, which the encapsulator removes) decides the same.
    const tagged = buildFrame({ ethernet: { src: MAC.A1, dst: MAC.A2, vlans: [{ id: 5 }] }, ipv4: { src: '10.0.1.11', dst: '10.0.1.12' }, icmp: { type: 8, identifier: 7, sequence: 1 }, payload: 'ping' });
    const t = host1.transmit(tagged, { vsid: 5001 });
    expect(t.action).toBe('encapsulate');
    expect(decapsulate(t.frames[0]!).inner).toEqual(decapsulate(first.frames[0]!).inner);
  });

  it('transmitInto writes the frame into the target and allocates no frame list', () => {
    const target = new Uint8Array(2048).fill(0xee);
    const r = host1.transmitInto(target, 100, a1ToA2, { vsid: 5001 });
    expect(r.action).toBe('encapsulate');
    expect(r.frames).toEqual([]);
    const written = decapsulate(target.subarray(100, 100 + r.length));
    const returned = decapsulate(host1.transmit(a1ToA2, { vsid: 5001 }).frames[0]!);
    expect([written.key, written.inner, written.outer.dst]).toEqual([returned.key, returned.inner, returned.outer.dst]);
    expect(target[99]).toBe(0xee);
    expect(target[100 + r.length]).toBe(0xee);
    expect(() => host1.transmitInto(new Uint8Array(40), 0, a1ToA2, { vsid: 5001 })).toThrow(/NO_SPACE/);
  });

  it.each([
    [
      'NO_CUSTOMER_ROUTE',
      { ...examplePolicy(), customerRoutes: examplePolicy().customerRoutes!.filter((r) => r.prefix !== '0.0.0.0/0') },
      'host1',
      ipv4Frame('10.0.1.11', '8.8.8.8', MAC.A1, MAC.R5001),
      5001,
      /no customer route of routing domain \{11111111-2222-3333-4444-000000000000\} \(VSID 5001\) covers 8\.8\.8\.8/,
    ],
    ['NO_CUSTOMER_ROUTE (VSID without a domain)', examplePolicy(), 'host1', ipv4Frame('10.0.1.11', '8.8.8.8', MAC.A1, MAC.R5001), 6000, /VSID 6000 belongs to no routing domain/],
    ['NO_LOOKUP_RECORD (target)', examplePolicy(), 'host1', ipv4Frame('10.0.1.11', '10.0.2.99', MAC.A1, MAC.R5001), 5001, /no lookup record for 10\.0\.2\.99 in VSID 5002, and no GatewayWildcard record there/],
    ['NO_LOOKUP_RECORD (sender)', examplePolicy(), 'host1', ipv4Frame('10.0.1.77', '10.0.1.12', MAC.A1, MAC.A2), 5001, /the sending VM \(10\.0\.1\.77\) has no lookup record/],
    ['SOURCE_MISMATCH (sender elsewhere)', examplePolicy(), 'host2', ipv4Frame('10.0.1.11', '10.0.2.21', MAC.A1, MAC.R5001), 5001, /puts it behind PA 192\.168\.10\.11 of host host1, not on this host \(host2\)/],
    ['UNSUPPORTED_RULE (none)', examplePolicy(), 'host1', ipv4Frame('10.0.1.11', '10.0.1.1', MAC.A1, MAC.R5001), 5001, /TranslationMethodNone/],
    [
      'UNSUPPORTED_RULE (nat)',
      withRecords((r) => [...r, { customerAddress: '10.0.2.30', vsid: 5002, mac: '00155D010230', providerAddress: '192.168.10.12', rule: 'nat' }]),
      'host1',
      ipv4Frame('10.0.1.11', '10.0.2.30', MAC.A1, MAC.R5001),
      5001,
      /TranslationMethodNat/,
    ],
    ['NO_PROVIDER_ROUTE', withHosts((h) => ({ ...h, providerRoutes: [] })), 'host1', ipv4Frame('10.0.1.11', '8.8.8.8', MAC.A1, MAC.R5001), 5001, /General Transmit Failure.*provider route or a default gateway/],
    ['NO_NEXT_HOP_MAC', withHosts((h) => ({ ...h, neighbors: {} })), 'host1', ipv4Frame('10.0.1.11', '8.8.8.8', MAC.A1, MAC.R5001), 5001, /next hop 192\.168\.10\.1 .* has no MAC/],
  ] as const)('%s', (code, policy, host, frame, vsid, message) => {
    const r = createNve(policy as Policy, host).transmit(frame, { vsid });
    expect(r.action).toBe('drop');
    expect(r.reason).toBe(code.split(' ')[0]);
    expect(r.message).toMatch(message);
    expect(r.trace.at(-1)).toEqual({ step: 'drop', detail: `${r.reason}: ${r.message}` });
  });

  it('answers an IPv6 Neighbor Solicitation from a record, and routes IPv6', () => {
    const v6: Policy = {
      virtualSubnets: [{ vsid: 7001, routingDomain: 'v6' }, { vsid: 7002, routingDomain: 'v6', gateway: 'fd00:2::1' }],
      lookupRecords: [
        { customerAddress: 'fd00:1::11', vsid: 7001, mac: '00155D070011', providerAddress: '2001:db8:10::11' },
        { customerAddress: 'fd00:2::22', vsid: 7002, mac: '00155D070022', providerAddress: '2001:db8:10::12' },
        { customerAddress: 'fd00:2::1', vsid: 7002, mac: '00155D0702FF', providerAddress: '::', rule: 'none' },
      ],
      customerRoutes: [
        { routingDomain: 'v6', vsid: 7001, prefix: 'fd00:1::/64' },
        { routingDomain: 'v6', vsid: 7002, prefix: 'fd00:2::/64' },
      ],
      hosts: [
        { name: 'a', providerAddresses: [{ address: '2001:db8:10::11', prefixLength: 64, mac: '00155D0A0011' }] },
        { name: 'b', providerAddresses: [{ address: '2001:db8:10::12', prefixLength: 64, mac: '00155D0A0012' }] },
      ],
    };
    const a = createNve(v6, 'a');
    const ns = buildFrame({
      ethernet: { src: '00:15:5d:07:00:11', dst: '33:33:ff:00:00:22' },
      ipv6: { src: 'fd00:1::11', dst: 'ff02::1:ff00:22', hopLimit: 255 },
      icmp: { type: 135, code: 0, rest: 0 },
      payload: Uint8Array.from([0xfd, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x11]),
    });
    // A solicitation for a CA of the VM's own subnet is answered (here: itself, a duplicate address check).
    const answered = a.transmit(ns, { vsid: 7001 });
    expect(answered.action).toBe('answered');
    const na = parseFrame(answered.replies[0]!);
    expect(na.transport).toMatchObject({ protocol: 'icmpv6', type: 136, checksumValid: true });
    const r = a.transmit(ipv6Frame('fd00:1::11', 'fd00:2::22', '00:15:5d:07:00:11', '00:15:5d:07:00:ff'), { vsid: 7001 });
    expect(r).toMatchObject({ action: 'encapsulate', vsid: 7002 });
    const d = decapsulate(r.frames[0]!);
    expect(d.outer).toMatchObject({ ipVersion: 6, dst: '2001:db8:10::12' });
    expect(addressesOf(d.inner)).toMatchObject({ dstMac: '00:15:5d:07:00:22', srcMac: '00:15:5d:07:02:ff' });
    expect(createNve(v6, 'b').receive(r.frames[0]!)).toMatchObject({ action: 'deliver', vsid: 7002 });
  });

  it('never changes the frame it is given', () => {
    const frame = ipv4Frame('10.0.1.11', '10.0.2.21', MAC.A1, MAC.R5001);
    const copy = frame.slice();
    host1.transmit(frame, { vsid: 5001 });
    host1.transmitInto(new Uint8Array(300), 0, frame, { vsid: 5001 });
    expect(frame).toEqual(copy);
  });
});

describe('receive', () => {
  const host2 = createNve(p, 'host2');

  it('not-for-us: not IP, not GRE, not to one of its PAs', () => {
    expect(host2.receive(a1ToA2).action).toBe('not-for-us');
    expect(host2.receive(new Uint8Array(0)).action).toBe('not-for-us');
    const toHost1 = host2.transmit(ipv4Frame('10.0.1.12', '10.0.1.11', MAC.A2, MAC.A1), { vsid: 5001 }).frames[0]!;
    expect(host2.receive(toHost1).action).toBe('not-for-us');
  });

  it('the strict receiver drops what RFC 7637 drops, with its code', () => {
    const tagged = buildFrame({
      ethernet: { src: '00:15:5d:0a:00:0b', dst: '00:15:5d:0a:00:0c' },
      ipv4: { src: '192.168.10.11', dst: '192.168.10.12' },
      nvgre: { vsid: 5001 },
      inner: { ethernet: { src: MAC.A1, dst: MAC.A2, vlans: [{ id: 3 }] }, ipv4: { src: '10.0.1.11', dst: '10.0.1.12' }, udp: { srcPort: 1, dstPort: 2 } },
    });
    expect(host2.receive(tagged)).toMatchObject({ action: 'drop', reason: 'INNER_VLAN' });
  });

  it('POLICY_MISMATCH when the destination is behind another PA, with an ICMP reply', () => {
    const wrong = buildFrame({
      ethernet: { src: '00:15:5d:0a:00:0b', dst: '00:15:5d:0a:00:0c' },
      ipv4: { src: '192.168.10.11', dst: '192.168.10.12' },
      nvgre: { vsid: 5001 },
      inner: { ethernet: { src: MAC.A1, dst: MAC.GW }, ipv4: { src: '10.0.1.11', dst: '10.0.1.254' }, udp: { srcPort: 1, dstPort: 2 } },
    });
    const r = host2.receive(wrong);
    expect(r).toMatchObject({ action: 'drop', reason: 'POLICY_MISMATCH' });
    expect(r.message).toMatch(/puts it behind PA 192\.168\.20\.5 of host gateway, not this host's 192\.168\.10\.12/);
    expect(r.replies).toHaveLength(1);
    const off = createNve(createPolicy({ ...examplePolicy(), options: { icmpOnPolicyMismatch: false } }), 'host2').receive(wrong);
    expect(off.replies).toEqual([]);
  });

  it('an IPv6 packet with no record behind this PA is answered with ICMPv6 type 1 code 1 inside NVGRE', () => {
    const v6: Policy = {
      lookupRecords: [
        { customerAddress: 'fd00:1::11', vsid: 7001, mac: '00155D070011', providerAddress: '192.168.10.11' },
        { customerAddress: 'fd00:1::12', vsid: 7001, mac: '00155D070012', providerAddress: '192.168.10.12' },
      ],
      customerRoutes: [{ routingDomain: 'v6', vsid: 7001, prefix: 'fd00:1::/64' }],
      hosts: examplePolicy().hosts.slice(0, 2),
    };
    const frame = buildFrame({
      ethernet: { src: '00:15:5d:0a:00:0b', dst: '00:15:5d:0a:00:0c' },
      ipv4: { src: '192.168.10.11', dst: '192.168.10.12' },
      nvgre: { vsid: 7001 },
      inner: { ethernet: { src: '00:15:5d:07:00:11', dst: '00:15:5d:07:00:99' }, ipv6: { src: 'fd00:1::11', dst: 'fd00:1::99' }, udp: { srcPort: 1, dstPort: 2 }, payload: 'x' },
    });
    const r = createNve(v6, 'host2').receive(frame);
    expect(r).toMatchObject({ action: 'drop', reason: 'POLICY_MISMATCH' });
    const reply = parseFrame(r.replies[0]!);
    expect(reply.nvgre!.vsid).toBe(7001);
    expect(reply.inner!.ip).toMatchObject({ src: 'fd00:1::99', dst: 'fd00:1::11' });
    expect(reply.inner!.transport).toMatchObject({ protocol: 'icmpv6', type: 1, code: 1, checksumValid: true });
    expect(createNve(v6, 'host1').receive(r.replies[0]!)).toMatchObject({ action: 'drop', reason: 'SOURCE_MISMATCH' });
  });

  it('SOURCE_MISMATCH when the inner source is not behind the outer source PA; sourceCheck: false lets it in', () => {
    const spoofed = buildFrame({
      ethernet: { src: '00:15:5d:0a:00:0b', dst: '00:15:5d:0a:00:0c' },
      ipv4: { src: '192.168.10.11', dst: '192.168.10.12' },
      nvgre: { vsid: 5001 },
      inner: { ethernet: { src: MAC.A1, dst: MAC.A2 }, ipv4: { src: '10.0.2.21', dst: '10.0.1.12' }, udp: { srcPort: 1, dstPort: 2 } },
    });
    const r = host2.receive(spoofed);
    expect(r).toMatchObject({ action: 'drop', reason: 'SOURCE_MISMATCH' });
    expect(r.message).toMatch(/inner source 10\.0\.2\.21 belongs behind PA 192\.168\.10\.12/);
    expect(createNve({ ...examplePolicy(), options: { sourceCheck: false } }, 'host2').receive(spoofed)).toMatchObject({ action: 'deliver', vm: 'A2' });
  });
});
