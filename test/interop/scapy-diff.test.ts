/**
 * Differential test against Scapy 2.5 (test/interop/scapy_diff.py, run with /usr/bin/python3), over
 * at least 1,000 random frames per direction and run, in one Scapy process per direction:
 *   (a) Scapy generates random NVGRE frames and reports the fields it dissects; parseFrame (and the
 *       strict decapsulator) must decode the same fields, with every checksum valid;
 *   (b) we build random frames with buildFrame from a seeded PRNG; Scapy dissects them and must see
 *       the fields we meant, and recomputing every checksum itself must give the values we wrote.
 * The seed is random per run unless NVGRE_DIFF_SEED is set; every failure names it, so a run is
 * reproducible with NVGRE_DIFF_SEED=<seed> (NVGRE_DIFF_COUNT asks for more frames).
 * Without Scapy the test is skipped with the reason (test/helpers/tools.ts; NVGRE_PYTHON names another
 * interpreter); in CI (CI=true) a missing Scapy is a failure, never a skip.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatIpv4, formatIpv6 } from '../../src/wire/address.js';
import { fromHex, toHex } from '../../src/wire/bytes.js';
import { buildFrame, type FrameSpec } from '../../src/frame/build.js';
import { parseFrame, type ParsedFrame } from '../../src/frame/parse.js';
import type { Ipv4Header } from '../../src/wire/ipv4.js';
import type { Ipv6Header } from '../../src/wire/ipv6.js';
import { tryDecapsulate } from '../../src/tunnel/decapsulate.js';
import { SCAPY, needs, runToolAsync } from '../helpers/tools.js';

const SCRIPT = path.join(import.meta.dirname, 'scapy_diff.py');
/** At least 1,000 frames per direction; NVGRE_DIFF_COUNT can ask for more. */
const COUNT = Math.max(1000, Number(process.env.NVGRE_DIFF_COUNT ?? 1000) || 1000);
const SEED = Number(process.env.NVGRE_DIFF_SEED ?? Math.floor(Math.random() * 0x7fffffff));
const REPRO = `reproduce with NVGRE_DIFF_SEED=${SEED}`;

function runScript(args: string[], input?: string): Promise<string> {
  return runToolAsync(SCAPY, [SCRIPT, ...args], { input, timeout: 300_000, note: `(${REPRO})` });
}

// ---------------------------------------------------------------------------------------------
// The shared field schema (see scapy_diff.py fields_of)

type Json = Record<string, unknown>;

function ipFields(ip: Ipv4Header | Ipv6Header): Json {
  if (ip.version === 4) {
    return { ipVersion: 4, src: ip.src, dst: ip.dst, ttl: ip.ttl, dscp: ip.dscp, ecn: ip.ecn, id: ip.id, df: ip.dontFragment, length: ip.totalLength };
  }
  return { ipVersion: 6, src: ip.src, dst: ip.dst, ttl: ip.hopLimit, dscp: ip.dscp, ecn: ip.ecn, flowLabel: ip.flowLabel, length: ip.payloadLength };
}

/** Our decode of `frame` in the schema Scapy prints. */
function ourFields(p: ParsedFrame): Json {
  const tag = p.ethernet.vlans[0];
  const g = p.gre!;
  const inner = p.inner!;
  const iip = inner.ip!;
  const t = inner.transport!;
  let l4: Json;
  if (t.protocol === 'tcp') {
    l4 = { type: 'tcp', srcPort: t.srcPort, dstPort: t.dstPort, seq: t.seq, ack: t.ack, flags: t.flags, ns: t.ns, window: t.window, headerLength: t.headerLength, urgent: t.urgentPointer, checksum: t.checksum };
  } else if (t.protocol === 'udp') {
    l4 = { type: 'udp', srcPort: t.srcPort, dstPort: t.dstPort, length: t.length, checksum: t.checksum };
  } else {
    l4 = { type: t.protocol, icmpType: t.type, code: t.code, checksum: t.checksum, id: t.rest >>> 16, seq: t.rest & 0xffff };
  }
  return {
    outer: { ...ipFields(p.ip!), vlan: tag ? { id: tag.id, pcp: tag.pcp, dei: tag.dei ? 1 : 0 } : null, dstMac: p.ethernet.dst, srcMac: p.ethernet.src },
    gre: { c: g.checksumPresent ? 1 : 0, k: g.keyPresent ? 1 : 0, s: g.sequencePresent ? 1 : 0, version: g.version, protocol: g.protocol, key: g.key },
    inner: {
      dstMac: inner.ethernet.dst,
      srcMac: inner.ethernet.src,
      etherType: inner.ethernet.etherType,
      ...ipFields(iip),
      protocol: iip.version === 4 ? iip.protocol : iip.upperProtocol,
      l4,
      payloadLength: t.payloadLength,
    },
  };
}

