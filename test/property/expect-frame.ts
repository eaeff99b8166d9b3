/**
 * Checks that a `parseFrame` result carries back every field a `FrameSpec` put in (the oracle of the
 * build/parse round-trip property). Expected values are derived from the spec and the documented
 * buildFrame defaults, never from the parser.
 */
import { expect } from 'vitest';
import { toHex } from '../../src/wire/bytes.js';
import type { FrameSpec, Ipv6ExtensionSpec } from '../../src/frame/build.js';
import type { ParsedFrame } from '../../src/frame/parse.js';
import { foldFlowId, innerFlowHash } from '../../src/tunnel/flowhash.js';
import { addressText, macTextOf } from '../helpers/arbitraries.js';

const encoder = new TextEncoder();

export function payloadBytes(spec: FrameSpec): Uint8Array {
  return typeof spec.payload === 'string' ? encoder.encode(spec.payload) : (spec.payload ?? new Uint8Array(0));
}

function padTo(b: Uint8Array | undefined, n: number): Uint8Array {
  if (!b) return new Uint8Array(0);
  const out = new Uint8Array(Math.ceil(b.length / n) * n);
  out.set(b);
  return out;
}

const EXT_NUMBER = { 'hop-by-hop': 0, routing: 43, fragment: 44, 'destination-options': 60 } as const;

export function expectedProtocol(spec: FrameSpec): number {
  if (spec.tcp) return 6;
  if (spec.udp) return 17;
  if (spec.icmp) return spec.ipv6 ? 58 : 1;
  if (spec.nvgre) return 47;
  return 59;
}

/** The expected FlowID: the given number, or the flow hash of the built inner frame. */
export function expectedFlowId(spec: FrameSpec, bytes: Uint8Array, innerOffset: number, innerEnd: number): number {
  const f = spec.nvgre!.flowId;
  return typeof f === 'number' ? f & 0xff : foldFlowId(innerFlowHash(bytes, innerOffset, innerEnd));
}

/** Final destination of RFC 8200 §8.1 from the spec's routing headers. */
export function expectedFinalDestination(ext: readonly Ipv6ExtensionSpec[], dst: string | Uint8Array): string {
  let final = addressText(dst);
  for (const x of ext) {
    if (x.type === 'fragment' && (x.fragmentOffset ?? 0) !== 0) break;
    if (x.type !== 'routing' || (x.segmentsLeft ?? x.addresses.length) === 0) continue;
    const rt = x.routingType ?? 0;
    if (rt === 0 || rt === 2) final = addressText(x.addresses[x.addresses.length - 1]!);
    else if (rt === 4) final = addressText(x.addresses[0]!);
  }
  return final;
}

