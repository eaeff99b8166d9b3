import { createReadStream } from 'node:fs';
import path from 'node:path';
import { ReadableStream } from 'node:stream/web';
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { NvgreError } from '../../src/wire/errors.js';
import { type CaptureRecord, copyRecord } from '../../src/capture/record.js';
import { writePcap } from '../../src/capture/pcap.js';
import { writePcapng } from '../../src/capture/pcapng-writer.js';
import { CaptureStreamParser, readCapture, readCaptureStream } from '../../src/capture/stream.js';
import { CORPUS, CORPUS_DIR, concat, corpusFile, epb, idb, nvgreErrorOf, pattern, pcapFile, shb, spb } from './helpers.js';

/** The comparable content of a record (data as a plain array). */
function plain(r: CaptureRecord): unknown {
  return { ...r, data: Array.from(r.data) };
}

/** Splits `bytes` at the given cut points into fresh (copied) chunks. */
function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let at = 0;
  for (const p of [...points, bytes.length]) {
    chunks.push(bytes.slice(at, p));
    at = p;
  }
  return chunks;
}

function parseChunks(chunks: Uint8Array[], options?: { maxRecordBytes?: number }): CaptureRecord[] {
  const parser = new CaptureStreamParser(options);
  const records = chunks.flatMap((c) => parser.push(c));
  parser.end();
  return records;
}

async function collect(source: Parameters<typeof readCaptureStream>[0]): Promise<CaptureRecord[]> {
  const out: CaptureRecord[] = [];
  for await (const r of readCaptureStream(source)) out.push(r);
  return out;
}

const mixed = concat(
  writePcapng([pattern(300), { data: pattern(7), interfaceId: 1 }, pattern(0)], { interfaces: [{ name: 'a' }, { tsresol: 9 }], littleEndian: false }),
  shb(true),
  idb(true, 1, 5),
  spb(true, 9, pattern(5)),
  epb(true, 0, 123_456_789n, pattern(33)),
);