/** Collects disagreements; the test fails listing the first few with the seed. */
class Diffs {
  readonly items: string[] = [];
  add(i: number, hex: string, what: string): void {
    this.items.push(`frame ${i}: ${what}\n  hex ${hex}`);
  }
  expectNone(direction: string): void {
    expect(this.items.length, `${direction}: ${this.items.length} disagreements (${REPRO}); first:\n${this.items.slice(0, 5).join('\n')}`).toBe(0);
  }
}

function diffFields(a: unknown, b: unknown, at = ''): string | null {
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a as Json), ...Object.keys(b as Json)]);
    for (const k of [...keys].sort()) {
      const d = diffFields((a as Json)[k], (b as Json)[k], at ? `${at}.${k}` : k);
      if (d !== null) return d;
    }
    return null;
  }
  return a === b ? null : `${at}: ours ${JSON.stringify(a)}, Scapy ${JSON.stringify(b)}`;
}

// ---------------------------------------------------------------------------------------------
// (b) random frames of our own, from a seeded PRNG

/** mulberry32: small, fast, and reproducible from a 32-bit seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Meant {
  spec: FrameSpec;
  fields: Json;
}

function randomFrame(rand: () => number): Meant {
  const int = (min: number, max: number) => min + Math.floor(rand() * (max - min + 1));
  const pick = <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)]!;
  const bytes = (n: number) => Uint8Array.from({ length: n }, () => int(0, 255));
  const mac = () => {
    const b = bytes(6);
    b[0] = (b[0]! & 0xfc) | 0x02;
    return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(':');
  };
  const addr = (v: 4 | 6) => (v === 4 ? formatIpv4(bytes(4)) : formatIpv6(bytes(16)));
  const port = () => int(49152, 65535);

  const outerV = pick([4, 6] as const);
  const innerV = pick([4, 6] as const);
  const l4 = pick(['tcp', 'udp', 'icmp'] as const);
  const vlan = rand() < 0.5 ? { id: int(1, 4094), pcp: int(0, 7), dei: rand() < 0.5 } : null;
  const vsid = rand() < 0.1 ? pick([0x1000, 0x7fffff, 0x800000, 0x800001, 0xfffffe]) : int(0x1000, 0xfffffe);
  const flowId = int(0, 255);
  const payload = bytes(int(0, 200));
  const ip = (v: 4 | 6) => {
    const common = { src: addr(v), dst: addr(v), dscp: int(0, 63), ecn: int(0, 3) };
    return v === 4
      ? { ipv4: { ...common, ttl: int(1, 255), id: int(0, 0xffff), dontFragment: rand() < 0.5 } }
      : { ipv6: { ...common, hopLimit: int(1, 255), flowLabel: int(0, 0xfffff) } };
  };
  const outerIp = ip(outerV);
  const innerIp = ip(innerV);
  const innerMacs = { src: mac(), dst: mac() };
  let transport: Partial<FrameSpec>;
  let l4Fields: Json;
  let l4Length: number;
  if (l4 === 'tcp') {
    const options = rand() < 0.5 ? undefined : Uint8Array.of(2, 4, ...[int(536, 9000)].flatMap((m) => [m >>> 8, m & 0xff]), 1, 3, 3, int(0, 14));
    const t = { srcPort: port(), dstPort: port(), seq: int(0, 0xffffffff), ack: int(0, 0xffffffff), flags: int(0, 255), window: int(0, 0xffff) };
    transport = { tcp: { ...t, ...(options ? { options } : {}) } };
    const headerLength = 20 + (options?.length ?? 0);
    l4Fields = { type: 'tcp', ...t, ns: false, headerLength, urgent: 0 };
    l4Length = headerLength + payload.length;
  } else if (l4 === 'udp') {
    const u = { srcPort: port(), dstPort: port() };
    transport = { udp: u };
    l4Fields = { type: 'udp', ...u, length: 8 + payload.length };
    l4Length = 8 + payload.length;
  } else {
    const icmpType = innerV === 4 ? pick([0, 8]) : pick([128, 129]);
    const e = { identifier: int(0, 0xffff), sequence: int(0, 0xffff) };
    transport = { icmp: { type: icmpType, ...e } };
    l4Fields = { type: innerV === 4 ? 'icmpv4' : 'icmpv6', icmpType, code: 0, id: e.identifier, seq: e.sequence };
    l4Length = 8 + payload.length;
  }
  const innerIpLength = innerV === 4 ? 20 + l4Length : l4Length; // Total Length / Payload Length
  const innerFrameLength = 14 + (innerV === 4 ? innerIpLength : 40 + innerIpLength);
  const outerLength = outerV === 4 ? 20 + 8 + innerFrameLength : 8 + innerFrameLength;
  const spec: FrameSpec = {
    ethernet: { src: mac(), dst: mac(), ...(vlan ? { vlans: [vlan] } : {}) },
    ...outerIp,
    nvgre: { vsid, flowId },
    inner: { ethernet: innerMacs, ...innerIp, ...transport, payload },
  };
  const ipMeant = (s: typeof outerIp, length: number): Json =>
    'ipv4' in s
      ? { ipVersion: 4, src: s.ipv4.src, dst: s.ipv4.dst, ttl: s.ipv4.ttl, dscp: s.ipv4.dscp, ecn: s.ipv4.ecn, id: s.ipv4.id, df: s.ipv4.dontFragment, length }
      : { ipVersion: 6, src: s.ipv6.src, dst: s.ipv6.dst, ttl: s.ipv6.hopLimit, dscp: s.ipv6.dscp, ecn: s.ipv6.ecn, flowLabel: s.ipv6.flowLabel, length };
  const fields: Json = {
    outer: {
      ...ipMeant(outerIp, outerLength),
      vlan: vlan ? { id: vlan.id, pcp: vlan.pcp, dei: vlan.dei ? 1 : 0 } : null,
      dstMac: spec.ethernet!.dst,
      srcMac: spec.ethernet!.src,
    },
    gre: { c: 0, k: 1, s: 0, version: 0, protocol: 0x6558, key: vsid * 256 + flowId },
    inner: {
      dstMac: innerMacs.dst,
      srcMac: innerMacs.src,
      etherType: innerV === 4 ? 0x0800 : 0x86dd,
      ...ipMeant(innerIp, innerIpLength),
      protocol: l4 === 'tcp' ? 6 : l4 === 'udp' ? 17 : innerV === 4 ? 1 : 58,
      l4: l4Fields,
      payloadLength: payload.length,
    },
  };
  return { spec, fields };
}

/** Scapy's fields without the checksum values (checked separately by Scapy's own recomputation). */
function withoutChecksums(fields: Json): Json {
  const f = structuredClone(fields) as { inner: { l4: Json } };
  delete f.inner.l4.checksum;
  return f as unknown as Json;
}

