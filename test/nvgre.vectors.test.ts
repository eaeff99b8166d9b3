/**
 * Known answers from an independent producer: frames built by Scapy (test/fixtures/scapy), whose
 * fields come from Scapy's own dissection. Our decoder must read the same fields, and our encoder
 * must reproduce Scapy's bytes exactly from the same inputs.
 */
import { describe, expect, it } from 'vitest';
import { createEncapsulator, decapsulate, parseFrame, tryDecapsulate } from '../src/index.js';
import { scapyVectors, vectorBytes } from './helpers/vectors.js';

describe('Scapy known-answer vectors', () => {
  it('has the whole matrix', () => {
    expect(scapyVectors.length).toBeGreaterThanOrEqual(40);
  });

  for (const v of scapyVectors) {
    const e = v.expect;
    describe(v.name, () => {
      const frame = vectorBytes(v);
      const reservedOrTagged = e.gre.vsid <= 0xfff || e.gre.vsid === 0xffffff;

      it('decapsulates to the fields Scapy reports', () => {
        const r = tryDecapsulate(frame, { strict: !reservedOrTagged });
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        const d = r.value;
        expect(d.vsid).toBe(e.gre.vsid);
        expect(d.flowId).toBe(e.gre.flowId);
        expect(d.key).toBe(e.gre.key);
        expect(d.innerOffset).toBe(e.innerOffset);
        expect(d.innerLength).toBe(e.innerLength);
        expect(Array.from(d.inner)).toEqual(Array.from(frame.subarray(e.innerOffset, e.innerOffset + e.innerLength)));
        const o = d.outer;
        expect(o.dstMac).toBe(e.outer.dstMac);
        expect(o.srcMac).toBe(e.outer.srcMac);
        expect(o.ipVersion).toBe(e.outer.ipVersion);
        expect(o.src).toBe(e.outer.src);
        expect(o.dst).toBe(e.outer.dst);
        expect(o.ttl).toBe(e.outer.ttl);
        expect(o.dscp).toBe(e.outer.dscp);
        expect(o.ecn).toBe(e.outer.ecn);
        if (e.outer.vlan) expect({ id: o.vlan?.id, pcp: o.vlan?.pcp, dei: o.vlan?.dei }).toEqual({ ...e.outer.vlan, dei: e.outer.vlan.dei === 1 });
        else expect(o.vlan).toBeUndefined();
        if (e.outer.ipVersion === 4) {
          expect(o.id).toBe(e.outer.ipv4Id);
          expect(o.dontFragment).toBe(e.outer.dontFragment);
        } else {
          expect(o.flowLabel).toBe(e.outer.flowLabel);
        }
      });

      it('parses every layer to the fields Scapy reports, checksums valid', () => {
        const p = parseFrame(frame);
        expect(p.ip?.version).toBe(e.outer.ipVersion);
        if (p.ip?.version === 4) {
          expect(p.ip.checksum).toBe(e.outer.ipv4Checksum);
          expect(p.ip.checksumValid).toBe(true);
        }
        expect(p.gre?.protocol).toBe(e.gre.protocol);
        expect(p.nvgre?.key).toBe(e.gre.key);
        const inner = p.inner!;
        expect(inner.ethernet.dst).toBe(e.inner.dstMac);
        expect(inner.ethernet.src).toBe(e.inner.srcMac);
        if (e.inner.ipVersion === null) return;
        expect(inner.ip?.version).toBe(e.inner.ipVersion);
        expect(inner.ip?.src).toBe(e.inner.src);
        expect(inner.ip?.dst).toBe(e.inner.dst);
        if (inner.ip?.version === 4) {
          expect(inner.ip.checksum).toBe(e.inner.ipv4Checksum);
          expect(inner.ip.checksumValid).toBe(true);
        } else if (inner.ip?.version === 6) {
          expect(inner.ip.upperProtocol).toBe(e.inner.protocol);
          expect(inner.ip.finalDestination).toBe(e.inner.finalDestination);
          expect(inner.ip.extensionHeaders.map((h) => h.type)).toEqual(e.inner.extHeaders);
        }
        const t = inner.transport!;
        expect(t.protocol).toBe(e.inner.l4.type);
        expect(t.checksum).toBe(e.inner.l4.checksum);
        expect(t.checksumValid).toBe(true);
        if (t.protocol === 'tcp' || t.protocol === 'udp') {
          expect(t.srcPort).toBe(e.inner.l4.srcPort);
          expect(t.dstPort).toBe(e.inner.l4.dstPort);
        }
        if (t.protocol === 'tcp') {
          expect(t.seq).toBe(e.inner.l4.seq);
          expect(t.flags).toBe(e.inner.l4.flags);
        }
      });

      const plainOuter = e.outer.ipVersion === 6 || e.outer.ipv4HeaderLength === 20;
      // Outer IPv4 options are not an encapsulator option; those vectors are covered by the two tests above.
      if (plainOuter && !reservedOrTagged) it('is reproduced byte for byte by the encapsulator', () => {
        const enc = createEncapsulator({
          vsid: e.gre.vsid,
          flowId: e.gre.flowId,
          srcMac: e.outer.srcMac,
          dstMac: e.outer.dstMac,
          srcIp: e.outer.src,
          dstIp: e.outer.dst,
          ttl: e.outer.ttl,
          dscp: e.outer.dscp,
          ecn: e.outer.ecn,
          ...(e.outer.vlan ? { vlan: { ...e.outer.vlan, dei: e.outer.vlan.dei === 1 } } : {}),
          ...(e.outer.ipVersion === 4 ? { ipId: e.outer.ipv4Id, dontFragment: e.outer.dontFragment } : { flowLabel: e.outer.flowLabel }),
        });
        const out = enc.encapsulate(frame.subarray(e.innerOffset, e.innerOffset + e.innerLength));
        expect(Buffer.from(out).toString('hex')).toBe(v.hex);
        expect(decapsulate(out, { strict: true }).key).toBe(e.gre.key);
      });
    });
  }
});
