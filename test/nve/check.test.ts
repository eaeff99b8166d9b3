/** checkPolicy (docs/nve.md §8): each finding on a policy made to have it, and none on the example. */
import { describe, expect, it } from 'vitest';
import { checkPolicy, createPolicy, examplePolicy, type Policy } from '../../src/index.js';
import { withHosts, withRecords } from './helpers.js';

const codes = (p: Policy) => checkPolicy(p).map((f) => f.code);

describe('checkPolicy', () => {
  it('finds nothing to report in the example', () => {
    expect(checkPolicy(examplePolicy())).toEqual([]);
    expect(checkPolicy(createPolicy(examplePolicy()))).toEqual([]);
  });

  it('reports validation problems as errors, and still checks the rest', () => {
    const p = withRecords((r) => [...r, { ...r[0]!, customerAddress: '10.0.1.90', vsid: 70 }], withHosts((h) => ({ ...h, keyLayout: h.name === 'host2' ? 'low24' : 'rfc7637' })));
    const f = checkPolicy(p);
    expect(f[0]).toMatchObject({ severity: 'error', code: 'VSID_OUT_OF_RANGE', path: 'lookupRecords[8].vsid' });
    expect(f.map((x) => x.code)).toContain('KEY_LAYOUT_MIXED');
  });

  it('PA_UNREACHABLE and NO_NEXT_HOP_MAC', () => {
    const noNeighbor = withHosts((h) => (h.name === 'host1' ? { ...h, neighbors: {} } : h));
    const f = checkPolicy(noNeighbor).filter((x) => x.code === 'NO_NEXT_HOP_MAC');
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ severity: 'error', path: 'hosts[0]' });
    expect(f[0]!.message).toMatch(/host host1 reaches PA 192\.168\.20\.5 of host gateway through 192\.168\.10\.1, which has no MAC/);
  });

  it('ROUTE_SHADOWED for customer and provider routes', () => {
    const p = examplePolicy();
    const shadowed: Policy = {
      ...withHosts((h) => ({ ...h, providerRoutes: [...(h.providerRoutes ?? []), { prefix: '0.0.0.0/0', nextHop: h.name === 'gateway' ? '192.168.20.1' : '192.168.10.1', metric: 20 }] })),
      customerRoutes: [...p.customerRoutes!, { routingDomain: p.routingDomains![0]!.id, vsid: 5002, prefix: '10.0.2.0/24', metric: 300 }],
    };
    const f = checkPolicy(shadowed).filter((x) => x.code === 'ROUTE_SHADOWED');
    expect(f.map((x) => x.path)).toEqual(['customerRoutes[3]', 'hosts[0].providerRoutes[1]', 'hosts[1].providerRoutes[1]', 'hosts[2].providerRoutes[1]']);
    expect(f[0]!.severity).toBe('warning');
  });

  it('RECORD_UNROUTED, VSID_WITHOUT_DOMAIN and NO_GATEWAY_RECORD', () => {
    const p = examplePolicy();
    const odd: Policy = {
      ...p,
      virtualSubnets: p.virtualSubnets!.map((s) => ({ vsid: s.vsid, routingDomain: s.routingDomain })),
      lookupRecords: [
        ...p.lookupRecords.filter((r) => r.rule !== 'none'),
        { customerAddress: '10.0.9.9', vsid: 5002, mac: '00155D000909', providerAddress: '192.168.10.12' },
        { customerAddress: '10.7.0.2', vsid: 7777, mac: '00155D000702', providerAddress: '192.168.10.12' },
      ],
    };
    expect(codes(odd).sort()).toEqual(['NO_GATEWAY_RECORD', 'NO_GATEWAY_RECORD', 'RECORD_UNROUTED', 'VSID_WITHOUT_DOMAIN']);
  });
});
