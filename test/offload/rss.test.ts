/**
 * RSS (docs/rss.md §2–§6): Microsoft's verification vectors, byte order, hash-type selection, the NVGRE
 * inner-or-outer rule, mixed IP versions, the -ex types, fallbacks on frames cut short, the indirection
 * table, and option checks.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { NvgreError, buildFrame, createRss, ecmpHash, encapsulate, parseIp, rssHash, toeplitzHash, type FrameSpec, type RssHashType } from '../../src/index.js';

interface Row {
  destination: string;
  destinationPort: number;
  source: string;
  sourcePort: number;
  ipOnly: string;
  withTcp: string;
}
const here = path.dirname(fileURLToPath(import.meta.url));
const vectors = JSON.parse(readFileSync(path.join(here, 'fixtures', 'rss-vectors.json'), 'utf8')) as { key: string; ipv4: Row[]; ipv6: Row[] };
const KEY = Uint8Array.from(vectors.key.match(/../g)!.map((h) => parseInt(h, 16)));
const rows = [...vectors.ipv4.map((r) => ({ ...r, v: 4 as const })), ...vectors.ipv6.map((r) => ({ ...r, v: 6 as const }))];

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function port(n: number): Uint8Array {
  return Uint8Array.of(n >>> 8, n & 0xff);
}

/** The NDIS input: source address, destination address, source port, destination port. */
function input(r: Row, ports: boolean): Uint8Array {
  const addrs = concat(parseIp(r.source), parseIp(r.destination));
  return ports ? concat(addrs, port(r.sourcePort), port(r.destinationPort)) : addrs;
}

