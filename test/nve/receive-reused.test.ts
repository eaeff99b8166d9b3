/**
 * receiveReused (docs/nve.md §6, "the allocation-free receive loop"): the same decisions as receive, the
 * endpoint's own result refilled for a delivery on the fast path, and the previous-packet shortcut
 * never serving one flow's decision to another.
 */
import { describe, expect, it } from 'vitest';
import { createNve, createPolicy, examplePolicy } from '../../src/index.js';
import { MAC, ipv4Frame } from './helpers.js';

/** The example policy with untagged provider addresses: the fast path takes untagged outer IPv4 only. */
function untagged(layout?: 'low24') {
  const e = examplePolicy();
  return {
    ...e,
    hosts: e.hosts.map((h) => ({
      ...h,
      ...(layout ? { keyLayout: layout } : {}),
      providerAddresses: h.providerAddresses.map(({ vlan: _vlan, ...pa }) => pa),
    })),
  };
}

const p = createPolicy(untagged());
const host1 = createNve(p, 'host1');
const wire = (src: string, dst: string, srcMac: string, dstMac: string) => host1.transmit(ipv4Frame(src, dst, srcMac, dstMac), { vsid: src.startsWith('10.0.2') ? 5002 : 5001 }).frames[0]!;
// host1 (A1, 10.0.1.11) sends to A2 (10.0.1.12) and B1 (10.0.2.21), both on host2.
const toA2 = wire('10.0.1.11', '10.0.1.12', MAC.A1, MAC.A2);
const toB1 = wire('10.0.1.11', '10.0.2.21', MAC.A1, MAC.R5001);

function summary(r: { action: string; vsid?: number | undefined; vm?: string | undefined; reason?: string | undefined; inner?: Uint8Array | undefined; trace: readonly unknown[] }) {
  return { action: r.action, vsid: r.vsid, vm: r.vm, reason: r.reason, inner: r.inner ? Uint8Array.from(r.inner) : undefined, trace: r.trace };
}

describe('Nve.receiveReused', () => {
  it('decides as receive does, for flows in turn, and refills one result for deliveries', () => {
    expect(toA2[12]).toBe(0x08); // untagged outer IPv4: the fast path
    const a = createNve(p, 'host2');
    const b = createNve(p, 'host2');
    expect(toA2).toBeDefined();
    expect(toB1).toBeDefined();
    let first: unknown;
    for (const frame of [toA2, toA2, toB1, toA2, toB1, toB1, toA2]) {
      const fresh = a.receive(frame);
      const reused = b.receiveReused(frame);
      expect(fresh.action).toBe('deliver');
      expect(summary(reused)).toEqual(summary(fresh));
      first ??= reused;
      expect(reused).toBe(first); // the endpoint's own object
    }
    expect(summary(b.receiveReused(toB1)).vm).not.toBe(summary(b.receiveReused(toA2)).vm);
  });

  it('returns a new result for drops and for frames off the fast path', () => {
    const host2 = createNve(p, 'host2');
    const delivered = host2.receiveReused(toA2);
    const notForUs = host2.receiveReused(ipv4Frame('10.0.1.11', '10.0.1.12', MAC.A1, MAC.A2));
    expect(notForUs.action).toBe('not-for-us');
    expect(notForUs).not.toBe(delivered);
    const wrongVsid = Uint8Array.from(toA2);
    const keyAt = 14 + 20 + 4; // untagged outer IPv4: the GRE key's first byte
    wrongVsid[keyAt] = 0x7f; // VSID 0x7f1389: unknown to the policy
    const dropped = host2.receiveReused(wrongVsid);
    expect(dropped).toMatchObject({ action: 'drop', reason: 'POLICY_MISMATCH' });
    expect(dropped).not.toBe(delivered);
    // The next delivery is right again, with the flow's own inner frame.
    const again = host2.receiveReused(toB1);
    expect(again.action).toBe('deliver');
    expect(again.vsid).toBe(5002);
  });

  it('reads the key in a low24 host\'s layout through the full decapsulator', () => {
    const low = createPolicy(untagged('low24'));
    const sender = createNve(low, 'host1');
    const frame = sender.transmit(ipv4Frame('10.0.1.11', '10.0.1.12', MAC.A1, MAC.A2), { vsid: 5001 }).frames[0]!;
    const r = createNve(low, 'host2').receiveReused(frame);
    expect(r).toMatchObject({ action: 'deliver', vsid: 5001 });
    const rfc = createNve(p, 'host2').receiveReused(frame);
    expect([rfc.action, rfc.reason]).toEqual(['drop', 'RESERVED_VSID']); // read as RFC 7637: VSID 0x13
  });
});