/** Asserts that `p` (parsed from `bytes`) matches `spec` at encapsulation `depth`. */
export function expectFrameMatchesSpec(p: ParsedFrame, spec: FrameSpec, bytes: Uint8Array, depth = 0): void {
  expect(p.error).toBeUndefined();
  expect(p.depth).toBe(depth);
  const eth = spec.ethernet ?? {};
  expect(p.ethernet.src).toBe(macTextOf(eth.src ?? '02:00:00:00:00:01'));
  expect(p.ethernet.dst).toBe(macTextOf(eth.dst ?? '02:00:00:00:00:02'));
  expect(p.ethernet.vlans).toEqual(
    (eth.vlans ?? []).map((v) => ({ tpid: v.tpid ?? 0x8100, id: v.id, pcp: v.pcp ?? 0, dei: v.dei ?? false })),
  );
  expect(p.ethernet.etherType).toBe(eth.etherType ?? (spec.ipv4 ? 0x0800 : spec.ipv6 ? 0x86dd : 0x88b5));
  const body = payloadBytes(spec);
  const proto = expectedProtocol(spec);
  let fragment = false;
  let nonFirst = false;
  if (spec.ipv4) {
    const v = spec.ipv4;
    const ip = p.ip!;
    expect(ip.version).toBe(4);
    if (ip.version !== 4) return;
    const options = padTo(v.options, 4);
    expect(ip.src).toBe(addressText(v.src));
    expect(ip.dst).toBe(addressText(v.dst));
    expect(ip.ttl).toBe(v.ttl ?? 64);
    expect(ip.dscp).toBe(v.dscp ?? 0);
    expect(ip.ecn).toBe(v.ecn ?? 0);
    expect(ip.id).toBe(v.id ?? 0);
    expect(ip.dontFragment).toBe(v.dontFragment ?? spec.nvgre !== undefined);
    expect(ip.moreFragments).toBe(v.moreFragments ?? false);
    expect(ip.fragmentOffset).toBe(v.fragmentOffset ?? 0);
    expect(ip.options).toBe(toHex(options));
    expect(ip.headerLength).toBe(20 + options.length);
    expect(ip.protocol).toBe(proto);
    expect(ip.checksumValid).toBe(true);
    expect(ip.totalLength).toBe(p.length - p.ethernet.headerLength - (spec.trailer ?? 0));
    fragment = ip.moreFragments || ip.fragmentOffset !== 0;
    nonFirst = ip.fragmentOffset !== 0;
  } else if (spec.ipv6) {
    const v = spec.ipv6;
    const ip = p.ip!;
    expect(ip.version).toBe(6);
    if (ip.version !== 6) return;
    const ext = v.extensionHeaders ?? [];
    const firstFrag = ext.findIndex((x) => x.type === 'fragment');
    const fragSpec = firstFrag >= 0 ? (ext[firstFrag] as Extract<Ipv6ExtensionSpec, { type: 'fragment' }>) : undefined;
    fragment = fragSpec !== undefined;
    nonFirst = (fragSpec?.fragmentOffset ?? 0) !== 0;
    const walked = nonFirst ? ext.slice(0, firstFrag + 1) : ext;
    expect(ip.src).toBe(addressText(v.src));
    expect(ip.dst).toBe(addressText(v.dst));
    expect(ip.hopLimit).toBe(v.hopLimit ?? 64);
    expect(ip.dscp).toBe(v.dscp ?? 0);
    expect(ip.ecn).toBe(v.ecn ?? 0);
    expect(ip.flowLabel).toBe(v.flowLabel ?? 0);
    expect(ip.nextHeader).toBe(ext.length > 0 ? EXT_NUMBER[ext[0]!.type] : proto);
    expect(ip.extensionHeaders.map((h) => h.type)).toEqual(walked.map((x) => EXT_NUMBER[x.type]));
    const following = nonFirst ? ext[firstFrag + 1] : undefined;
    expect(ip.upperProtocol).toBe(following ? EXT_NUMBER[following.type] : proto);
    expect(ip.upperOffset === -1).toBe(nonFirst);
    expect(ip.finalDestination).toBe(expectedFinalDestination(ext, v.dst));
    expect(ip.payloadLength).toBe(p.length - p.ethernet.headerLength - 40 - (spec.trailer ?? 0));
    if (fragSpec) {
      expect(ip.fragment).toEqual({ offset: fragSpec.fragmentOffset ?? 0, moreFragments: fragSpec.moreFragments ?? false, id: fragSpec.identification ?? 0 });
    } else {
      expect(ip.fragment).toBeNull();
    }
  } else {
    expect(p.ip).toBeUndefined();
    // No IP layer: everything after the Ethernet header is payload.
    expect(Array.from(bytes.subarray(p.payload.offset, p.payload.offset + body.length))).toEqual(Array.from(body));
    return;
  }
  expect(p.trailerLength).toBe(spec.trailer ?? 0);

  if (spec.nvgre) {
    const n = spec.nvgre;
    const gre = p.gre!;
    expect(gre).toBeDefined();
    expect(gre.version).toBe(0);
    expect(gre.protocol).toBe(0x6558);
    expect(gre.checksumPresent).toBe(false);
    expect(gre.sequencePresent).toBe(false);
    expect(gre.routingPresent).toBe(false);
    expect(gre.headerLength).toBe(8);
    const inner = p.inner!;
    expect(inner).toBeDefined();
    const ip = p.ip!;
    const ipHeaderLength = ip.version === 4 ? ip.headerLength : 40 + ip.extensionHeaders.reduce((a, h) => a + h.length, 0);
    const greOffset = p.offset + p.ethernet.headerLength + ipHeaderLength;
    const ipEnd = p.offset + p.length - p.trailerLength;
    expect(inner.offset).toBe(greOffset + 8);
    expect(inner.length).toBe(ipEnd - inner.offset);
    const innerEnd = inner.offset + inner.length;
    const flowId = expectedFlowId(spec, bytes, inner.offset, innerEnd);
    const key = n.vsid * 256 + flowId;
    expect(gre.key).toBe(key);
    expect(gre.vsid).toBe(n.vsid);
    expect(gre.flowId).toBe(flowId);
    // The drop-table rows a built frame can break: a reserved VSID, a tagged inner frame (the inner
    // frame of a nested level is tagged when its outer Ethernet header is).
    const violations = [
      ...(n.vsid <= 0xfff || n.vsid === 0xffffff ? ['RESERVED_VSID'] : []),
      ...((spec.inner!.ethernet?.vlans?.length ?? 0) > 0 ? ['INNER_VLAN'] : []),
    ];
    expect(p.nvgre).toEqual({ vsid: n.vsid, flowId, key, conformant: violations.length === 0, violations });
    expectFrameMatchesSpec(inner, spec.inner!, bytes, depth + 1);
    return;
  }
  if (nonFirst) {
    // Fragment data, not a header: the transport header and payload are the fragment's payload.
    expect(p.transport).toBeUndefined();
    expect(p.payload.length).toBeGreaterThanOrEqual(body.length);
    const end = p.payload.offset + p.payload.length;
    expect(Array.from(bytes.subarray(end - body.length, end))).toEqual(Array.from(body));
    return;
  }
  const t = p.transport;
  if (spec.tcp) {
    const x = spec.tcp;
    expect(t?.protocol).toBe('tcp');
    if (t?.protocol !== 'tcp') return;
    expect([t.srcPort, t.dstPort, t.seq, t.ack, t.flags, t.window, t.urgentPointer]).toEqual([
      x.srcPort,
      x.dstPort,
      x.seq ?? 0,
      x.ack ?? 0,
      x.flags ?? 0x10,
      x.window ?? 65535,
      x.urgentPointer ?? 0,
    ]);
    expect(t.options).toBe(toHex(padTo(x.options, 4)));
    expect(t.headerLength).toBe(20 + padTo(x.options, 4).length);
    expect(t.payloadLength).toBe(body.length);
    expect(t.checksumValid).toBe(fragment ? null : true);
  } else if (spec.udp) {
    expect(t?.protocol).toBe('udp');
    if (t?.protocol !== 'udp') return;
    expect([t.srcPort, t.dstPort, t.length]).toEqual([spec.udp.srcPort, spec.udp.dstPort, 8 + body.length]);
    expect(t.checksumValid).toBe(fragment ? null : true);
  } else if (spec.icmp) {
    const x = spec.icmp;
    expect(t?.protocol).toBe(spec.ipv6 ? 'icmpv6' : 'icmpv4');
    if (t?.protocol !== 'icmpv4' && t?.protocol !== 'icmpv6') return;
    expect([t.type, t.code, t.rest]).toEqual([x.type, x.code ?? 0, x.rest ?? ((((x.identifier ?? 0) << 16) | (x.sequence ?? 0)) >>> 0)]);
    expect(t.checksumValid).toBe(fragment ? null : true);
  } else {
    expect(t).toBeUndefined();
  }
  expect(p.payload.length).toBe(body.length);
  expect(Array.from(bytes.subarray(p.payload.offset, p.payload.offset + p.payload.length))).toEqual(Array.from(body));
}
