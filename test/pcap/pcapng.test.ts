import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { NvgreError } from '../../src/wire/errors.js';
import { PcapngWriter, writePcapng } from '../../src/capture/pcapng-writer.js';
import { readPcapng } from '../../src/capture/pcapng.js';
import { defaultTimestamp } from '../../src/capture/record.js';
import { readCapture } from '../../src/capture/stream.js';
import {
  CORPUS_DIR,
  atOddOffset,
  block,
  concat,
  corpusFile,
  endOfOptions,
  epb,
  expectNvgreError,
  fromHexString,
  idb,
  nvgreErrorOf,
  option,
  pattern,
  pb,
  shb,
  spb,
} from './helpers.js';

const text = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

describe('corpus: pcapplusplus/GrePackets.pcap (pcapng despite its name)', () => {
  const bytes = corpusFile('pcapplusplus/GrePackets.pcap');

  it('7 frames on 2 Ethernet interfaces: 1–6 on interface 0 (snaplen 262144), 7 on interface 1 (65535)', () => {
    const c = readPcapng(bytes);
    expect(c.format).toBe('pcapng');
    expect(c.littleEndian).toBe(true);
    expect(c.linkType).toBe(1);
    expect(c.snaplen).toBe(262144);
    expect(c.interfaces.map((i) => [i.id, i.linkType, i.snaplen, i.section])).toEqual([
      [0, 1, 262144, 0],
      [1, 1, 65535, 0],
    ]);
    expect(c.records.map((r) => r.interfaceId)).toEqual([0, 0, 0, 0, 0, 0, 1]);
    expect(c.records.every((r) => r.linkType === 1 && r.capturedLength === r.originalLength)).toBe(true);
    expect(readCapture(bytes)).toEqual(c);
  });

  it('frame 7 is byte-identical to GREv0_4.dat', () => {
    const dat = fromHexString(readFileSync(path.join(CORPUS_DIR, 'raw', 'pcapplusplus', 'GREv0_4.dat'), 'utf8'));
    const frame7 = readPcapng(bytes).records[6]!;
    expect(Array.from(frame7.data)).toEqual(Array.from(dat));
  });

  it('reads the same from a subarray at an odd byteOffset', () => {
    const a = readPcapng(bytes).records.map((r) => Array.from(r.data));
    expect(readPcapng(atOddOffset(bytes)).records.map((r) => Array.from(r.data))).toEqual(a);
  });
});

