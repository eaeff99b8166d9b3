/**
 * The example policy of `nvgre policy init` (docs/nve.md §3): one routing domain with two virtual
 * subnets (5001 10.0.1.0/24, 5002 10.0.2.0/24), two compute hosts on one PA subnet and a gateway host
 * on another, a default route to the gateway VM, its GatewayWildcard record, the distributed router's
 * addresses (rule "none") and an L2Only record for flooding. Every host can reach every other's PA.
 */
import type { Policy } from './policy.js';

export const EXAMPLE_DOMAIN = '{11111111-2222-3333-4444-000000000000}';

/** A new copy of the example policy each call (change it freely). */
export function examplePolicy(): Policy {
  const compute = (name: string, pa: string, mac: string) => ({
    name,
    keyLayout: 'rfc7637' as const,
    providerAddresses: [{ address: pa, prefixLength: 24, vlan: 10, mac }],
    providerRoutes: [{ prefix: '0.0.0.0/0', nextHop: '192.168.10.1', metric: 10 }],
    neighbors: { '192.168.10.1': '00-00-5e-00-01-0a' },
  });
  return {
    format: 'nvgre-policy/1',
    routingDomains: [{ id: EXAMPLE_DOMAIN, name: 'Contoso' }],
    virtualSubnets: [
      { vsid: 5001, routingDomain: EXAMPLE_DOMAIN, gateway: '10.0.1.1', name: 'front end' },
      { vsid: 5002, routingDomain: EXAMPLE_DOMAIN, gateway: '10.0.2.1', name: 'back end' },
    ],
    lookupRecords: [
      { customerAddress: '10.0.1.11', vsid: 5001, mac: '00155D010111', providerAddress: '192.168.10.11', rule: 'encap', type: 'static', vmName: 'A1' },
      { customerAddress: '10.0.1.12', vsid: 5001, mac: '00155D010112', providerAddress: '192.168.10.12', rule: 'encap', type: 'static', vmName: 'A2' },
      { customerAddress: '10.0.2.21', vsid: 5002, mac: '00155D010221', providerAddress: '192.168.10.12', rule: 'encap', type: 'static', vmName: 'B1' },
      // The distributed router's address in each subnet: HNV answers ARP for it, passes no traffic to it.
      { customerAddress: '10.0.1.1', vsid: 5001, mac: '00155D0101FF', providerAddress: '0.0.0.0', rule: 'none', vmName: 'router 5001' },
      { customerAddress: '10.0.2.1', vsid: 5002, mac: '00155D0102FF', providerAddress: '0.0.0.0', rule: 'none', vmName: 'router 5002' },
      // The gateway VM, and its wildcard record: traffic from addresses outside the domain is accepted from its PA.
      { customerAddress: '10.0.1.254', vsid: 5001, mac: '00155D0101FE', providerAddress: '192.168.20.5', rule: 'encap', type: 'static', vmName: 'GW' },
      { customerAddress: '0.0.0.0', vsid: 5001, mac: '00155D0101FE', providerAddress: '192.168.20.5', rule: 'encap', type: 'gatewayWildcard', vmName: 'GW' },
      // A VM on host2 that learns addresses dynamically: ARP requests nobody answers are flooded to it.
      { customerAddress: '0.0.0.0', vsid: 5001, mac: '00155D010113', providerAddress: '192.168.10.12', rule: 'encap', type: 'l2only', vmName: 'A3' },
    ],
    customerRoutes: [
      { routingDomain: EXAMPLE_DOMAIN, vsid: 5001, prefix: '10.0.1.0/24', nextHop: '0.0.0.0', metric: 255 },
      { routingDomain: EXAMPLE_DOMAIN, vsid: 5002, prefix: '10.0.2.0/24', nextHop: '0.0.0.0', metric: 255 },
      { routingDomain: EXAMPLE_DOMAIN, vsid: 5001, prefix: '0.0.0.0/0', nextHop: '10.0.1.254', metric: 255 },
    ],
    hosts: [
      compute('host1', '192.168.10.11', '00-15-5D-0A-00-0B'),
      compute('host2', '192.168.10.12', '00-15-5D-0A-00-0C'),
      {
        name: 'gateway',
        keyLayout: 'rfc7637',
        providerAddresses: [{ address: '192.168.20.5', prefixLength: 24, vlan: 20, mac: '00-15-5D-14-00-05' }],
        providerRoutes: [{ prefix: '0.0.0.0/0', nextHop: '192.168.20.1', metric: 10 }],
        neighbors: { '192.168.20.1': '00-00-5e-00-01-14' },
      },
    ],
    options: { flood: 'unicast', icmpOnPolicyMismatch: true, sourceCheck: true },
  };
}
