/**
 * Scenario 1 (docs/nve.md §10; seed 001 "NVGRE Routing"): compute hosts' PAs in one subnet, the gateway
 * host's PA in another, no provider routes. The checker predicts the failure; VM traffic to the gateway
 * fails with NO_PROVIDER_ROUTE ("General Transmit Failure") while traffic between the compute hosts
 * goes out on-link; a default provider route via the PA subnet's router fixes it.
 */
import { describe, expect, it } from 'vitest';
import { checkPolicy, createNve, decapsulate } from '../../src/index.js';
import { MAC, ipv4Frame, withHosts } from '../nve/helpers.js';

const noRoutes = withHosts((h) => ({ ...h, providerRoutes: [] }));
const toInternet = ipv4Frame('10.0.1.11', '8.8.8.8', MAC.A1, MAC.R5001, { udp: true });
const toA2 = ipv4Frame('10.0.1.11', '10.0.1.12', MAC.A1, MAC.A2);

describe('scenario 1: a host without a provider route (seed 001)', () => {
  it('checkPolicy predicts it before any packet: the compute hosts and the gateway host cannot reach each other', () => {
    const unreachable = checkPolicy(noRoutes).filter((f) => f.code === 'PA_UNREACHABLE');
    const pairs = unreachable.map((f) => /host (\S+) cannot reach PA (\S+) of host (\S+)/.exec(f.message)!.slice(1).join(' '));
    expect(pairs.sort()).toEqual(
      ['gateway 192.168.10.11 host1', 'gateway 192.168.10.12 host2', 'host1 192.168.20.5 gateway', 'host2 192.168.20.5 gateway'].sort(),
    );
    expect(unreachable[0]!.severity).toBe('error');
    expect(unreachable.find((f) => f.path === 'hosts[0]')!.message).toMatch(/NO_PROVIDER_ROUTE \("General Transmit Failure", seed 001\).*provider route or default gateway/);
  });

  it('traffic to the gateway fails with NO_PROVIDER_ROUTE, traffic inside the PA subnet goes out on-link', () => {
    const host1 = createNve(noRoutes, 'host1');
    const failed = host1.transmit(toInternet, { vsid: 5001 });
    expect(failed.action).toBe('drop');
    expect(failed.reason).toBe('NO_PROVIDER_ROUTE');
    expect(failed.message).toContain('General Transmit Failure');
    expect(failed.message).toContain('provider route or a default gateway');
    expect(failed.frames).toEqual([]);
    expect(failed.trace.map((s) => s.step)).toEqual(['port', 'customer-route', 'lookup-record', 'source-record', 'drop']);

    const ok = host1.transmit(toA2, { vsid: 5001 });
    expect(ok.action).toBe('encapsulate');
    const d = decapsulate(ok.frames[0]!);
    expect(d.outer.dst).toBe('192.168.10.12');
    expect(d.outer.dstMac).toBe('00:15:5d:0a:00:0c'); // host2's PA MAC: on-link
    expect(ok.trace.find((s) => s.step === 'provider-route')!.detail).toMatch(/^on-link/);
  });

  it('a default provider route via the PA subnet router fixes it: the router is the outer destination', () => {
    const fixed = withHosts((h) => (h.name === 'gateway' ? h : { ...h, providerRoutes: [{ prefix: '0.0.0.0/0', nextHop: '192.168.10.1' }] }), noRoutes);
    const r = createNve(fixed, 'host1').transmit(toInternet, { vsid: 5001 });
    expect(r.action).toBe('encapsulate');
    const d = decapsulate(r.frames[0]!);
    expect(d.outer.dst).toBe('192.168.20.5');
    expect(d.outer.dstMac).toBe('00:00:5e:00:01:0a'); // the router's MAC
    expect(d.outer.vlan?.id).toBe(10);
    expect(checkPolicy(fixed).filter((f) => f.code === 'PA_UNREACHABLE' && f.path !== 'hosts[2]')).toEqual([]);
  });
});