describe('readPcapng blocks (hand-built)', () => {
  for (const le of [true, false]) {
    const order = le ? 'LE' : 'BE';

    it(`${order}: EPB fields, if_name, default microsecond resolution`, () => {
      const file = concat(
        shb(le),
        idb(le, 1, 1500, concat(option(le, 2, text('eth0')), endOfOptions(le))),
        epb(le, 0, 1_700_000_000_123_456n, Uint8Array.of(9, 8, 7), 64),
      );
      const c = readPcapng(file);
      expect(c.littleEndian).toBe(le);
      expect(c.interfaces).toEqual([{ id: 0, linkType: 1, snaplen: 1500, tsresol: 6, name: 'eth0', section: 0 }]);
      const r = c.records[0]!;
      expect(r).toMatchObject({ index: 0, interfaceId: 0, linkType: 1, capturedLength: 3, originalLength: 64, fileOffset: 28 + 32 });
      expect(r.timestamp).toEqual({ seconds: 1_700_000_000, nanoseconds: 123_456_000 });
      expect(Array.from(r.data)).toEqual([9, 8, 7]);
    });

    it(`${order}: if_tsresol decimal (9, 3) and binary (2^-20), if_tsoffset`, () => {
      const tsoffset = new Uint8Array(8);
      new DataView(tsoffset.buffer).setBigInt64(0, -100n, le);
      const file = concat(
        shb(le),
        idb(le, 1, 0, concat(option(le, 9, Uint8Array.of(9)), endOfOptions(le))),
        idb(le, 1, 0, concat(option(le, 9, Uint8Array.of(3)), option(le, 14, tsoffset))),
        idb(le, 1, 0, option(le, 9, Uint8Array.of(0x80 | 20))),
        epb(le, 0, 1_700_000_000_987_654_321n, new Uint8Array(0)),
        epb(le, 1, 1_700_000_000_250n, new Uint8Array(0)),
        epb(le, 2, (5n << 20n) + (1n << 19n), new Uint8Array(0)),
      );
      const c = readPcapng(file);
      expect(c.nanosecond).toBe(true);
      expect(c.interfaces.map((i) => i.tsresol)).toEqual([9, 3, 0x94]);
      expect(c.records.map((r) => r.timestamp)).toEqual([
        { seconds: 1_700_000_000, nanoseconds: 987_654_321 },
        { seconds: 1_700_000_000 - 100, nanoseconds: 250_000_000 },
        { seconds: 5, nanoseconds: 500_000_000 },
      ]);
    });

    it(`${order}: SPB uses interface 0's snaplen; obsolete Packet Block; unknown blocks skipped`, () => {
      const file = concat(
        shb(le),
        idb(le, 1, 4),
        block(le, 0x0000_0bad, pattern(10)), // unknown block type
        block(le, 4, new Uint8Array(8)), // Name Resolution Block, skipped
        spb(le, 10, pattern(4)),
        pb(le, 0, 2_000_000n, pattern(3)),
        block(le, 5, new Uint8Array(12)), // Interface Statistics Block, skipped
      );
      const c = readPcapng(file);
      expect(c.records).toHaveLength(2);
      expect(c.records[0]).toMatchObject({ index: 0, capturedLength: 4, originalLength: 10, timestamp: { seconds: 0, nanoseconds: 0 } });
      expect(Array.from(c.records[0]!.data)).toEqual(Array.from(pattern(4)));
      expect(c.records[1]).toMatchObject({ index: 1, capturedLength: 3, timestamp: { seconds: 2, nanoseconds: 0 } });
    });

    it(`${order}: packets longer than their interface's snaplen are read in full, with one warning per interface`, () => {
      const head = concat(shb(le), idb(le, 1, 64), idb(le, 1, 0), idb(le, 1, 32));
      const blocks = [
        epb(le, 0, 0n, pattern(40)),
        epb(le, 0, 0n, pattern(100)),
        epb(le, 0, 0n, pattern(200)),
        epb(le, 1, 0n, pattern(500)), // snaplen 0: no limit
        epb(le, 2, 0n, pattern(20)),
        pb(le, 2, 0n, pattern(40)),
      ];
      const c = readPcapng(concat(head, ...blocks));
      expect(c.records.map((r) => r.capturedLength)).toEqual([40, 100, 200, 500, 20, 40]);
      const offsetOf = (i: number) => head.length + blocks.slice(0, i).reduce((n, b) => n + b.length, 0);
      expect(c.warnings.map((w) => [w.code, w.interfaceId, w.record, w.fileOffset])).toEqual([
        ['SNAPLEN_EXCEEDED', 0, 1, offsetOf(1)],
        ['SNAPLEN_EXCEEDED', 2, 5, offsetOf(5)],
      ]);
      expect(c.warnings[1]!.message).toContain('snaplen of 32');
      expect(readPcapng(concat(head, blocks[0]!, blocks[3]!)).warnings).toEqual([]);
    });

    it(`${order}: EPB options are skipped`, () => {
      const file = concat(shb(le), idb(le, 1, 0), epb(le, 0, 0n, pattern(5), 5, concat(option(le, 1, text('a comment')), endOfOptions(le))));
      expect(Array.from(readPcapng(file).records[0]!.data)).toEqual(Array.from(pattern(5)));
    });
  }

  it('a second SHB starts a new section (other byte order) with new interfaces; ids count across sections', () => {
    const file = concat(
      shb(true),
      idb(true, 1, 100),
      epb(true, 0, 0n, pattern(2)),
      shb(false),
      idb(false, 228, 200),
      idb(false, 1, 300),
      epb(false, 1, 0n, pattern(3)),
      epb(false, 0, 0n, pattern(4)),
    );
    const c = readPcapng(file);
    expect(c.littleEndian).toBe(true);
    expect(c.interfaces.map((i) => [i.id, i.linkType, i.snaplen, i.section])).toEqual([
      [0, 1, 100, 0],
      [1, 228, 200, 1],
      [2, 1, 300, 1],
    ]);
    expect(c.records.map((r) => [r.interfaceId, r.linkType, r.capturedLength])).toEqual([
      [0, 1, 2],
      [2, 1, 3],
      [1, 228, 4],
    ]);
  });

  it('a file without interfaces: link type 1, snaplen 0, no records', () => {
    expect(readPcapng(shb(true))).toMatchObject({ linkType: 1, snaplen: 0, interfaces: [], records: [] });
  });
});

