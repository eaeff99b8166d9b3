/**
 * Scenario 4 (docs/nve.md §5 step 3, §10): a VM in VSID 5001 to a VM in VSID 5002 of the same routing
 * domain on another host goes out with key VSID 5002, the target VM's MAC as inner destination and
 * 5002's gateway MAC as inner source; an address of another routing domain has no customer route.
 */
import { describe, expect, it } from 'vitest';
import { createNve, decapsulate, examplePolicy, type Policy } from '../../src/index.js';
import { MAC, addressesOf, ipv4Frame } from '../nve/helpers.js';

const BLUE = '{99999999-0000-0000-0000-000000000000}';
/** The example without its default route, plus a second routing domain (Blue, VSID 6001) on host2. */
function twoDomains(): Policy {
  const p = examplePolicy();
  return {
    ...p,
    lookupRecords: [...p.lookupRecords, { customerAddress: '10.0.6.5', vsid: 6001, mac: '00155D060005', providerAddress: '192.168.10.12', vmName: 'Blue1' }],
    customerRoutes: [...p.customerRoutes!.filter((r) => r.prefix !== '0.0.0.0/0'), { routingDomain: BLUE, vsid: 6001, prefix: '10.0.6.0/24' }],
  };
}

describe('scenario 4: distributed routing', () => {
  it('5001 → 5002 on another host: key VSID 5002, inner MACs rewritten, delivered to B1', () => {
    const vm = ipv4Frame('10.0.1.11', '10.0.2.21', MAC.A1, MAC.R5001);
    const r = createNve(examplePolicy(), 'host1').transmit(vm, { vsid: 5001 });
    expect(r.action).toBe('encapsulate');
    expect(r.vsid).toBe(5002);
    const d = decapsulate(r.frames[0]!);
    expect(d.vsid).toBe(5002);
    expect(addressesOf(d.inner)).toMatchObject({ dstMac: MAC.B1, srcMac: MAC.R5002, src: '10.0.1.11', dst: '10.0.2.21' });
    // Only the MACs differ from what the VM sent.
    expect(d.inner.subarray(12)).toEqual(vm.subarray(12));
    expect(r.trace.find((s) => s.step === 'lookup-record')!.detail).toContain('routed by the distributed router');
    const got = createNve(examplePolicy(), 'host2').receive(r.frames[0]!);
    expect(got).toMatchObject({ action: 'deliver', vm: 'B1', vsid: 5002 });
    expect(got.inner).toEqual(d.inner);
  });

  it('5002 → 5001 on the same host is delivered locally', () => {
    const p = examplePolicy();
    const local: Policy = { ...p, lookupRecords: p.lookupRecords.map((r) => (r.vmName === 'A1' ? { ...r, providerAddress: '192.168.10.12' } : r)) };
    const r = createNve(local, 'host2').transmit(ipv4Frame('10.0.2.21', '10.0.1.11', MAC.B1, MAC.R5002), { vsid: 5002 });
    expect(r).toMatchObject({ action: 'local', vm: 'A1', vsid: 5001 });
    expect(r.frames).toEqual([]);
    expect(addressesOf(r.inner!)).toMatchObject({ dstMac: MAC.A1, srcMac: MAC.R5001 });
  });

  it('another routing domain is not reachable: NO_CUSTOMER_ROUTE, both ways', () => {
    const p = twoDomains();
    const red = createNve(p, 'host1').transmit(ipv4Frame('10.0.1.11', '10.0.6.5', MAC.A1, MAC.R5001), { vsid: 5001 });
    expect(red).toMatchObject({ action: 'drop', reason: 'NO_CUSTOMER_ROUTE' });
    expect(red.message).toMatch(/routing domain \{11111111-2222-3333-4444-000000000000\}.*10\.0\.6\.5.*never reachable/);
    const blue = createNve(p, 'host2').transmit(ipv4Frame('10.0.6.5', '10.0.1.11', '00:15:5d:06:00:05', MAC.R5001), { vsid: 6001 });
    expect(blue).toMatchObject({ action: 'drop', reason: 'NO_CUSTOMER_ROUTE' });
  });
});
