/**
 * Scenario 3 (docs/nve.md §5 step 2, §10; seed 003, RFC 7637 §4.3): an ARP request for a CA without a
 * record is replicated by unicast to every PA with an L2Only record in the VSID (or sent once to the
 * VSID's multicast group when configured); a known CA is answered by HNV itself.
 */
import { describe, expect, it } from 'vitest';
import { createNve, decapsulate, examplePolicy, parseFrame, type Policy } from '../../src/index.js';
import { MAC, arpRequest, withRecords } from '../nve/helpers.js';

/** The example plus a second L2Only VM, on the gateway host. */
const twoL2Only = withRecords((r) => [...r, { customerAddress: '0.0.0.0', vsid: 5001, mac: '00155D0101A0', providerAddress: '192.168.20.5', rule: 'encap', type: 'l2only', vmName: 'probe' }]);
const unknown = arpRequest(MAC.A1, '10.0.1.11', '10.0.1.99');

describe('scenario 3: flooding', () => {
  it('an ARP for a CA without a record goes as one unicast NVGRE copy to each PA with an L2Only record', () => {
    const r = createNve(twoL2Only, 'host1').transmit(unknown, { vsid: 5001 });
    expect(r.action).toBe('flood');
    expect(r.vsid).toBe(5001);
    const copies = r.frames.map((f) => decapsulate(f));
    expect(copies.map((d) => d.outer.dst).sort()).toEqual(['192.168.10.12', '192.168.20.5']);
    for (const d of copies) {
      expect(d.vsid).toBe(5001);
      expect(d.inner).toEqual(unknown); // the request itself, unchanged
    }
    // The gateway host is off-link: its copy goes to the router.
    expect(copies.find((d) => d.outer.dst === '192.168.20.5')!.outer.dstMac).toBe('00:00:5e:00:01:0a');
    expect(r.trace.filter((s) => s.step === 'flood')).toHaveLength(2);
  });

  it('each copy reaches the L2Only VM of its host', () => {
    const r = createNve(twoL2Only, 'host1').transmit(unknown, { vsid: 5001 });
    const at = (host: string, pa: string) => createNve(twoL2Only, host).receive(r.frames.find((f) => decapsulate(f).outer.dst === pa)!);
    expect(at('host2', '192.168.10.12')).toMatchObject({ action: 'deliver', vm: 'A3', vsid: 5001 });
    expect(at('gateway', '192.168.20.5')).toMatchObject({ action: 'deliver', vm: 'probe', vsid: 5001 });
  });

  it('a known CA, and the default gateway, are answered locally: nothing goes on the wire', () => {
    const host1 = createNve(examplePolicy(), 'host1');
    for (const [target, mac] of [
      ['10.0.1.12', MAC.A2],
      ['10.0.1.1', MAC.R5001],
    ] as const) {
      const r = host1.transmit(arpRequest(MAC.A1, '10.0.1.11', target), { vsid: 5001 });
      expect(r.action).toBe('answered');
      expect(r.frames).toEqual([]);
      const reply = r.replies[0]!;
      expect(Array.from(reply.subarray(12, 14))).toEqual([0x08, 0x06]);
      expect(reply[21]).toBe(2); // ARP reply
      expect(parseFrame(reply).ethernet).toMatchObject({ dst: MAC.A1, src: mac });
    }
  });

  it('with a multicast group for the VSID and flood: multicast, one copy goes to the group', () => {
    const base = examplePolicy();
    const policy: Policy = {
      ...base,
      virtualSubnets: base.virtualSubnets!.map((s) => (s.vsid === 5001 ? { ...s, multicastGroup: '239.1.1.1' } : s)),
      options: { ...base.options, flood: 'multicast' },
    };
    const r = createNve(policy, 'host1').transmit(unknown, { vsid: 5001 });
    expect(r.action).toBe('flood');
    expect(r.frames).toHaveLength(1);
    const d = decapsulate(r.frames[0]!);
    expect(d.outer.dst).toBe('239.1.1.1');
    expect(d.outer.dstMac).toBe('01:00:5e:01:01:01');
    expect(createNve(policy, 'host2').receive(r.frames[0]!)).toMatchObject({ action: 'deliver', vm: 'A3' });
  });

  it('without a record and without an L2Only record there is no one to flood to', () => {
    const none = withRecords((r) => r.filter((x) => x.type !== 'l2only'));
    const r = createNve(none, 'host1').transmit(unknown, { vsid: 5001 });
    expect(r).toMatchObject({ action: 'drop', reason: 'NO_LOOKUP_RECORD' });
    expect(r.message).toMatch(/no L2Only record/);
  });
});