const MAC = { src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02' };

/** The verification packet as a bare TCP frame (source → destination). */
function packet(r: Row & { v: 4 | 6 }, l4: 'tcp' | 'udp' | 'icmp' = 'tcp'): FrameSpec {
  const ip = r.v === 4 ? { ipv4: { src: r.source, dst: r.destination } } : { ipv6: { src: r.source, dst: r.destination } };
  const t = l4 === 'tcp' ? { tcp: { srcPort: r.sourcePort, dstPort: r.destinationPort, flags: 0x18 } } : l4 === 'udp' ? { udp: { srcPort: r.sourcePort, dstPort: r.destinationPort } } : { icmp: { type: r.v === 4 ? 8 : 128 } };
  return { ethernet: MAC, ...ip, ...t, payload: 'verification' };
}

const OUTER4 = { src: '192.0.2.10', dst: '198.51.100.20' };
const OUTER6 = { src: '2001:db8:a::10', dst: '2001:db8:b::20' };

function nvgre(inner: FrameSpec, outer: 4 | 6, vlan = false): Uint8Array {
  return buildFrame({
    ethernet: { ...MAC, ...(vlan ? { vlans: [{ id: 100 }] } : {}) },
    ...(outer === 4 ? { ipv4: OUTER4 } : { ipv6: OUTER6 }),
    nvgre: { vsid: 0x5001, flowId: 7 },
    inner,
  });
}

/** The outer 2-tuple hash, computed from the addresses alone. */
function outer2(outer: 4 | 6): number {
  const o = outer === 4 ? OUTER4 : OUTER6;
  return toeplitzHash(KEY, concat(parseIp(o.src), parseIp(o.dst)));
}

const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;

describe('Microsoft verification vectors (docs/rss.md §2, §10)', () => {
  it('the fixture key is the default key and has every row of the page', () => {
    expect(KEY.length).toBe(40);
    expect(vectors.ipv4).toHaveLength(5);
    expect(vectors.ipv6).toHaveLength(3);
  });

  for (const r of rows) {
    it(`toeplitzHash, IPv${r.v} ${r.source}:${r.sourcePort} → ${r.destination}:${r.destinationPort}`, () => {
      expect(hex(toeplitzHash(KEY, input(r, false)))).toBe(r.ipOnly);
      expect(hex(toeplitzHash(KEY, input(r, true)))).toBe(r.withTcp);
    });

    it(`rssHash of the packet, IPv${r.v} ${r.source} → ${r.destination}`, () => {
      const frame = buildFrame(packet(r));
      expect(rssHash(frame)).toEqual({ hash: Number(r.withTcp), hashType: `tcp-ipv${r.v}`, over: 'outer' });
      expect(rssHash(frame, { hashTypes: [`ipv${r.v}` as RssHashType] })).toEqual({ hash: Number(r.ipOnly), hashType: `ipv${r.v}`, over: 'outer' });
      // A non-TCP packet of the same addresses takes the 2-tuple type under the defaults.
      expect(rssHash(buildFrame(packet(r, 'icmp')))).toEqual({ hash: Number(r.ipOnly), hashType: `ipv${r.v}`, over: 'outer' });
      // UDP: the 4-tuple only when a UDP type is enabled (NDIS 6.80), same input as TCP.
      expect(rssHash(buildFrame(packet(r, 'udp')))).toMatchObject({ hash: Number(r.ipOnly), hashType: `ipv${r.v}` });
      expect(rssHash(buildFrame(packet(r, 'udp')), { hashTypes: [`udp-ipv${r.v}` as RssHashType] })).toMatchObject({ hash: Number(r.withTcp), hashType: `udp-ipv${r.v}` });
    });
  }

  it('the table lists destination first: hashing in that order does not give its values', () => {
    for (const r of rows) {
      const backwards = concat(parseIp(r.destination), parseIp(r.source), port(r.destinationPort), port(r.sourcePort));
      expect(hex(toeplitzHash(KEY, backwards))).not.toBe(r.withTcp);
    }
  });

  it('toeplitzHash takes an offset and a length', () => {
    const r = rows[0]!;
    const padded = concat(Uint8Array.of(9, 9, 9), input(r, true), Uint8Array.of(9));
    expect(hex(toeplitzHash(KEY, padded, 3, 12))).toBe(r.withTcp);
    expect(hex(toeplitzHash(KEY, padded, 3, 8))).toBe(r.ipOnly);
    expect(toeplitzHash(KEY, padded, 3, 0)).toBe(0);
  });
});

describe('NVGRE: inner 4-tuple or outer 2-tuple (docs/rss.md §4)', () => {
  for (const r of rows) {
    for (const outer of [4, 6] as const) {
      for (const vlan of [false, true]) {
        it(`IPv${r.v} verification packet in NVGRE over IPv${outer}${vlan ? ' with an outer VLAN tag' : ''} hashes as the bare packet`, () => {
          const frame = nvgre(packet(r), outer, vlan);
          expect(rssHash(frame)).toEqual({ hash: Number(r.withTcp), hashType: `tcp-ipv${r.v}`, over: 'inner' });
          expect(createRss().hash(frame)).toEqual({ hash: Number(r.withTcp), hashType: `tcp-ipv${r.v}`, over: 'inner' });
        });
      }
    }
  }

  it('an ICMP inner packet hashes the outer 2-tuple, with the outer version’s type (mixed versions)', () => {
    for (const r of rows) {
      for (const outer of [4, 6] as const) {
        expect(rssHash(nvgre(packet(r, 'icmp'), outer))).toEqual({ hash: outer2(outer), hashType: `ipv${outer}`, over: 'outer' });
      }
    }
  });

  it('a fragmented inner packet (first fragment too) hashes the outer 2-tuple', () => {
    const r = rows[0]!;
    const first: FrameSpec = { ethernet: MAC, ipv4: { src: r.source, dst: r.destination, moreFragments: true, id: 9 }, tcp: { srcPort: 1, dstPort: 2 }, payload: new Uint8Array(16) };
    const later: FrameSpec = { ethernet: MAC, ipv4: { src: r.source, dst: r.destination, fragmentOffset: 64, id: 9, protocol: 6 }, payload: new Uint8Array(16) };
    const v6first: FrameSpec = {
      ethernet: MAC,
      ipv6: { src: rows[5]!.source, dst: rows[5]!.destination, extensionHeaders: [{ type: 'fragment', moreFragments: true, identification: 1 }] },
      tcp: { srcPort: 1, dstPort: 2 },
    };
    for (const inner of [first, later, v6first]) {
      for (const outer of [4, 6] as const) expect(rssHash(nvgre(inner, outer))).toEqual({ hash: outer2(outer), hashType: `ipv${outer}`, over: 'outer' });
    }
  });

  it('TCP behind an inner IPv6 extension header does not immediately follow: outer 2-tuple', () => {
    const r = rows[5]!;
    const inner: FrameSpec = { ethernet: MAC, ipv6: { src: r.source, dst: r.destination, extensionHeaders: [{ type: 'hop-by-hop' }] }, tcp: { srcPort: 1, dstPort: 2 } };
    expect(rssHash(nvgre(inner, 4))).toEqual({ hash: outer2(4), hashType: 'ipv4', over: 'outer' });
    // The same packet bare: NDIS skips the extension header for the 4-tuple.
    expect(rssHash(buildFrame(inner))).toMatchObject({ hashType: 'tcp-ipv6', over: 'outer' });
  });

  it('inner IPv4 options are part of the header: TCP still immediately follows', () => {
    const r = rows[0]!;
    const inner: FrameSpec = { ethernet: MAC, ipv4: { src: r.source, dst: r.destination, options: Uint8Array.of(1, 1, 1, 0) }, tcp: { srcPort: r.sourcePort, dstPort: r.destinationPort } };
    expect(rssHash(nvgre(inner, 6))).toEqual({ hash: Number(r.withTcp), hashType: 'tcp-ipv4', over: 'inner' });
  });

  it('an inner UDP packet without a UDP type enabled: outer 2-tuple, not the inner 2-tuple', () => {
    const r = rows[1]!;
    expect(rssHash(nvgre(packet(r, 'udp'), 6))).toEqual({ hash: outer2(6), hashType: 'ipv6', over: 'outer' });
    expect(rssHash(nvgre(packet(r, 'udp'), 6), { hashTypes: ['udp-ipv4', 'ipv6'] })).toEqual({ hash: Number(r.withTcp), hashType: 'udp-ipv4', over: 'inner' });
  });

  it("encapsulation 'none' always hashes the outer 2-tuple", () => {
    for (const r of rows) {
      for (const outer of [4, 6] as const) {
        for (const l4 of ['tcp', 'udp', 'icmp'] as const) {
          expect(rssHash(nvgre(packet(r, l4), outer, true), { encapsulation: 'none' })).toEqual({ hash: outer2(outer), hashType: `ipv${outer}`, over: 'outer' });
        }
      }
    }
  });

  it('non-IP inner frames (ARP) hash the outer 2-tuple; without the outer version’s type there is no hash', () => {
    const arp: FrameSpec = { ethernet: { ...MAC, dst: 'ff:ff:ff:ff:ff:ff', etherType: 0x0806 }, payload: new Uint8Array(28) };
    expect(rssHash(nvgre(arp, 4))).toEqual({ hash: outer2(4), hashType: 'ipv4', over: 'outer' });
    expect(rssHash(nvgre(arp, 4), { hashTypes: ['ipv6', 'tcp-ipv4'] })).toEqual({ hash: 0, hashType: null, over: 'none' });
  });

  it('GRE with the RFC 2890 checksum and sequence words is parsed as a NIC does', () => {
    const r = rows[2]!;
    const frame = buildFrame({ ethernet: MAC, ipv4: OUTER4, nvgre: { vsid: 0x5001, flowId: 1, checksum: true, sequence: 5 }, inner: packet(r) });
    expect(rssHash(frame)).toEqual({ hash: Number(r.withTcp), hashType: 'tcp-ipv4', over: 'inner' });
  });

  it('an encapsulator and the NIC agree: encapsulate() output hashes as its inner frame', () => {
    for (const r of rows) {
      const inner = buildFrame(packet(r));
      const frame = encapsulate(inner, { vsid: 0x6000, srcMac: MAC.src, dstMac: MAC.dst, srcIp: OUTER6.src, dstIp: OUTER6.dst });
      expect(rssHash(frame).hash).toBe(rssHash(inner).hash);
    }
  });
});

describe('hash types (docs/rss.md §3)', () => {
  const r = rows[3]!;

  it('a fragmented plain TCP packet, first fragment included, takes the 2-tuple type', () => {
    const frame = buildFrame({ ethernet: MAC, ipv4: { src: r.source, dst: r.destination, moreFragments: true }, tcp: { srcPort: r.sourcePort, dstPort: r.destinationPort } });
    expect(rssHash(frame)).toEqual({ hash: Number(r.ipOnly), hashType: 'ipv4', over: 'outer' });
    expect(rssHash(frame, { hashTypes: ['tcp-ipv4'] })).toEqual({ hash: 0, hashType: null, over: 'none' });
  });

  it('only a 4-tuple type enabled: other packets get no hash', () => {
    expect(rssHash(buildFrame(packet(r, 'icmp')), { hashTypes: ['tcp-ipv4', 'tcp-ipv6'] })).toEqual({ hash: 0, hashType: null, over: 'none' });
    expect(rssHash(buildFrame(packet(r)), { hashTypes: ['ipv6'] })).toEqual({ hash: 0, hashType: null, over: 'none' });
  });

  it('-ex types take the Home Address option and the type 2 Routing header addresses', () => {
    const v = rows[5]!;
    const home = '2001:db8:40::1';
    const care = '2001:db8:c0::2';
    const hao = concat(Uint8Array.of(0xc9, 16), parseIp(home)); // RFC 6275 §6.3 (after 4 bytes of padding below)
    const frame = buildFrame({
      ethernet: MAC,
      ipv6: {
        src: v.source,
        dst: v.destination,
        extensionHeaders: [
          { type: 'routing', routingType: 2, segmentsLeft: 1, addresses: [care] },
          { type: 'destination-options', options: concat(Uint8Array.of(1, 2, 0, 0), hao) },
        ],
      },
      tcp: { srcPort: v.sourcePort, dstPort: v.destinationPort },
    });
    const exInput = concat(parseIp(home), parseIp(care), port(v.sourcePort), port(v.destinationPort));
    expect(rssHash(frame, { hashTypes: ['tcp-ipv6-ex', 'ipv6-ex'] })).toEqual({ hash: toeplitzHash(KEY, exInput), hashType: 'tcp-ipv6-ex', over: 'outer' });
    expect(rssHash(frame, { hashTypes: ['ipv6-ex'] })).toEqual({ hash: toeplitzHash(KEY, exInput, 0, 32), hashType: 'ipv6-ex', over: 'outer' });
    // The plain types hash the fixed header's addresses, extension headers skipped.
    expect(rssHash(frame)).toEqual({ hash: Number(v.withTcp), hashType: 'tcp-ipv6', over: 'outer' });
    // Without either header the -ex types hash what the plain ones do.
    expect(rssHash(buildFrame(packet(v)), { hashTypes: ['tcp-ipv6-ex'] })).toEqual({ hash: Number(v.withTcp), hashType: 'tcp-ipv6-ex', over: 'outer' });
  });

  it('a short key is enough for IPv4-only types', () => {
    const frame = buildFrame(packet(r));
    expect(rssHash(frame, { key: KEY.subarray(0, 16), hashTypes: ['tcp-ipv4', 'ipv4'] }).hash).toBe(Number(r.withTcp));
    expect(() => rssHash(frame, { key: KEY.subarray(0, 16) })).toThrow(/options\.key: 16 bytes.*at least 40/);
  });

  it('a changed key changes the hash, and the same key bytes in a new array give the same hash', () => {
    const frame = buildFrame(packet(r));
    const other = KEY.slice();
    other[10] = other[10]! ^ 0x01;
    expect(rssHash(frame, { key: other }).hash).not.toBe(Number(r.withTcp));
    expect(rssHash(frame, { key: KEY.slice() }).hash).toBe(Number(r.withTcp));
    other[10] = other[10]! ^ 0x01; // mutated back: the cached table must not be stale
    expect(rssHash(frame, { key: other }).hash).toBe(Number(r.withTcp));
  });
});

describe('frames that cannot be parsed deep enough (docs/rss.md §5)', () => {
  const r = rows[0]!;
  const full = nvgre(packet(r), 4);

  it('every prefix of an NVGRE frame hashes without throwing, falling back outer → none', () => {
    let sawInner = false;
    for (let n = 0; n <= full.length; n++) {
      const res = rssHash(full.subarray(0, n));
      if (n < 14 + 20) expect(res).toEqual({ hash: 0, hashType: null, over: 'none' });
      else if (res.over === 'inner') sawInner = true;
      else expect(res).toEqual({ hash: outer2(4), hashType: 'ipv4', over: 'outer' });
    }
    expect(sawInner).toBe(true);
    // Inner TCP ports present (inner IPv4 ends at 42 + 14 + 20 = 76, ports at 76–80).
    expect(rssHash(full.subarray(0, 80)).over).toBe('inner');
    expect(rssHash(full.subarray(0, 79)).over).toBe('outer');
  });

  it('a bad outer IP header gives no hash; a bad inner one the outer 2-tuple', () => {
    const badOuter = full.slice();
    badOuter[14] = 0x44; // IHL 4
    expect(rssHash(badOuter)).toEqual({ hash: 0, hashType: null, over: 'none' });
    const badInner = full.slice();
    badInner[42 + 14] = 0x65; // version 6 in an IPv4 EtherType
    expect(rssHash(badInner)).toEqual({ hash: outer2(4), hashType: 'ipv4', over: 'outer' });
  });

  it('an empty frame and non-IP frames get no hash and the default queue', () => {
    const rss = createRss({ queues: 8, defaultQueue: 3 });
    for (const f of [new Uint8Array(0), buildFrame({ ethernet: { ...MAC, etherType: 0x0806 }, payload: new Uint8Array(28) })]) {
      expect(rssHash(f)).toEqual({ hash: 0, hashType: null, over: 'none' });
      expect(rss.queue(f)).toBe(3);
    }
  });
});

describe('indirection table (docs/rss.md §6)', () => {
  it('the default table cycles over 4 queues in 128 entries', () => {
    const rss = createRss();
    expect(rss.indirectionTable).toHaveLength(128);
    expect(rss.queues).toBe(4);
    expect(rss.indirectionTable.slice(0, 6)).toEqual([0, 1, 2, 3, 0, 1]);
  });

  it('the queue is table[hash & (length − 1)]', () => {
    const table = [5, 6, 7, 8, 9, 10, 11, 12];
    const rss = createRss({ indirectionTable: table });
    expect(rss.queues).toBe(13);
    for (const r of rows) expect(rss.queue(buildFrame(packet(r)))).toBe(table[Number(r.withTcp) & 7]);
  });

  it('refuses tables NDIS does not allow, and bad options, with INVALID_ARGUMENT naming them', () => {
    const bad: Array<[unknown, RegExp]> = [
      [{ indirectionTable: [0, 1, 2] }, /indirectionTable.*power-of-two/],
      [{ indirectionTable: new Array(256).fill(0) }, /indirectionTable.*1 to 128/],
      [{ indirectionTable: [] }, /indirectionTable/],
      [{ indirectionTable: [0, 1.5] }, /indirectionTable\[1\]/],
      [{ indirectionTable: [0, 4], queues: 4 }, /indirectionTable\[1\].*0 to 3/],
      [{ queues: 0 }, /options\.queues/],
      [{ queues: 129 }, /options\.queues/],
      [{ defaultQueue: -1 }, /options\.defaultQueue/],
      [{ hashTypes: ['tcp-ipv5'] }, /unknown hash type "tcp-ipv5"/],
      [{ hashTypes: [] }, /options\.hashTypes/],
      [{ encapsulation: 'vxlan' }, /options\.encapsulation/],
      [{ key: 'secret' }, /options\.key/],
      [{ key: new Uint8Array(39) }, /options\.key: 39 bytes/],
      [{ tables: 1 }, /options\.tables is not an RSS option/],
      ['x', /options must be an object/],
    ];
    for (const [options, message] of bad) {
      let error: unknown;
      try {
        createRss(options as never);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(NvgreError);
      expect((error as NvgreError).code).toBe('INVALID_ARGUMENT');
      expect((error as NvgreError).message).toMatch(message);
    }
    expect(() => rssHash(new Uint8Array(60), { queues: 4 } as never)).toThrow(/options\.queues is not an RSS option/);
  });

  it('a frame that is not a Uint8Array is a TypeError', () => {
    expect(() => createRss().queue([1, 2, 3] as never)).toThrow(TypeError);
    expect(() => rssHash(null as never)).toThrow(TypeError);
  });
});

describe("ecmpHash 'outer' (docs/rss.md §11)", () => {
  it('ignores the Key: every flow between two hosts hashes alike, while outer+key tells them apart', () => {
    const frames = [1, 2, 3, 4].map((flowId) => buildFrame({ ethernet: MAC, ipv4: OUTER4, nvgre: { vsid: 0x5001, flowId }, inner: packet({ ...rows[0]!, sourcePort: 1000 + flowId }) }));
    expect(new Set(frames.map((f) => ecmpHash(f, 'outer'))).size).toBe(1);
    expect(new Set(frames.map((f) => ecmpHash(f, 'outer+key'))).size).toBe(4);
    const other = buildFrame({ ethernet: MAC, ipv4: { ...OUTER4, dst: '198.51.100.21' }, nvgre: { vsid: 0x5001, flowId: 1 }, inner: packet(rows[0]!) });
    expect(ecmpHash(other, 'outer')).not.toBe(ecmpHash(frames[0]!, 'outer'));
  });
});
