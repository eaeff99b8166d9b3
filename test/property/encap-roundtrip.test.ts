/**
 * decapsulate(encapsulate(inner, options)) across the whole matrix: outer IPv4/IPv6 ± VLAN; inner
 * IPv4/IPv6/ARP/raw with TCP/UDP/ICMP, 0–2 inner tags (stripped, RFC 7637 §3.3); FlowID 'hash' /
 * 'zero' / numbers (0xFF included); DSCP/ECN numbers and 'inherit'; VSIDs including 0x800000 and
 * 0xFFFFFE (and reserved ones with allowReservedVsid).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldFlowId, innerFlowHash } from '../../src/tunnel/flowhash.js';
import { buildFrame, type FrameSpec } from '../../src/frame/build.js';
import { parseFrame } from '../../src/frame/parse.js';
import { createEncapsulator, encapsulate } from '../../src/tunnel/encapsulate.js';
import { decapsulate } from '../../src/tunnel/decapsulate.js';
import { addressText, encapsulateOptions, innerFrameSpec, macTextOf, runs } from '../helpers/arbitraries.js';
import { expectFrameMatchesSpec } from './expect-frame.js';

/** The inner frame as it must appear after encapsulation: every leading VLAN tag removed. */
function stripTags(spec: FrameSpec, bytes: Uint8Array): Uint8Array {
  const tags = spec.ethernet?.vlans?.length ?? 0;
  const out = new Uint8Array(bytes.length - 4 * tags);
  out.set(bytes.subarray(0, 12));
  out.set(bytes.subarray(12 + 4 * tags), 12);
  return out;
}

/** Inner TOS / Traffic Class as the spec wrote it; 0 for non-IP inner frames (docs/nvgre.md §8). */
function innerTos(spec: FrameSpec): { dscp: number; ecn: number } {
  const ip = spec.ipv4 ?? spec.ipv6;
  return ip ? { dscp: ip.dscp ?? 0, ecn: ip.ecn ?? 0 } : { dscp: 0, ecn: 0 };
}

function withoutTags(spec: FrameSpec): FrameSpec {
  const { vlans: _v, ...eth } = spec.ethernet ?? {};
  return { ...spec, ethernet: eth };
}

const matrix = fc.tuple(encapsulateOptions({ reservedVsid: true }), innerFrameSpec({ vlans: 2, fragments: true }), fc.boolean());

describe('decapsulate(encapsulate(x)) round trip', () => {
  it('returns the VSID, FlowID, outer fields and the inner bytes (tags stripped) across the matrix', () => {
    fc.assert(
      fc.property(matrix, ([opts, innerSpec, oneShot]) => {
        const inner = buildFrame(innerSpec);
        const innerCopy = inner.slice();
        const expectedInner = stripTags(innerSpec, inner);
        const frame = oneShot ? encapsulate(inner, opts) : createEncapsulator(opts).encapsulate(inner);
        expect(Array.from(inner)).toEqual(Array.from(innerCopy)); // never mutates the inner frame

        const reserved = opts.vsid <= 0xfff || opts.vsid === 0xffffff;
        const d = decapsulate(frame, { strict: !reserved });
        expect(d.dropReasons).toEqual(reserved ? ['RESERVED_VSID'] : []);
        expect(d.vsid).toBe(opts.vsid);
        const flowId =
          opts.flowId === 'zero' ? 0 : typeof opts.flowId === 'number' ? opts.flowId : foldFlowId(innerFlowHash(expectedInner, 0, expectedInner.length));
        expect(d.flowId).toBe(flowId);
        expect(d.key).toBe(opts.vsid * 256 + flowId);
        expect(Buffer.from(d.inner).equals(Buffer.from(expectedInner))).toBe(true);
        expect(d.innerOffset + d.innerLength).toBe(frame.length);

        const v4 = typeof opts.srcIp === 'string' ? !opts.srcIp.includes(':') : opts.srcIp.length === 4;
        const tos = innerTos(innerSpec);
        const o = d.outer;
        expect(o.srcMac).toBe(macTextOf(opts.srcMac));
        expect(o.dstMac).toBe(macTextOf(opts.dstMac));
        expect(o.vlan === undefined ? undefined : { id: o.vlan.id, pcp: o.vlan.pcp, dei: o.vlan.dei, tpid: o.vlan.tpid }).toEqual(
          opts.vlan ? { id: opts.vlan.id, pcp: opts.vlan.pcp ?? 0, dei: opts.vlan.dei ?? false, tpid: 0x8100 } : undefined,
        );
        expect(o.ipVersion).toBe(v4 ? 4 : 6);
        expect(o.src).toBe(addressText(opts.srcIp));
        expect(o.dst).toBe(addressText(opts.dstIp));
        expect(o.ttl).toBe(opts.ttl ?? 64);
        expect(o.dscp).toBe(opts.dscp === 'inherit' ? tos.dscp : (opts.dscp ?? 0));
        expect(o.ecn).toBe(opts.ecn === 'inherit' ? tos.ecn : (opts.ecn ?? 0));
        if (v4) {
          if (opts.ipId !== undefined) expect(o.id).toBe(opts.ipId);
          expect(o.dontFragment).toBe(opts.dontFragment ?? true);
          expect(o.flowLabel).toBeUndefined();
        } else {
          expect(o.flowLabel).toBe(opts.flowLabel ?? 0);
          expect(o.id).toBeUndefined();
        }
        expect(frame.length).toBe((v4 ? 42 : 62) + (opts.vlan ? 4 : 0) + expectedInner.length);
      }),
      { numRuns: runs(500) },
    );
  });

  it('parseFrame sees a valid outer IPv4 checksum, a conformant GRE header and the untagged inner frame', () => {
    fc.assert(
      fc.property(encapsulateOptions(), innerFrameSpec({ vlans: 1 }), (opts, innerSpec) => {
        const frame = createEncapsulator(opts).encapsulate(buildFrame(innerSpec));
        const p = parseFrame(frame);
        if (p.ip?.version === 4) {
          expect(p.ip.checksumValid).toBe(true);
          expect(p.ip.protocol).toBe(47);
          expect(p.ip.headerLength).toBe(20);
        } else {
          expect(p.ip?.version).toBe(6);
          if (p.ip?.version === 6) expect([p.ip.nextHeader, p.ip.extensionHeaders.length]).toEqual([47, 0]);
        }
        expect(p.gre).toMatchObject({ version: 0, protocol: 0x6558, keyPresent: true, checksumPresent: false, sequencePresent: false, headerLength: 8 });
        expect(p.nvgre?.conformant).toBe(true);
        expect(p.trailerLength).toBe(0);
        expectFrameMatchesSpec(p.inner!, withoutTags(innerSpec), frame, 1);
      }),
      { numRuns: runs(300) },
    );
  });
});
