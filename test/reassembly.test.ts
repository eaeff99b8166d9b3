import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { Reassembler } from '../src/capture/reassembly.js';
import {
  type Ipv6Fields,
  ethernet,
  fragmentIpv4,
  fragmentIpv6,
  ipv4,
  ipv6,
  optionsHeader,
  pattern,
  routingHeader,
} from './pcap/helpers.js';

const IPV4 = 0x0800;
const IPV6 = 0x86dd;

/** Feeds frames; returns every non-null result. */
function feed(r: Reassembler, frames: Uint8Array[], timestamp?: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const f of frames) {
    const result = r.push(f, timestamp);
    if (result !== null) out.push(result);
  }
  return out;
}

function shuffle<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let x = seed || 1;
  for (let i = out.length - 1; i > 0; i--) {
    x = (Math.imul(x, 1103515245) + 12345) & 0x7fffffff;
    const j = x % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

// An unfragmented IPv4 datagram (valid checksum, no DF) and its fragments: reassembly must give it back byte for byte.
const v4Packet = ipv4(pattern(3000, 7), { id: 0xbeef, protocol: 47 });
const v4Whole = ethernet(IPV4, v4Packet);
const v4Fragments = fragmentIpv4(v4Packet, 1480).map((p) => ethernet(IPV4, p));

// IPv6 with Hop-by-Hop and Routing headers (unfragmentable) and a Destination Options header (fragmentable).
const v6Fields: Ipv6Fields = { extensions: [optionsHeader(0), routingHeader(), optionsHeader(60, 16)], upper: 47 };
const v6Packet = ipv6(pattern(2500, 9), v6Fields);
const v6Whole = ethernet(IPV6, v6Packet);
const v6Fragments = fragmentIpv6(v6Packet, v6Fields, 2, 1232).map((p) => ethernet(IPV6, p));

describe('Reassembler: IPv4 (RFC 791 §3.2)', () => {
  it('fragments in order rebuild the original frame byte for byte', () => {
    const r = new Reassembler();
    expect(v4Fragments).toHaveLength(3);
    expect(r.push(v4Fragments[0]!)).toBeNull();
    expect(r.push(v4Fragments[1]!)).toBeNull();
    expect(r.stats).toMatchObject({ datagramsInFlight: 1, bytesHeld: 14 + 20 + 2960 });
    expect(r.push(v4Fragments[2]!)).toEqual(v4Whole);
    expect(r.stats).toMatchObject({ datagramsInFlight: 0, bytesHeld: 0, reassembled: 1 });
  });

  it('reversed, shuffled (fast-check) and duplicated fragments give the same datagram', () => {
    expect(feed(new Reassembler(), [...v4Fragments].reverse())).toEqual([v4Whole]);
    fc.assert(
      fc.property(fc.nat(), fc.array(fc.nat(2), { maxLength: 4 }), fc.constantFrom(8, 16, 512, 1480), (seed, dups, size) => {
        const fragments = fragmentIpv4(v4Packet, size).map((p) => ethernet(IPV4, p));
        const withDuplicates = [...fragments, ...dups.map((i) => fragments[i % fragments.length]!)];
        const order = shuffle(withDuplicates, seed);
        // The datagram completes when its last missing piece arrives. Duplicates arriving after that
        // start a new datagram, which completes again only if every piece is repeated.
        const r = new Reassembler();
        const out = feed(r, order);
        expect(out.length).toBeGreaterThanOrEqual(1);
        for (const frame of out) expect(frame).toEqual(v4Whole);
        expect(r.stats.reassembled).toBe(out.length);
      }),
      { numRuns: 100 },
    );
  });

  it('exact duplicates are ignored and counted', () => {
    const r = new Reassembler();
    r.push(v4Fragments[0]!);
    expect(r.push(v4Fragments[0]!)).toBeNull();
    expect(r.stats.duplicates).toBe(1);
    expect(feed(r, v4Fragments.slice(1))).toEqual([v4Whole]);
  });

  it('keeps the 802.1Q / 802.1ad tag and DF of the first fragment; options only in the first fragment', () => {
    for (const tpid of [0x8100, 0x88a8]) {
      const tag = { tpid, vid: 1213 };
      const packet = ipv4(pattern(100), { df: false, options: [0x94, 0x04, 0, 0] }); // Router Alert
      const frags = fragmentIpv4(packet, 48, true).map((p) => ethernet(IPV4, p, tag));
      expect(feed(new Reassembler(), shuffle(frags, 3))).toEqual([ethernet(IPV4, packet, tag)]);
    }
  });

  it('returns non-fragments, non-IP and malformed frames unchanged (same object)', () => {
    const r = new Reassembler();
    const frames = [
      v4Whole,
      v6Whole,
      ethernet(0x0806, pattern(28)),
      new Uint8Array(5),
      ethernet(IPV4, pattern(10)), // too short for IPv4
      ethernet(0x8100, new Uint8Array(1)), // tag cut short
    ];
    const badVersion = v4Fragments[0]!.slice();
    badVersion[14] = 0x65;
    const badChecksum = v4Fragments[0]!.slice();
    badChecksum[14 + 10] = badChecksum[14 + 10]! ^ 0xff;
    const badTotal = v4Fragments[0]!.slice();
    badTotal[14 + 2] = 0xff;
    for (const f of [...frames, badVersion, badChecksum, badTotal]) expect(r.push(f)).toBe(f);
    expect(r.stats.datagramsInFlight).toBe(0);
  });

  it('verifyIpv4Checksum: false reassembles fragments with bad checksums (and writes a good one)', () => {
    const frags = v4Fragments.map((f) => {
      const g = f.slice();
      g[14 + 10] = 0;
      g[14 + 11] = 0;
      return g;
    });
    expect(feed(new Reassembler({ verifyIpv4Checksum: false }), frags)).toEqual([v4Whole]);
  });

  it('ignores Ethernet padding after the IP datagram', () => {
    const padded = v4Fragments.map((f) => Uint8Array.from([...f, 0, 0, 0, 0]));
    expect(feed(new Reassembler(), padded)).toEqual([v4Whole]);
  });

  it('overlapping fragments discard the whole datagram, and its late fragments (RFC 5722-style)', () => {
    const packet = ipv4(pattern(64), { id: 7 });
    const a = fragmentIpv4(packet, 32).map((p) => ethernet(IPV4, p));
    const overlapping = fragmentIpv4(packet, 16).map((p) => ethernet(IPV4, p))[1]!; // bytes 16..32, inside a[0]
    const r = new Reassembler();
    expect(r.push(a[0]!)).toBeNull();
    expect(r.push(overlapping)).toBeNull();
    expect(r.stats.dropped.overlap).toBe(1);
    expect(r.stats).toMatchObject({ datagramsInFlight: 0, bytesHeld: 0 });
    expect(r.push(a[1]!)).toBeNull();
    expect(r.push(a[0]!)).toBeNull();
    expect(r.stats.dropped.late).toBe(2);
  });

  it('same offset with different bytes, or two different ends, is an overlap', () => {
    const r = new Reassembler();
    const changed = v4Fragments[1]!.slice();
    changed[changed.length - 1] = changed[changed.length - 1]! ^ 1;
    // Recompute nothing: the IP header is unchanged, only payload differs.
    r.push(v4Fragments[1]!);
    expect(r.push(changed)).toBeNull();
    expect(r.stats.dropped.overlap).toBe(1);

    const packet = ipv4(pattern(64), { id: 8 });
    const shortEnd = fragmentIpv4(ipv4(pattern(48), { id: 8 }), 16).map((p) => ethernet(IPV4, p));
    const r2 = new Reassembler();
    r2.push(ethernet(IPV4, fragmentIpv4(packet, 16)[3]!)); // last: ends at 64
    expect(r2.push(shortEnd[2]!)).toBeNull(); // last: ends at 48
    expect(r2.stats.dropped.overlap).toBe(1);
  });

  it('a non-last fragment not a multiple of 8 bytes is dropped (badLength)', () => {
    const r = new Reassembler();
    const bad = ethernet(IPV4, ipv4(pattern(12), { more: true, id: 9 }));
    expect(r.push(bad)).toBeNull();
    expect(r.stats.dropped.badLength).toBe(1);
    expect(r.stats.datagramsInFlight).toBe(0);
  });

  it('a fragment that would exceed 65535 bytes is dropped (tooLarge)', () => {
    const r = new Reassembler();
    const frag = ethernet(IPV4, ipv4(pattern(16), { id: 10, offset8: 8190, more: false }));
    expect(r.push(frag)).toBeNull();
    expect(r.stats.dropped.tooLarge).toBe(1);
    // The largest legal datagram is accepted: 65535 - 20 bytes of payload.
    const big = pattern(65515);
    const frags = fragmentIpv4(ipv4(big, { id: 11 }), 8192 + 8).map((p) => ethernet(IPV4, p));
    expect(feed(new Reassembler(), frags)).toEqual([ethernet(IPV4, ipv4(big, { id: 11 }))]);
  });

  it('keys on (src, dst, protocol, id): interleaved datagrams reassemble separately', () => {
    const p1 = ipv4(pattern(100, 1), { id: 1 });
    const p2 = ipv4(pattern(100, 2), { id: 1, protocol: 17 });
    const p3 = ipv4(pattern(100, 3), { id: 1, src: [10, 0, 0, 1] });
    const all = [p1, p2, p3].map((p) => fragmentIpv4(p, 40).map((q) => ethernet(IPV4, q)));
    const interleaved = all[0]!.flatMap((_, i) => all.map((frags) => frags[i]!));
    const out = feed(new Reassembler(), interleaved);
    expect(out).toHaveLength(3);
    expect(new Set(out.map((f) => f.length))).toEqual(new Set([134]));
    expect(out).toEqual(expect.arrayContaining([p1, p2, p3].map((p) => ethernet(IPV4, p))));
  });

  it('never modifies its input', () => {
    const copies = v4Fragments.map((f) => f.slice());
    feed(new Reassembler(), v4Fragments);
    expect(v4Fragments).toEqual(copies);
  });
});

describe('Reassembler: IPv6 (RFC 8200 §4.5)', () => {
  it('in order, reversed and shuffled: Fragment header removed, Next Header and Payload Length fixed', () => {
    expect(v6Fragments.length).toBeGreaterThan(2);
    expect(feed(new Reassembler(), v6Fragments)).toEqual([v6Whole]);
    expect(feed(new Reassembler(), [...v6Fragments].reverse())).toEqual([v6Whole]);
    fc.assert(
      fc.property(fc.nat(), fc.array(fc.nat(9), { maxLength: 3 }), (seed, dups) => {
        const withDuplicates = [...v6Fragments, ...dups.map((i) => v6Fragments[i % v6Fragments.length]!)];
        const r = new Reassembler();
        expect(feed(r, shuffle(withDuplicates, seed))[0]).toEqual(v6Whole);
      }),
      { numRuns: 100 },
    );
  });

  it('no extension headers: the IPv6 Next Header itself is fixed', () => {
    const fields: Ipv6Fields = { upper: 17 };
    const packet = ipv6(pattern(200), fields);
    const frags = fragmentIpv6(packet, fields, 0, 64).map((p) => ethernet(IPV6, p, { tpid: 0x8100, vid: 5 }));
    expect(feed(new Reassembler(), shuffle(frags, 9))).toEqual([ethernet(IPV6, packet, { tpid: 0x8100, vid: 5 })]);
  });

  it('an atomic fragment (offset 0, M = 0) comes back at once without its Fragment header (RFC 6946)', () => {
    const fields: Ipv6Fields = { extensions: [optionsHeader(60)], upper: 6 };
    const packet = ipv6(pattern(40), fields);
    const [atomic] = fragmentIpv6(packet, fields, 1, 4096).map((p) => ethernet(IPV6, p));
    const r = new Reassembler();
    expect(r.push(atomic!)).toEqual(ethernet(IPV6, packet));
    expect(r.stats).toMatchObject({ datagramsInFlight: 0, reassembled: 1 });
  });

  it('overlap discards the datagram (RFC 5722), late fragments too', () => {
    const r = new Reassembler();
    const other = fragmentIpv6(v6Packet, v6Fields, 2, 1024).map((p) => ethernet(IPV6, p));
    r.push(v6Fragments[0]!); // 0..1232
    expect(r.push(other[1]!)).toBeNull(); // 1024..2048 overlaps
    expect(r.stats.dropped.overlap).toBe(1);
    expect(feed(r, v6Fragments)).toEqual([]);
    expect(r.stats.dropped.late).toBe(v6Fragments.length);
  });

  it('keys on (src, dst, identification)', () => {
    const fields: Ipv6Fields = { upper: 17 };
    const packet = ipv6(pattern(100), fields);
    const a = fragmentIpv6(packet, fields, 0, 48, 1).map((p) => ethernet(IPV6, p));
    const b = fragmentIpv6(packet, fields, 0, 48, 2).map((p) => ethernet(IPV6, p));
    const out = feed(new Reassembler(), [a[0]!, b[0]!, b[1]!, a[1]!, a[2]!, b[2]!]);
    expect(out).toEqual([ethernet(IPV6, packet), ethernet(IPV6, packet)]);
  });

  it('malformed extension chains and non-fragments are returned unchanged', () => {
    const r = new Reassembler();
    const cut = v6Fragments[0]!.slice(0, 14 + 40 + 4); // Payload Length says more than present
    const lying = v6Fragments[0]!.slice();
    lying[14 + 40 + 1] = 200; // Hop-by-Hop length runs past the payload
    const jumbo = v6Fragments[0]!.slice();
    jumbo[14 + 4] = 0;
    jumbo[14 + 5] = 0;
    for (const f of [cut, lying, jumbo, v6Whole]) expect(r.push(f)).toBe(f);
  });

  it('a non-last fragment not a multiple of 8 bytes is dropped', () => {
    const fields: Ipv6Fields = { upper: 17 };
    const frags = fragmentIpv6(ipv6(pattern(30), fields), fields, 0, 12).map((p) => ethernet(IPV6, p));
    const r = new Reassembler();
    expect(r.push(frags[0]!)).toBeNull();
    expect(r.stats.dropped.badLength).toBe(1);
  });
});

describe('Reassembler limits and timeouts', () => {
  const datagram = (id: number, size = 64): Uint8Array[] =>
    fragmentIpv4(ipv4(pattern(size, id), { id }), 32).map((p) => ethernet(IPV4, p));

  it('maxDatagrams evicts the oldest datagram', () => {
    const r = new Reassembler({ maxDatagrams: 2 });
    const [a, b, c] = [datagram(1), datagram(2), datagram(3)];
    r.push(a[0]!);
    r.push(b[0]!);
    r.push(c[0]!);
    expect(r.stats).toMatchObject({ datagramsInFlight: 2, dropped: { evicted: 1 } });
    expect(r.push(a[1]!)).toBeNull(); // datagram 1 is gone; this starts it again
    expect(r.stats.dropped.evicted).toBe(2); // ...evicting datagram 2
    expect(r.push(c[1]!)).toEqual(ethernet(IPV4, ipv4(pattern(64, 3), { id: 3 })));
  });

  it('maxBytes evicts the oldest datagrams; a datagram that cannot fit alone is dropped', () => {
    const r = new Reassembler({ maxBytes: 200 });
    r.push(datagram(1)[0]!); // 14 + 20 + 32 = 66 bytes
    r.push(datagram(2)[0]!);
    r.push(datagram(3)[0]!);
    expect(r.stats).toMatchObject({ datagramsInFlight: 3, bytesHeld: 198 });
    r.push(datagram(4)[0]!);
    expect(r.stats).toMatchObject({ datagramsInFlight: 3, bytesHeld: 198, dropped: { evicted: 1 } });
    const tiny = new Reassembler({ maxBytes: 50 });
    expect(tiny.push(datagram(5)[0]!)).toBeNull();
    expect(tiny.stats).toMatchObject({ datagramsInFlight: 0, bytesHeld: 0, dropped: { evicted: 1 } });
  });

  it('timeouts: push(timestamp) and expire(now) drop datagrams older than timeoutMs', () => {
    const r = new Reassembler({ timeoutMs: 1000 });
    const a = datagram(1);
    const b = datagram(2);
    r.push(a[0]!, 0);
    r.push(b[0]!, 600);
    expect(r.push(a[1]!, 999)).not.toBeNull(); // completes just in time
    r.push(datagram(3)[0]!, 700);
    expect(r.expire(1599)).toBe(0);
    expect(r.expire(1600)).toBe(1); // datagram 2 (first seen at 600)
    expect(r.push(b[1]!, 1650)).toBeNull(); // starts over
    expect(r.stats).toMatchObject({ datagramsInFlight: 2, dropped: { timeout: 1 } });
    expect(r.expire(10_000)).toBe(2);
    expect(r.stats).toMatchObject({ datagramsInFlight: 0, bytesHeld: 0, dropped: { timeout: 3 } });
  });

  it('a discarded datagram is forgotten after the timeout', () => {
    const r = new Reassembler({ timeoutMs: 100 });
    const packet = ipv4(pattern(64), { id: 7 });
    const a = fragmentIpv4(packet, 32).map((p) => ethernet(IPV4, p));
    const overlapping = fragmentIpv4(packet, 16).map((p) => ethernet(IPV4, p))[1]!;
    r.push(a[0]!, 0);
    r.push(overlapping, 1);
    expect(r.push(a[1]!, 50)).toBeNull();
    expect(r.expire(100)).toBe(0); // tombstones are not counted as timeouts
    expect(feed(r, a, 150)).toEqual([ethernet(IPV4, packet)]);
  });

  it('clear() forgets everything', () => {
    const r = new Reassembler();
    r.push(v4Fragments[0]!);
    r.clear();
    expect(r.stats).toMatchObject({ datagramsInFlight: 0, bytesHeld: 0 });
  });

  it('rejects bad options and arguments', () => {
    expect(() => new Reassembler({ maxDatagrams: 0 })).toThrow(RangeError);
    expect(() => new Reassembler({ maxBytes: 1.5 })).toThrow(TypeError);
    expect(() => new Reassembler({ timeoutMs: -1 })).toThrow(RangeError);
    expect(() => new Reassembler().push('x' as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => new Reassembler().expire(Number.NaN)).toThrow(TypeError);
  });

  it('fuzz: random and mutated frames never throw; counters stay consistent', () => {
    const seeds = [...v4Fragments, ...v6Fragments];
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.uint8Array({ maxLength: 120 }),
            fc.tuple(fc.nat(seeds.length - 1), fc.array(fc.tuple(fc.nat(80), fc.nat(255)), { maxLength: 4 }), fc.nat(200)).map(
              ([i, edits, cut]) => {
                const b = seeds[i]!.slice(0, seeds[i]!.length - cut);
                for (const [at, v] of edits) if (at < b.length) b[at] = v;
                return b;
              },
            ),
          ),
          { maxLength: 30 },
        ),
        (frames) => {
          const r = new Reassembler({ maxDatagrams: 4, maxBytes: 6000 });
          frames.forEach((f, i) => r.push(f, i));
          const s = r.stats;
          expect(s.datagramsInFlight).toBeGreaterThanOrEqual(0);
          expect(s.datagramsInFlight).toBeLessThanOrEqual(4);
          expect(s.bytesHeld).toBeGreaterThanOrEqual(0);
          expect(s.bytesHeld).toBeLessThanOrEqual(6000);
          r.expire(1e12);
          expect(r.stats).toMatchObject({ datagramsInFlight: 0, bytesHeld: 0 });
        },
      ),
      { numRuns: 1000 },
    );
  });
});