// Each direction is one Scapy process over COUNT frames: seconds on an idle machine, far longer on a
// busy one, so the tests wait as long as runScript lets Scapy run.
// The two directions are independent: their Scapy processes run side by side.
describe.concurrent(`differential test against Scapy (seed ${SEED}, ${COUNT} frames per direction)`, { timeout: 300_000 }, () => {
  it('(a) parseFrame decodes the fields Scapy dissects from Scapy-built frames', async (ctx) => {
    needs(SCAPY, ctx);
    expect(SCAPY.version).toBe('2.5.0');
    const lines = (await runScript(['generate', '--seed', String(SEED), '--count', String(COUNT)])).split('\n').filter((l) => l.length > 0);
    expect(lines).toHaveLength(COUNT);
    const diffs = new Diffs();
    const kinds = new Set<string>();
    lines.forEach((line, i) => {
      const { hex, fields } = JSON.parse(line) as { hex: string; fields: Json };
      const frame = fromHex(hex);
      let p: ParsedFrame;
      try {
        p = parseFrame(frame);
      } catch (e) {
        diffs.add(i, hex, `parseFrame threw ${String(e)}`);
        return;
      }
      const d = diffFields(ourFields(p), fields);
      if (d !== null) diffs.add(i, hex, d);
      // Scapy computed every checksum: each must verify here.
      const inner = p.inner!;
      const bad = [
        p.ip?.version === 4 && !p.ip.checksumValid ? 'outer IPv4' : '',
        inner.ip?.version === 4 && !inner.ip.checksumValid ? 'inner IPv4' : '',
        inner.transport?.checksumValid !== true ? `inner ${inner.transport?.protocol}` : '',
      ].filter((x) => x !== '');
      if (bad.length > 0) diffs.add(i, hex, `checksums that do not verify: ${bad.join(', ')}`);
      const r = tryDecapsulate(frame);
      if (!r.ok) diffs.add(i, hex, `strict decapsulate dropped it: ${r.error.code} ${r.error.message}`);
      else if (r.value.key !== (fields.gre as Json).key || r.value.innerLength !== 14 + ((fields.inner as Json).ipVersion === 4 ? 0 : 40) + ((fields.inner as Json).length as number)) {
        diffs.add(i, hex, `decapsulate: key ${r.value.key}, inner length ${r.value.innerLength}`);
      }
      kinds.add(`${p.ip?.version}${p.ethernet.vlans.length ? 'v' : ''}/${inner.ip?.version}/${inner.transport?.protocol}`);
    });
    diffs.expectNone('Scapy → parseFrame');
    // The random mix covers the matrix: outer v4/v6 ± VLAN × inner v4/v6 × TCP/UDP/ICMP (24 kinds).
    expect(kinds.size, [...kinds].sort().join(' ')).toBe(24);
  });

  it('(b) Scapy dissects the fields we meant from buildFrame output, and agrees with every checksum', async (ctx) => {
    needs(SCAPY, ctx);
    const rand = prng(SEED ^ 0x5eed);
    const meant = Array.from({ length: COUNT }, () => randomFrame(rand));
    const frames = meant.map((m) => buildFrame(m.spec));
    const hexes = frames.map((f) => toHex(f));
    const lines = (await runScript(['dissect'], hexes.join('\n') + '\n')).split('\n').filter((l) => l.length > 0);
    expect(lines).toHaveLength(COUNT);
    const diffs = new Diffs();
    lines.forEach((line, i) => {
      const r = JSON.parse(line) as { fields?: Json; checksumMismatches?: Json[]; error?: string };
      if (r.error !== undefined) return diffs.add(i, hexes[i]!, `Scapy could not dissect it: ${r.error}`);
      const d = diffFields(meant[i]!.fields, withoutChecksums(r.fields!));
      if (d !== null) diffs.add(i, hexes[i]!, d);
      if (r.checksumMismatches!.length > 0) diffs.add(i, hexes[i]!, `checksums Scapy computes differently: ${JSON.stringify(r.checksumMismatches)}`);
    });
    diffs.expectNone('buildFrame → Scapy');
  });
});
