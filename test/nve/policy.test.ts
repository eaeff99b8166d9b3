/**
 * The native policy (docs/nve.md §3, §8): every problem is an INVALID_POLICY error with the path of the
 * offending entry and a sentence saying what to write; the input is never changed.
 */
import { describe, expect, it } from 'vitest';
import { NvgreError, createPolicy, examplePolicy, validatePolicy, type Policy } from '../../src/index.js';
import { deepFreeze, withHosts, withRecords } from './helpers.js';

const DOMAIN = '{11111111-2222-3333-4444-000000000000}';

function problems(p: unknown): { path: string; problem: string; message: string }[] {
  return validatePolicy(p).map((e) => ({ path: e.path, problem: e.problem, message: e.message }));
}

describe('validatePolicy / createPolicy', () => {
  it('accepts the example, keeps a canonical copy, and never writes to its input', () => {
    const input = deepFreeze(examplePolicy());
    expect(validatePolicy(input)).toEqual([]);
    const p = createPolicy(input);
    expect(p.policy.lookupRecords[0]!.mac).toBe('00:15:5d:01:01:11');
    expect(p.policy.hosts[0]!.providerAddresses[0]!.mac).toBe('00:15:5d:0a:00:0b');
    expect(JSON.parse(JSON.stringify(p))).toEqual(p.policy);
    // The canonical form is itself a valid policy, and canonical again.
    expect(createPolicy(p.policy).policy).toEqual(p.policy);
  });

  it.each([
    ['a VSID below 4096', withRecords((r) => [{ ...r[0]!, vsid: 4095 }, ...r.slice(1)]), 'lookupRecords[0].vsid', 'VSID_OUT_OF_RANGE', /reserved/],
    ['VSID 16777215', withRecords((r) => [...r, { ...r[0]!, customerAddress: '10.0.1.50', vsid: 0xffffff }]), 'lookupRecords[8].vsid', 'VSID_OUT_OF_RANGE', /4096–16777214/],
    [
      'a VSID in two routing domains',
      { ...examplePolicy(), customerRoutes: [...examplePolicy().customerRoutes!, { routingDomain: '{aaaaaaaa-0000-0000-0000-000000000000}', vsid: 5002, prefix: '10.9.0.0/16' }] },
      'customerRoutes[3].vsid',
      'VSID_IN_TWO_DOMAINS',
      /VSID 5002 is in routing domain \{aaaaaaaa.*but in \{11111111.*at virtualSubnets\[1\]\.vsid/,
    ],
    ['a duplicate CA in a routing domain', withRecords((r) => [...r, { ...r[2]!, vsid: 5001 }]), 'lookupRecords[8].customerAddress', 'DUPLICATE_CA', /10\.0\.2\.21 is already used in routing domain .* by lookupRecords\[2\]/],
    ['a record whose PA no host owns', withRecords((r) => [...r, { ...r[0]!, customerAddress: '10.0.1.77', providerAddress: '192.168.10.99' }]), 'lookupRecords[8].providerAddress', 'PA_UNOWNED', /no host has provider address 192\.168\.10\.99/],
    ['a prefix with host bits set', { ...examplePolicy(), customerRoutes: [{ routingDomain: DOMAIN, vsid: 5001, prefix: '10.0.1.5/24' }] }, 'customerRoutes[0].prefix', 'BAD_PREFIX', /did you mean "10\.0\.1\.0\/24"/],
    ['a prefix without a length', { ...examplePolicy(), customerRoutes: [{ routingDomain: DOMAIN, vsid: 5001, prefix: '10.0.1.0' }] }, 'customerRoutes[0].prefix', 'BAD_PREFIX', /no "\/length"/],
    ['a prefix length of 33', withHosts((h) => ({ ...h, providerRoutes: [{ prefix: '0.0.0.0/33', nextHop: '192.168.10.1' }] })), 'hosts[0].providerRoutes[0].prefix', 'BAD_PREFIX', /0 to 32/],
    ['a next hop of the other family', withHosts((h) => ({ ...h, providerRoutes: [{ prefix: '0.0.0.0/0', nextHop: 'fe80::1' }] })), 'hosts[0].providerRoutes[0].nextHop', 'FAMILY_MISMATCH', /IPv6 but the prefix 0\.0\.0\.0\/0 is IPv4/],
    ['a MAC of 5 octets', withRecords((r) => [{ ...r[0]!, mac: '00-15-5d-01-01' }, ...r.slice(1)]), 'lookupRecords[0].mac', 'BAD_MAC', /12 hex digits/],
    ['a CA that is no address', withRecords((r) => [{ ...r[0]!, customerAddress: '10.0.1.256' }, ...r.slice(1)]), 'lookupRecords[0].customerAddress', 'BAD_ADDRESS', /not an IPv4 or IPv6 address/],
    ['a rule that does not exist', withRecords((r) => [{ ...r[0]!, rule: 'tunnel' as never }, ...r.slice(1)]), 'lookupRecords[0].rule', 'BAD_VALUE', /"encap", "nat", "none"/],
    ['PA 0.0.0.0 for an encap record', withRecords((r) => [{ ...r[0]!, providerAddress: '0.0.0.0' }, ...r.slice(1)]), 'lookupRecords[0].providerAddress', 'BAD_ADDRESS', /only for a rule "none" record/],
    ['a PA on two hosts', withHosts((h) => ({ ...h, providerAddresses: h.name === 'host2' ? [{ ...h.providerAddresses[0]!, address: '192.168.10.11' }] : h.providerAddresses })), 'hosts[1].providerAddresses[0].address', 'PA_ON_TWO_HOSTS', /also configured at hosts\[0\]/],
    ['two hosts of one name', withHosts((h) => ({ ...h, name: h.name === 'host2' ? 'host1' : h.name })), 'hosts[1].name', 'DUPLICATE_HOST', /"host1" is also hosts\[0\]/],
    ['a key layout that does not exist', withHosts((h) => ({ ...h, keyLayout: 'high24' as never })), 'hosts[0].keyLayout', 'BAD_VALUE', /"rfc7637", "low24"/],
    ['a VLAN of 4095', withHosts((h) => ({ ...h, providerAddresses: [{ ...h.providerAddresses[0]!, vlan: 4095 }] })), 'hosts[0].providerAddresses[0].vlan', 'BAD_VALUE', /0 to 4094/],
    ['a neighbour MAC that does not parse', withHosts((h) => ({ ...h, neighbors: { '192.168.10.1': 'router' } })), 'hosts[0].neighbors["192.168.10.1"]', 'BAD_MAC', /not a MAC address/],
    ['a multicast group that is unicast', { ...examplePolicy(), virtualSubnets: [{ vsid: 5001, routingDomain: DOMAIN, multicastGroup: '10.1.1.1' }] }, 'virtualSubnets[0].multicastGroup', 'BAD_ADDRESS', /not a multicast address/],
    ['an option of the wrong type', { ...examplePolicy(), options: { sourceCheck: 'yes' as never } }, 'options.sourceCheck', 'BAD_VALUE', /true or false/],
  ] as const)('%s → %s %s', (_what, policy, path, problem, message) => {
    const found = problems(policy);
    expect(found.map((f) => [f.path, f.problem])).toContainEqual([path, problem]);
    expect(found.find((f) => f.path === path)!.message).toMatch(message);
    // createPolicy throws it as an INVALID_POLICY NvgreError naming the path.
    let thrown: unknown;
    try {
      createPolicy(policy as Policy);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(NvgreError);
    expect((thrown as NvgreError).code).toBe('INVALID_POLICY');
    expect((thrown as NvgreError).layer).toBe(found[0]!.path);
  });

  it('untrusted shapes are problems, never TypeErrors', () => {
    for (const input of [null, 7, 'policy', [], {}, { lookupRecords: null, hosts: {} }, { lookupRecords: [null, 1, 'x', []], hosts: [null, { name: 3 }] }, { lookupRecords: [{}], hosts: [{ name: 'h', providerAddresses: [{}], providerRoutes: [{}], neighbors: [] }] }]) {
      const found = validatePolicy(input);
      expect(found.length).toBeGreaterThan(0);
      for (const e of found) expect(e.code).toBe('INVALID_POLICY');
    }
    const many = problems({ lookupRecords: [{ customerAddress: 'x', vsid: 1, mac: 'y', providerAddress: 'z' }], hosts: [] });
    expect(many.map((m) => m.path)).toEqual(['lookupRecords[0].customerAddress', 'lookupRecords[0].vsid', 'lookupRecords[0].mac', 'lookupRecords[0].providerAddress']);
    expect(() => createPolicy({ lookupRecords: [{ customerAddress: 'x', vsid: 1, mac: 'y', providerAddress: 'z' }], hosts: [] } as never)).toThrow(/and 3 more problems/);
  });

  it('accepts every MAC spelling and IPv6 throughout', () => {
    const spellings = ['00155D010111', '00155d010111', '00-15-5D-01-01-11', '00:15:5d:01:01:11', '0015.5d01.0111'];
    for (const mac of spellings) {
      expect(createPolicy(withRecords((r) => [{ ...r[0]!, mac }, ...r.slice(1)])).policy.lookupRecords[0]!.mac).toBe('00:15:5d:01:01:11');
    }
    const v6: Policy = {
      lookupRecords: [{ customerAddress: 'fd00:1::11', vsid: 7001, mac: '00155D070011', providerAddress: '2001:db8:10::11' }],
      customerRoutes: [{ routingDomain: 'v6', vsid: 7001, prefix: 'fd00:1::/64' }],
      hosts: [{ name: 'h', providerAddresses: [{ address: '2001:db8:10::11', prefixLength: 64, mac: '00155D0A0011' }], providerRoutes: [{ prefix: '::/0', nextHop: '2001:db8:10::1' }] }],
    };
    expect(createPolicy(v6).policy.customerRoutes![0]!.nextHop).toBe('::');
  });
});
