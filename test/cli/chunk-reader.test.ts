/**
 * The record walk of `--jobs` (src/cli/chunk-reader.ts): spans start at record boundaries with the
 * right record numbers whatever the block size (records longer than a block included), and the span
 * readers together hand out every record once, in order.
 */
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCapture, writePcap } from '../../src/index.js';
import { ChunkReader, findSpans, newSlot } from '../../src/cli/chunk-reader.js';

const work = mkdtempSync(path.join(os.tmpdir(), 'nvgre-chunks-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Records of 1 to 700 bytes (record k holds k·37 % 700 + 1 bytes of k). */
const frames = Array.from({ length: 300 }, (_, k) => new Uint8Array(((k * 37) % 700) + 1).fill(k & 0xff));
const pcap = writePcap(frames);
const file = path.join(work, 'records.pcap');
writeFileSync(file, pcap);

/** Offsets of every record header. */
const offsets: number[] = [];
for (let o = 24, k = 0; k < frames.length; k++) {
  offsets.push(o);
  o += 16 + frames[k]!.length;
}

describe('findSpans and ChunkReader', () => {
  // Pieces: the reads a chunk is made of, its headers walked after each (1 byte: a read per byte).
  for (const [block, piece] of [[64, undefined], [500, undefined], [4096, undefined], [1 << 20, undefined], [4096, 1], [4096, 100], [1 << 20, 717], [1 << 20, 4096]] as const) {
    for (const spans of [1, 2, 3, 7]) {
      it(`${spans} spans, blocks of ${block} bytes${piece === undefined ? '' : ` read in pieces of ${piece}`}: record boundaries, numbered, every record read once`, () => {
        const fd = openSync(file, 'r');
        try {
          const starts = findSpans(fd, pcap.length, true, spans, block);
          expect(starts.length).toBe(spans);
          for (const s of starts) expect(offsets[s.firstFrame - 1]).toBe(s.offset);
          // Roughly equal: each span within one record of its share.
          for (let k = 1; k < spans; k++) expect(Math.abs(starts[k]!.offset - 24 - ((pcap.length - 24) * k) / spans)).toBeLessThanOrEqual(716);
          const read: Uint8Array[] = [];
          starts.forEach((s, k) => {
            const reader = new ChunkReader(fd, true, s.offset, k + 1 < starts.length ? starts[k + 1]!.offset : pcap.length, s.firstFrame, block, piece);
            const slot = newSlot(block);
            let expectFrame = s.firstFrame;
            for (let c = reader.next(slot); c !== null; c = reader.next(slot)) {
              expect(c.firstFrame).toBe(expectFrame);
              expect(c.more).toBe(!reader.finished);
              const bytes = new Uint8Array(24 + c.length);
              bytes.set(pcap.subarray(0, 24));
              bytes.set(slot.bytes.subarray(0, c.length), 24);
              const records = readCapture(bytes).records;
              expect(records.length).toBe(c.records);
              read.push(...records.map((r) => r.data.slice()));
              expectFrame += c.records;
            }
          });
          expect(read).toEqual(frames);
        } finally {
          closeSync(fd);
        }
      });
    }
  }

  it('a record whose length runs past the end stops the walk: the spans before it, the last taking the rest', () => {
    const damaged = Uint8Array.from(pcap);
    new DataView(damaged.buffer).setUint32(offsets[100]! + 8, 0x7ffffff0, true);
    const bad = path.join(work, 'damaged.pcap');
    writeFileSync(bad, damaged);
    const fd = openSync(bad, 'r');
    try {
      const starts = findSpans(fd, damaged.length, true, 2, 4096);
      expect(starts).toEqual([{ offset: 24, firstFrame: 1 }]);
      // Four spans: the targets before record 101 are found (a quarter of the file is), the rest not.
      const four = findSpans(fd, damaged.length, true, 4, 4096);
      const before = [1, 2, 3].filter((k) => 24 + Math.floor(((damaged.length - 24) * k) / 4) <= offsets[100]!).length;
      expect(before).toBeGreaterThan(0);
      expect(four.length).toBe(1 + before);
      for (const s of four) expect(offsets[s.firstFrame - 1]).toBe(s.offset);
    } finally {
      closeSync(fd);
    }
  });
});
