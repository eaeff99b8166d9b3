/**
 * Scenario 5 (docs/nve.md §10): traffic to an address outside every subnet follows 0.0.0.0/0 to the
 * gateway's CA and is encapsulated to the gateway host's PA; the return traffic from outside addresses
 * is accepted only because of the gateway wildcard record.
 */
import { describe, expect, it } from 'vitest';
import { createNve, decapsulate, examplePolicy } from '../../src/index.js';
import { MAC, addressesOf, ipv4Frame, withRecords } from '../nve/helpers.js';

const out = ipv4Frame('10.0.1.11', '8.8.8.8', MAC.A1, MAC.R5001, { udp: true });
const back = ipv4Frame('8.8.8.8', '10.0.1.11', MAC.GW, MAC.A1, { udp: true });

describe('scenario 5: the gateway', () => {
  it('outbound: 0.0.0.0/0 → the gateway CA → encapsulated to the gateway host', () => {
    const r = createNve(examplePolicy(), 'host1').transmit(out, { vsid: 5001 });
    expect(r.action).toBe('encapsulate');
    expect(r.trace.find((s) => s.step === 'customer-route')!.detail).toMatch(/^0\.0\.0\.0\/0 .*next hop 10\.0\.1\.254/);
    const d = decapsulate(r.frames[0]!);
    expect(d.outer.dst).toBe('192.168.20.5');
    expect(d.vsid).toBe(5001);
    expect(addressesOf(d.inner)).toMatchObject({ dstMac: MAC.GW, dst: '8.8.8.8' });
    expect(createNve(examplePolicy(), 'gateway').receive(r.frames[0]!)).toMatchObject({ action: 'deliver', vm: 'GW' });
  });

  it('inbound from an outside address: sent from the gateway VM, accepted because of the wildcard record', () => {
    const sent = createNve(examplePolicy(), 'gateway').transmit(back, { vsid: 5001 });
    expect(sent.action).toBe('encapsulate');
    expect(decapsulate(sent.frames[0]!).outer.dst).toBe('192.168.10.11');
    const got = createNve(examplePolicy(), 'host1').receive(sent.frames[0]!);
    expect(got).toMatchObject({ action: 'deliver', vm: 'A1', vsid: 5001 });
    expect(got.trace.find((s) => s.step === 'source-check')!.detail).toMatch(/wildcard/);

    // The same frame, at a host whose policy lacks the wildcard record: refused.
    const noWildcard = withRecords((r) => r.filter((x) => x.type !== 'gatewayWildcard'));
    const refused = createNve(noWildcard, 'host1').receive(sent.frames[0]!);
    expect(refused).toMatchObject({ action: 'drop', reason: 'SOURCE_MISMATCH' });
    expect(refused.message).toMatch(/inner source 8\.8\.8\.8 has no lookup record.*GatewayWildcard/);
    expect(refused.replies).toEqual([]);
  });
});