describe('readPcapng errors', () => {
  const le = true;
  const head = concat(shb(le), idb(le, 1, 0));

  function withLength(b: Uint8Array, length: number, which: 'lead' | 'trail' | 'both' = 'both'): Uint8Array {
    const out = b.slice();
    const v = new DataView(out.buffer);
    if (which !== 'trail') v.setUint32(4, length, true);
    if (which !== 'lead') v.setUint32(out.length - 4, length, true);
    return out;
  }

  it('not starting with an SHB: BAD_CAPTURE pointing at readPcap/readCapture', () => {
    const e = expectNvgreError(() => readPcapng(Uint8Array.of(0xd4, 0xc3, 0xb2, 0xa1, 0, 0, 0, 0)), ['BAD_CAPTURE']);
    expect(e.message).toContain('0xd4c3b2a1');
    expect(e.message).toContain('readPcap()');
  });

  it('bad byte-order magic and unsupported version: BAD_CAPTURE', () => {
    const bom = shb(true);
    bom[8] = 0;
    expect(expectNvgreError(() => readPcapng(bom), ['BAD_CAPTURE']).message).toContain('byte-order magic');
    const version = shb(true);
    version[12] = 2;
    expect(expectNvgreError(() => readPcapng(version), ['BAD_CAPTURE']).message).toContain('version 2.0');
  });

  it('block total length 0, 8, 13 or 4 GiB: BAD_CAPTURE, no loop, nothing allocated from the claim', () => {
    // A loop would not end (the test timeout fails it); how long each takes is reported by
    // `npm run bench -- --only=bounded`, not asserted here.
    for (const length of [0, 8, 13, 30, 0xffff_fffc]) {
      const file = concat(head, withLength(block(le, 6, new Uint8Array(20)), length, 'lead'));
      const before = process.memoryUsage().arrayBuffers;
      const e = expectNvgreError(() => readPcapng(file), ['BAD_CAPTURE']);
      expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 << 20);
      expect(e.offset).toBe(head.length + 4);
    }
  });

  it('a block longer than the rest of the file: TRUNCATED at the block, naming the record', () => {
    const file = concat(head, epb(le, 0, 0n, pattern(40)));
    const e = expectNvgreError(() => readPcapng(file.subarray(0, file.length - 4)), ['TRUNCATED']);
    expect(e.offset).toBe(head.length);
    expect(e.message).toContain('Enhanced Packet Block (record 1) at offset 48 is 72 bytes long but only 68 remain');
  });

  it('trailing total length differs: BAD_CAPTURE', () => {
    const e = expectNvgreError(() => readPcapng(concat(head, withLength(epb(le, 0, 0n, pattern(4)), 40, 'trail'))), ['BAD_CAPTURE']);
    expect(e.message).toContain('trailing total length 40 differs from the leading 36');
  });

  it('blocks shorter than their fixed part: BAD_CAPTURE', () => {
    expectNvgreError(() => readPcapng(concat(shb(le), block(le, 1, new Uint8Array(4)))), ['BAD_CAPTURE']);
    expectNvgreError(() => readPcapng(concat(head, block(le, 6, new Uint8Array(8)))), ['BAD_CAPTURE']);
    expectNvgreError(() => readPcapng(concat(head, block(le, 3, new Uint8Array(0)))), ['BAD_CAPTURE']);
    expectNvgreError(() => readPcapng(block(le, 0x0a0d0d0a, Uint8Array.of(0x4d, 0x3c, 0x2b, 0x1a))), ['BAD_CAPTURE']);
  });

  it('captured length larger than the block, or than maxRecordBytes: BAD_CAPTURE', () => {
    const lying = epb(le, 0, 0n, pattern(8));
    new DataView(lying.buffer).setUint32(20, 0xffff_fff0, true);
    expect(expectNvgreError(() => readPcapng(concat(head, lying)), ['BAD_CAPTURE']).message).toContain('room for 8');
    expect(
      expectNvgreError(() => readPcapng(concat(head, epb(le, 0, 0n, pattern(100))), { maxRecordBytes: 50 }), ['BAD_CAPTURE']).message,
    ).toContain('maxRecordBytes');
  });

  it('SPB whose snaplen-limited length exceeds the block: BAD_CAPTURE', () => {
    expectNvgreError(() => readPcapng(concat(shb(le), idb(le, 1, 0), spb(le, 100, pattern(8)))), ['BAD_CAPTURE']);
  });

  it('a packet on an interface not (yet) described: BAD_CAPTURE', () => {
    const e = expectNvgreError(() => readPcapng(concat(head, epb(le, 1, 0n, pattern(4)))), ['BAD_CAPTURE']);
    expect(e.message).toContain('refers to interface 1');
    // Interfaces of an earlier section do not count.
    expectNvgreError(() => readPcapng(concat(head, shb(le), epb(le, 0, 0n, pattern(4)))), ['BAD_CAPTURE']);
    expectNvgreError(() => readPcapng(concat(shb(le), spb(le, 4, pattern(4)))), ['BAD_CAPTURE']);
  });

  it('an option running past its block, or a bad if_tsresol length: BAD_CAPTURE', () => {
    const overrun = Uint8Array.of(2, 0, 0xff, 0);
    expectNvgreError(() => readPcapng(concat(shb(le), idb(le, 1, 0, overrun))), ['BAD_CAPTURE']);
    expectNvgreError(() => readPcapng(concat(shb(le), idb(le, 1, 0, option(le, 9, Uint8Array.of(6, 6))))), ['BAD_CAPTURE']);
    expectNvgreError(() => readPcapng(concat(shb(le), idb(le, 1, 0, option(le, 14, new Uint8Array(4))))), ['BAD_CAPTURE']);
  });

  it('truncation at every length: TRUNCATED or BAD_CAPTURE (or a valid shorter file at block boundaries)', () => {
    const file = writePcapng([pattern(13), { data: pattern(7), interfaceId: 1 }, pattern(1)], {
      interfaces: [{ name: 'a' }, { tsresol: 9, linkType: 101 }],
    });
    const boundaries = new Set<number>();
    let at = 0;
    while (at < file.length) {
      at += new DataView(file.buffer).getUint32(at + 4, true);
      boundaries.add(at);
    }
    for (let cut = 0; cut < file.length; cut++) {
      const part = file.subarray(0, cut);
      if (boundaries.has(cut)) {
        expect(() => readPcapng(part)).not.toThrow();
        continue;
      }
      const e = nvgreErrorOf(() => readPcapng(part));
      expect(['TRUNCATED', 'BAD_CAPTURE']).toContain(e.code);
    }
  });

  it('fuzz: random and mutated inputs only ever throw NvgreError, and terminate', () => {
    const valid = concat(
      writePcapng([pattern(20), { data: pattern(9), interfaceId: 1 }], { interfaces: [{ name: 'x' }, { tsresol: 0x85 }] }),
      spb(true, 3, pattern(3)),
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }).map((b) => concat(shb(true), b)),
          fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }).map((edits) => {
            const b = valid.slice();
            for (const [i, v] of edits) b[i] = v;
            return b;
          }),
        ),
        (bytes) => {
          try {
            readPcapng(bytes);
          } catch (error) {
            if (!(error instanceof NvgreError)) throw error;
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('writePcapng', () => {
  it('writes SHB (version 1.0, section length -1) and IDBs with if_name / if_tsresol', () => {
    const bytes = writePcapng([], { interfaces: [{ linkType: 1, snaplen: 1514, name: 'eth0', tsresol: 9 }], littleEndian: false });
    expect(Array.from(bytes.subarray(0, 28))).toEqual([
      0x0a, 0x0d, 0x0d, 0x0a, 0, 0, 0, 28, 0x1a, 0x2b, 0x3c, 0x4d, 0, 1, 0, 0,
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 28,
    ]);
    const c = readPcapng(bytes);
    expect(c.interfaces).toEqual([{ id: 0, linkType: 1, snaplen: 1514, tsresol: 9, name: 'eth0', section: 0 }]);
    expect(c.littleEndian).toBe(false);
    expect(c.nanosecond).toBe(true);
  });

  it('round trip (fast-check): byte orders, several interfaces, us/ns/binary resolutions, names', () => {
    const itf = fc.record(
      {
        linkType: fc.nat(0xffff),
        snaplen: fc.constantFrom(0, 65535, 262144),
        name: fc.string({ maxLength: 12 }),
        tsresol: fc.constantFrom(6, 9, 3, 0x80 | 20, 0x80 | 29),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(
        fc.array(itf, { minLength: 1, maxLength: 3 }),
        fc.array(
          fc.record({
            data: fc.uint8Array({ maxLength: 200 }),
            seconds: fc.nat(0xffff_ffff),
            nanoseconds: fc.nat(999_999_999),
            interface: fc.nat(2),
          }),
          { maxLength: 10 },
        ),
        fc.boolean(),
        (interfaces, frames, littleEndian) => {
          const inputs = frames.map((f) => ({
            data: f.data,
            timestamp: { seconds: f.seconds, nanoseconds: f.nanoseconds },
            interfaceId: f.interface % interfaces.length,
          }));
          const bytes = writePcapng(inputs, { interfaces, littleEndian });
          const c = readPcapng(bytes);
          expect(c.interfaces).toHaveLength(interfaces.length);
          c.interfaces.forEach((read, i) => {
            const given = interfaces[i]!;
            expect(read.linkType).toBe(given.linkType ?? 1);
            expect(read.snaplen).toBe(given.snaplen ?? 262144);
            expect(read.tsresol).toBe(given.tsresol ?? 6);
            expect(read.name).toBe(given.name);
          });
          c.records.forEach((r, i) => {
            const input = inputs[i]!;
            const tsresol = interfaces[input.interfaceId]!.tsresol ?? 6;
            expect(r.interfaceId).toBe(input.interfaceId);
            expect(Array.from(r.data)).toEqual(Array.from(input.data));
            const { seconds, nanoseconds } = input.timestamp;
            expect(r.timestamp.seconds).toBe(seconds);
            if (tsresol === 9) expect(r.timestamp.nanoseconds).toBe(nanoseconds);
            else if (tsresol === 6) expect(r.timestamp.nanoseconds).toBe(nanoseconds - (nanoseconds % 1000));
            else expect(nanoseconds - r.timestamp.nanoseconds).toBeGreaterThanOrEqual(0);
            if (tsresol !== 6 && tsresol !== 9) expect(nanoseconds - r.timestamp.nanoseconds).toBeLessThan(1_000_000);
          });
          // Read records written back with the read interfaces give the same bytes.
          expect(writePcapng(c.records, { interfaces: c.interfaces, littleEndian })).toEqual(bytes);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('corpus GrePackets records survive write → read with their interfaces', () => {
    const c = readPcapng(corpusFile('pcapplusplus/GrePackets.pcap'));
    const again = readPcapng(writePcapng(c.records, { interfaces: c.interfaces }));
    expect(again.records.map((r) => [r.interfaceId, r.timestamp, Array.from(r.data)])).toEqual(
      c.records.map((r) => [r.interfaceId, r.timestamp, Array.from(r.data)]),
    );
  });

  it('default timestamps and snaplen cut', () => {
    const c = readPcapng(writePcapng([pattern(50), pattern(3)], { interfaces: [{ snaplen: 20 }] }));
    expect(c.records.map((r) => r.timestamp)).toEqual([defaultTimestamp(0), defaultTimestamp(1)]);
    expect(c.records.map((r) => [r.capturedLength, r.originalLength])).toEqual([
      [20, 50],
      [3, 3],
    ]);
  });

  it('PcapngWriter streams the same bytes as writePcapng', () => {
    const w = new PcapngWriter({ interfaces: [{}, { tsresol: 9 }] });
    const frames = [pattern(5), { data: pattern(6), interfaceId: 1 }];
    expect(concat(w.header(), ...frames.map((f) => w.record(f)))).toEqual(writePcapng(frames, { interfaces: [{}, { tsresol: 9 }] }));
  });

  it('rejects bad arguments', () => {
    expect(() => writePcapng([{ data: pattern(1), interfaceId: 1 }])).toThrow(RangeError);
    expect(() => writePcapng([], { interfaces: [] })).toThrow(RangeError);
    expect(() => writePcapng([], { interfaces: [{ tsresol: 256 }] })).toThrow(RangeError);
    expect(() => writePcapng([{ data: pattern(1), timestamp: { seconds: 2 ** 40, nanoseconds: 0 } }], { interfaces: [{ tsresol: 9 }] })).toThrow(
      RangeError,
    );
  });
});
