/**
 * importHnvPolicy (docs/nve.md §3) on hand-made ConvertTo-Json fixtures (fixtures/README.md): every
 * Rule and Type by name, 0-based number and WMI number, every MAC spelling, single-object exports,
 * and an INVALID_POLICY error naming the entry for anything else.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { NvgreError, checkPolicy, createNve, createPolicy, hnvExportKind, importHnvPolicy, type HnvExports } from '../../src/index.js';
import { MAC, ipv4Frame } from './helpers.js';

const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, 'fixtures', name), 'utf8');

function exportsWith(records: string): HnvExports {
  return {
    lookupRecords: records,
    customerRoutes: fixture('customer-routes.json'),
    hosts: ['host1', 'host2', 'gateway'].map((name) => ({ name, providerAddresses: fixture(`${name}.provider-addresses.json`), providerRoutes: fixture(`${name}.provider-routes.json`) })),
  };
}

describe('importHnvPolicy', () => {
  const names = importHnvPolicy(exportsWith(fixture('lookup-records.names.json')));

  it('reads every Rule and Type by name, and every MAC spelling', () => {
    const r = names.policy.lookupRecords;
    expect(r.map((x) => [x.vmName, x.rule, x.type])).toEqual([
      ['A1', 'encap', 'static'],
      ['A2', 'encap', 'dynamic'],
      ['B1', 'encap', 'static'],
      ['DefaultGW', 'none', 'static'],
      ['GW', 'encap', 'static'],
      ['GW', 'encap', 'gatewayWildcard'],
      ['A3', 'encap', 'l2only'],
      ['N1', 'nat', 'static'],
    ]);
    expect(r.map((x) => x.mac)).toEqual([
      '00:15:5d:01:01:11',
      '00:15:5d:01:01:12',
      '00:15:5d:01:02:21',
      '00:15:5d:01:01:ff',
      '00:15:5d:01:01:fe',
      '00:15:5d:01:01:fe',
      '00:15:5d:01:01:13',
      '00:15:5d:01:02:30',
    ]);
    expect(names.warnings).toEqual(['lookupRecords[8]: 10.0.2.99 in VSID 5002 is marked Unusable; left out']);
  });

  it('reads the 0-based (os-win) and the WMI (35+) numbers as the same records', () => {
    for (const file of ['lookup-records.zero-based.json', 'lookup-records.wmi.json']) {
      expect(importHnvPolicy(exportsWith(fixture(file))).policy).toEqual(names.policy);
    }
  });

  it('reads per-host provider addresses (a single object) and routes (an empty export is none)', () => {
    const [host1, , gateway] = names.policy.hosts;
    expect(host1).toMatchObject({ name: 'host1', providerAddresses: [{ address: '192.168.10.11', prefixLength: 24, vlan: 10, mac: '00:15:5d:0a:00:0b', interfaceIndex: 12 }], providerRoutes: [{ prefix: '0.0.0.0/0', nextHop: '192.168.10.1', metric: 10 }] });
    expect(gateway).toMatchObject({ name: 'gateway', providerAddresses: [{ vlan: 20, mac: '00:15:5d:14:00:05' }], providerRoutes: [] });
  });

  it('gives a policy that works, and whose checker finds seed 001 on the gateway host', () => {
    const policy = createPolicy(names.policy);
    const out = createNve(policy, 'host1').transmit(ipv4Frame('10.0.1.11', '10.0.2.21', MAC.A1, MAC.R5001), { vsid: 5001 });
    // No neighbour MAC for the router is in any export, but host2 is on-link.
    expect(out).toMatchObject({ action: 'encapsulate', vsid: 5002 });
    const findings = checkPolicy(policy);
    expect(findings.filter((f) => f.code === 'PA_UNREACHABLE').map((f) => f.path)).toEqual(['hosts[2]', 'hosts[2]']);
    expect(findings.filter((f) => f.code === 'NO_NEXT_HOP_MAC').map((f) => f.path)).toEqual(['hosts[0]', 'hosts[1]']);
  });

  it('classifies exports by their properties', () => {
    expect(hnvExportKind(fixture('lookup-records.wmi.json'))).toBe('lookupRecords');
    expect(hnvExportKind(fixture('customer-routes.json'))).toBe('customerRoutes');
    expect(hnvExportKind(fixture('host2.provider-addresses.json'))).toBe('providerAddresses');
    expect(hnvExportKind(fixture('host1.provider-routes.json'))).toBe('providerRoutes');
    expect(hnvExportKind(fixture('gateway.provider-routes.json'))).toBe(null);
    expect(hnvExportKind('{ "value": [ { "CustomerAddress": "10.0.0.1", "ProviderAddress": "192.0.2.1" } ] }')).toBe('lookupRecords');
    expect(hnvExportKind('not json')).toBe(null);
  });

  it('updates a base policy one host at a time, and never changes its input', () => {
    const base = Object.freeze(importHnvPolicy({ lookupRecords: fixture('lookup-records.names.json'), customerRoutes: fixture('customer-routes.json') }).policy);
    const one = importHnvPolicy({ hosts: [{ name: 'host1', providerAddresses: fixture('host1.provider-addresses.json'), neighbors: { '192.168.10.1': '00005e00010a' } }] }, base).policy;
    const two = importHnvPolicy({ hosts: [{ name: 'host1', providerRoutes: fixture('host1.provider-routes.json') }, { name: 'host2', providerAddresses: '\uFEFF' + fixture('host2.provider-addresses.json') }] }, one).policy;
    expect(two.hosts.map((h) => h.name)).toEqual(['host1', 'host2']);
    expect(two.hosts[0]).toMatchObject({ providerAddresses: [{ address: '192.168.10.11' }], providerRoutes: [{ prefix: '0.0.0.0/0' }], neighbors: { '192.168.10.1': '00005e00010a' } });
    expect(two.lookupRecords).toBe(base.lookupRecords);
    expect(base.hosts).toEqual([]);
  });

  it.each([
    ['a Rule of 99', { lookupRecords: [{ CustomerAddress: '10.0.0.1', VirtualSubnetID: 5001, MACAddress: '101010101105', ProviderAddress: '192.0.2.1', Rule: 99 }] }, 'lookupRecords[0].Rule', /TranslationMethod|encap, nat, none/],
    ['a Type of "Floating"', { lookupRecords: [{ CustomerAddress: '10.0.0.1', VirtualSubnetID: 5001, MACAddress: '101010101105', ProviderAddress: '192.0.2.1', Type: 'Floating' }] }, 'lookupRecords[0].Type', /"Floating" is not a Type/],
    ['a MAC of 11 digits', { lookupRecords: [{ CustomerAddress: '10.0.0.1', VirtualSubnetID: 5001, MACAddress: '10101010110', ProviderAddress: '192.0.2.1' }] }, 'lookupRecords[0].MACAddress', /12 hex digits/],
    ['no CustomerAddress', { lookupRecords: [{ VirtualSubnetID: 5001, MACAddress: '101010101105', ProviderAddress: '192.0.2.1' }] }, 'lookupRecords[0].CustomerAddress', /expected text/],
    ['a VSID of -1', { customerRoutes: [{ RoutingDomainID: 'x', VirtualSubnetID: -1, DestinationPrefix: '10.0.0.0/8' }] }, 'customerRoutes[0].VirtualSubnetID', /non-negative integer/],
    ['an entry that is a string', { lookupRecords: '["x"]' }, 'lookupRecords[0]', /expected an object/],
    ['text that is not JSON', { customerRoutes: '{"a": ' }, 'customerRoutes', /not JSON/],
    ['a host without a name', { hosts: [{ providerAddresses: '[]' }] as never }, 'hosts[0].name', /needs a name/],
  ] as const)('%s → INVALID_POLICY at %s', (_what, exports, where, message) => {
    let thrown: unknown;
    try {
      importHnvPolicy(exports as HnvExports);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(NvgreError);
    expect((thrown as NvgreError).code).toBe('INVALID_POLICY');
    expect((thrown as NvgreError).layer).toBe(where);
    expect((thrown as NvgreError).message).toMatch(message);
  });
});