describe('CaptureStreamParser', () => {
  it('every corpus file, split into random chunks (fast-check), yields the records readCapture reads', () => {
    const files = CORPUS.map((c) => corpusFile(c.file));
    fc.assert(
      fc.property(fc.nat(files.length - 1), fc.array(fc.nat(200_000), { maxLength: 30 }), (which, cuts) => {
        const bytes = files[which]!;
        expect(parseChunks(split(bytes, cuts)).map(plain)).toEqual(readCapture(bytes).records.map(plain));
      }),
      { numRuns: 200 },
    );
  });

  it('written pcap and pcapng files (multiple sections, SPB), split anywhere, match readCapture', () => {
    const pcap = writePcap([pattern(100), pattern(1), pattern(1500)], { nanosecond: true, littleEndian: false });
    fc.assert(
      fc.property(fc.constantFrom(pcap, mixed), fc.array(fc.nat(5000), { maxLength: 20 }), (bytes, cuts) => {
        expect(parseChunks(split(bytes, cuts)).map(plain)).toEqual(readCapture(bytes).records.map(plain));
      }),
      { numRuns: 300 },
    );
  });

  it('one byte at a time', () => {
    const bytes = corpusFile('pcapplusplus/GrePackets.pcap');
    const chunks = Array.from(bytes, (b) => Uint8Array.of(b));
    expect(parseChunks(chunks).map(plain)).toEqual(readCapture(bytes).records.map(plain));
    expect(parseChunks(split(mixed, Array.from(mixed, (_, i) => i))).map(plain)).toEqual(readCapture(mixed).records.map(plain));
  });

  it('records from whole chunks are zero-copy; records spanning chunks own their buffer', () => {
    const file = writePcap([pattern(40), pattern(40, 2)]);
    const parser = new CaptureStreamParser();
    const first = file.slice(0, 24 + 56 + 10);
    const second = file.slice(24 + 56 + 10);
    const [a] = parser.push(first);
    expect(a!.data.buffer).toBe(first.buffer);
    const [b] = parser.push(second);
    expect(b!.data.buffer).not.toBe(second.buffer);
    expect(b!.data.buffer.byteLength).toBe(56);
    // Later pushes do not disturb earlier records.
    parser.push(new Uint8Array(0));
    parser.end();
    expect(Array.from(b!.data)).toEqual(Array.from(pattern(40, 2)));
    // copyRecord detaches a zero-copy record from its chunk.
    const copy = copyRecord(a!);
    first.fill(0);
    expect(Array.from(copy.data)).toEqual(Array.from(pattern(40)));
  });

  it('info is known after the header', () => {
    const parser = new CaptureStreamParser();
    expect(parser.info).toBeUndefined();
    parser.push(writePcap([], { snaplen: 1000, nanosecond: true }).subarray(0, 24));
    expect(parser.info).toMatchObject({ format: 'pcap', snaplen: 1000, nanosecond: true, littleEndian: true });
    expect(parser.bytesConsumed).toBe(24);
  });

  it('records longer than the snaplen: read in full, the same warnings as readCapture, in info once they are seen', () => {
    const files = [
      pcapFile(false, [pattern(30), pattern(90), pattern(200)].map((data) => ({ seconds: 1, fraction: 2, data })), { snaplen: 64 }),
      concat(shb(true), idb(true, 1, 64), epb(true, 0, 0n, pattern(30)), epb(true, 0, 0n, pattern(90)), shb(false), idb(false, 1, 16), epb(false, 0, 0n, pattern(17))),
    ];
    for (const bytes of files) {
      const whole = readCapture(bytes);
      expect(whole.warnings.length).toBeGreaterThan(0);
      fc.assert(
        fc.property(fc.array(fc.nat(bytes.length), { maxLength: 8 }), (cuts) => {
          const parser = new CaptureStreamParser();
          const records: CaptureRecord[] = [];
          for (const chunk of split(bytes, cuts)) {
            records.push(...parser.push(chunk));
            // A warning appears with the record that causes it, never before.
            const seen = parser.info?.warnings ?? [];
            expect(seen).toEqual(whole.warnings.filter((w) => w.record < records.length));
          }
          parser.end();
          expect(records.map(plain)).toEqual(whole.records.map(plain));
          expect(parser.info?.warnings).toEqual(whole.warnings);
        }),
        { numRuns: 100 },
      );
    }
  });

  it('end() with a partial record: the same TRUNCATED error as readCapture, after yielding whole records', () => {
    for (const bytes of [writePcap([pattern(30), pattern(30)]), mixed]) {
      for (const cut of [1, 3, 5, 17, 30, 45]) {
        const part = bytes.subarray(0, bytes.length - cut);
        const expected = nvgreErrorOf(() => readCapture(part));
        const parser = new CaptureStreamParser();
        const records = split(part, [7, 50, 100]).flatMap((c) => parser.push(c));
        const actual = nvgreErrorOf(() => parser.end());
        expect(actual.code).toBe('TRUNCATED');
        expect([actual.code, actual.offset, actual.message]).toEqual([expected.code, expected.offset, expected.message]);
        expect(records.length).toBeGreaterThan(0);
      }
    }
  });

  it('an empty stream or a stream shorter than the magic: TRUNCATED', () => {
    expect(nvgreErrorOf(() => new CaptureStreamParser().end()).code).toBe('TRUNCATED');
    const parser = new CaptureStreamParser();
    parser.push(Uint8Array.of(0xd4, 0xc3));
    expect(nvgreErrorOf(() => parser.end()).code).toBe('TRUNCATED');
  });

  it('an unknown magic: BAD_CAPTURE as soon as 4 bytes arrive; later calls rethrow it', () => {
    const parser = new CaptureStreamParser();
    parser.push(Uint8Array.of(1, 2));
    const e = nvgreErrorOf(() => parser.push(Uint8Array.of(3, 4)));
    expect(e.code).toBe('BAD_CAPTURE');
    expect(nvgreErrorOf(() => parser.push(Uint8Array.of(5)))).toBe(e);
    expect(nvgreErrorOf(() => parser.end())).toBe(e);
  });

  it('a record claiming more than maxRecordBytes: BAD_CAPTURE before any of it is buffered', () => {
    const file = writePcap([pattern(5000)]);
    const parser = new CaptureStreamParser({ maxRecordBytes: 4096 });
    expect(parser.push(file.subarray(0, 30))).toEqual([]);
    const e = nvgreErrorOf(() => parser.push(file.subarray(30, 50)));
    expect(e.code).toBe('BAD_CAPTURE');
    expect(e.offset).toBe(24);
  });

  it('a record claiming 200 MiB buffers only the bytes received, not the claim', () => {
    const header = pcapFile(true, [], { snaplen: 0 });
    const recordHeader = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80, 0x0c, 0, 0, 0x80, 0x0c); // caplen 0x0c800000
    const parser = new CaptureStreamParser();
    parser.push(concat(header, recordHeader, pattern(100)));
    const pending = (parser as unknown as { pending: Uint8Array }).pending;
    expect(pending.length).toBeLessThan(1024);
    expect(nvgreErrorOf(() => parser.end()).code).toBe('TRUNCATED');
  });

  it('fuzz: random bytes in random chunks only ever throw NvgreError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat(300)), fc.boolean(), (body, cuts, ng) => {
        const bytes = concat(ng ? shb(true) : writePcap([]), body);
        try {
          parseChunks(split(bytes, cuts));
        } catch (error) {
          if (!(error instanceof NvgreError)) throw error;
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('rejects non-Uint8Array chunks and push after end', () => {
    const parser = new CaptureStreamParser();
    expect(() => parser.push('abc' as unknown as Uint8Array)).toThrow(TypeError);
    parser.push(writePcap([]));
    parser.end();
    expect(() => parser.push(new Uint8Array(1))).toThrow(TypeError);
  });
});

describe('readCaptureStream', () => {
  const bytes = corpusFile('zeek/gre-within-gre.pcap');
  const expected = readCapture(bytes).records.map(plain);

  it('reads a sync iterable of chunks', async () => {
    expect((await collect(split(bytes, [1000, 5000, 77777]))).map(plain)).toEqual(expected);
  });

  it('reads an async iterable: a Node file stream with small chunks', async () => {
    const stream = createReadStream(path.join(CORPUS_DIR, 'raw', 'zeek', 'gre-within-gre.pcap'), { highWaterMark: 999 });
    const records = await collect(stream as AsyncIterable<Uint8Array>);
    expect(records.map(plain)).toEqual(expected);
  });

  it('reads a WHATWG ReadableStream, through getReader() when it is not async-iterable', async () => {
    const chunks = split(bytes, [10, 2000, 50_000]);
    const make = (): ReadableStream<Uint8Array> =>
      new ReadableStream<Uint8Array>({
        pull(controller) {
          const next = chunks.shift();
          if (next === undefined) controller.close();
          else controller.enqueue(next);
        },
      });
    expect((await collect(make())).map(plain)).toEqual(expected);
    chunks.push(...split(bytes, [10, 2000, 50_000]));
    const readerOnly = { getReader: () => make().getReader() };
    expect((await collect(readerOnly)).map(plain)).toEqual(expected);
  });

  it('a truncated stream yields the whole records, then throws TRUNCATED', async () => {
    const records: CaptureRecord[] = [];
    let error: unknown;
    try {
      for await (const r of readCaptureStream([bytes.subarray(0, 1000)])) records.push(r);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NvgreError);
    expect((error as NvgreError).code).toBe('TRUNCATED');
    expect(records.length).toBeGreaterThan(0);
  });

  it('rejects a source that is neither iterable nor a stream', async () => {
    await expect(collect(42 as unknown as Iterable<Uint8Array>)).rejects.toThrow(TypeError);
  });
});

describe('a corrupt record in the middle of a chunk', () => {
  it('returns the good records before it, then throws on the next call (regression: they were lost)', async () => {
    const { writePcap } = await import('../../src/capture/pcap.js');
    const { CaptureStreamParser, readCaptureStream } = await import('../../src/capture/stream.js');
    const frames = [1, 2, 3].map((n) => new Uint8Array(60).fill(n));
    const file = writePcap(frames);
    // Record 3's header claims 300 MiB (over maxRecordBytes): corrupt, not merely cut short.
    const third = 24 + 2 * (16 + 60);
    new DataView(file.buffer, file.byteOffset).setUint32(third + 8, 300 * 1024 * 1024, true);
    const parser = new CaptureStreamParser();
    const got = parser.push(file);
    expect(got.map((r) => r.data[0])).toEqual([1, 2]);
    expect(() => parser.end()).toThrow(expect.objectContaining({ code: 'BAD_CAPTURE' }));
    expect(parser.recordsDecoded).toBe(2);
    const streamed: number[] = [];
    await expect(
      (async () => {
        for await (const r of readCaptureStream([file])) streamed.push(r.data[0]!);
      })(),
    ).rejects.toMatchObject({ code: 'BAD_CAPTURE' });
    expect(streamed).toEqual([1, 2]);
  });
});
