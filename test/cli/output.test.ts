/**
 * The command line's standard output (src/cli/io.ts `Output`): lines are encoded into one reused
 * buffer and written in batches. Whatever their lengths and characters, the bytes written are the
 * lines' UTF-8, each followed by a newline, in order, across buffer boundaries and for a line longer
 * than the buffer; pieces of bytes and decimal numbers (checksum --verify's lines) and of text
 * (decode --json's) likewise.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Output, outputCapacity } from '../../src/cli/io.js';

afterEach(() => {
  vi.restoreAllMocks();
});

/** Runs `fn` with stdout's writes captured (nothing reaches the real stdout). */
async function captured(fn: (out: Output) => Promise<void>): Promise<{ bytes: Buffer; writes: number }> {
  const parts: Buffer[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: Uint8Array | string) => {
    // A copy: the buffer is reused once write() returns with nothing queued.
    parts.push(Buffer.from(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)));
    return true;
  }) as typeof process.stdout.write);
  await fn(new Output());
  return { bytes: Buffer.concat(parts), writes: parts.length };
}

describe('Output', () => {
  it('writes every line as UTF-8 with its newline, in order, across many batches', async () => {
    const lines: string[] = [];
    // Lengths from 0 to 5,000 characters, ASCII and 2, 3 and 4-byte characters (an emoji is two UTF-16 units).
    const alphabet = ['a', 'é', '€', '😀', ' ', '"'];
    let seed = 7;
    const rnd = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % n;
    for (let k = 0; k < 3000; k++) {
      const n = rnd(5000);
      let s = '';
      for (let j = 0; j < n; j++) s += alphabet[rnd(alphabet.length)];
      lines.push(s);
    }
    const { bytes, writes } = await captured(async (out) => {
      for (const [k, l] of lines.entries()) {
        out.line(l);
        if (k % 200 === 199) await out.maybeFlush(); // about 1 MB between: the buffer also fills within a batch
      }
      await out.flush();
    });
    expect(writes).toBeGreaterThan(10); // really batched, not one write
    expect(bytes.equals(Buffer.from(lines.map((l) => l + '\n').join(''), 'utf8'))).toBe(true);
  });

  it('writes a line longer than its buffer whole (a report of several megabytes)', async () => {
    const long = '€'.repeat(1_500_000) + 'end';
    const { bytes } = await captured(async (out) => {
      out.line('before');
      out.line(long);
      out.line('after');
      await out.flush();
    });
    expect(bytes.equals(Buffer.from(`before\n${long}\nafter\n`, 'utf8'))).toBe(true);
  });

  it('writes pieces and decimal numbers between lines, in order, across many batches', async () => {
    // The boundaries of each digit count, and numbers up to 2^53 - 1 (Number.MAX_SAFE_INTEGER).
    const numbers = [0, 1, 9, 10, 99, 100, 999, 1000, 65535, 4294967295, 4294967296, 2 ** 31, 2 ** 32 + 7, 999_999_999_999, Number.MAX_SAFE_INTEGER];
    for (let k = 0; k < 60_000; k++) numbers.push(Math.floor(Math.abs(Math.sin(k + 1)) * 10 ** (k % 16)));
    const start = Buffer.from('frame ');
    const end = Buffer.from(': a piece\n');
    const expected: string[] = [];
    const { bytes, writes } = await captured(async (out) => {
      for (const [k, n] of numbers.entries()) {
        out.bytes(start);
        out.decimal(n);
        out.bytes(end);
        expected.push(`frame ${n}: a piece\n`);
        if (k % 1000 === 0) {
          out.line(`line ${k}`); // lines between, now and then (a line makes room for itself ahead)
          expected.push(`line ${k}\n`);
        }
        if (k % 15_000 === 14_999) await out.maybeFlush(); // the buffer fills within a batch too: its end is met mid-line
      }
      await out.flush();
    });
    expect(writes).toBeGreaterThan(4); // batches, and spills where the buffer filled
    expect(bytes.toString('utf8')).toBe(expected.join(''));
  });

  it('writes a piece longer than its buffer whole', async () => {
    const pieces = [Buffer.alloc(outputCapacity() + 1, 0x61), Buffer.alloc(outputCapacity() + 7, 0x62), Buffer.alloc(3_000_000, 0x63)];
    const { bytes } = await captured(async (out) => {
      for (const piece of pieces) {
        out.line('before');
        out.bytes(piece);
        out.decimal(42);
        out.line('');
      }
      await out.flush();
    });
    expect(bytes.equals(Buffer.concat(pieces.flatMap((piece) => [Buffer.from('before\n'), piece, Buffer.from('42\n')])))).toBe(true);
  });

  it('writes pieces and numbers that meet the end of its buffer, at every distance from it', async () => {
    const end = Buffer.from(': ok\n');
    const expected: Buffer[] = [];
    const { bytes } = await captured(async (out) => {
      const size = outputCapacity(); // 256 KiB, or more once a longer line grew it
      for (let gap = 0; gap <= 40; gap++) {
        await out.flush(); // the buffer empty: the filler leaves `gap` bytes free
        const filler = Buffer.alloc(size - gap, 0x30 + (gap % 10));
        out.bytes(filler);
        out.decimal(Number.MAX_SAFE_INTEGER); // 16 digits, the most
        out.bytes(end);
        out.bytes(filler.subarray(0, size - gap - 3)); // and a piece that ends `gap` + 3 bytes short of it
        out.bytes(end);
        expected.push(filler, Buffer.from('9007199254740991'), end, filler.subarray(0, size - gap - 3), end);
      }
      await out.flush();
    });
    expect(bytes.equals(Buffer.concat(expected))).toBe(true);
  });

  it('writes pieces of text as UTF-8, short and long, ASCII or not, across many batches', async () => {
    // Lengths around the byte-by-byte path's limit (64 units) and far past it; a non-ASCII unit first,
    // last or in the middle hands the whole piece to the encoder, after ASCII already copied.
    const alphabet = ['a', '0', '"', 'é', '€', '😀', '\ud800'];
    let seed = 11;
    const rnd = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % n;
    const pieces: string[] = [];
    for (let k = 0; k < 20_000; k++) {
      const n = k % 3 === 0 ? 60 + rnd(10) : rnd(k % 7 === 0 ? 300 : 40);
      const ascii = rnd(4) !== 0; // mostly ASCII, as JSON of a frame is
      let t = '';
      for (let j = 0; j < n; j++) t += alphabet[ascii ? rnd(3) : rnd(alphabet.length)];
      pieces.push(t);
    }
    const { bytes, writes } = await captured(async (out) => {
      for (const [k, t] of pieces.entries()) {
        out.text(t);
        if (k % 97 === 0) out.decimal(k);
        if (k % 5000 === 4999) await out.maybeFlush();
      }
      await out.flush();
    });
    expect(writes).toBeGreaterThan(2);
    // A lone surrogate is written as U+FFFD, as Buffer and TextEncoder write it.
    expect(bytes.equals(Buffer.from(pieces.map((t, k) => t + (k % 97 === 0 ? String(k) : '')).join(''), 'utf8'))).toBe(true);
  });

  it('writes text that meets the end of its buffer, at every distance from it, and text longer than it', async () => {
    const expected: Buffer[] = [];
    const { bytes } = await captured(async (out) => {
      const size = outputCapacity();
      for (let gap = 0; gap <= 70; gap++) {
        await out.flush();
        const filler = Buffer.alloc(size - gap, 0x30 + (gap % 10));
        out.bytes(filler);
        // ASCII that fits or not; or 3-byte characters, fewer units than the gap but more bytes.
        const t = gap % 2 === 0 ? 'x'.repeat(gap % 67) : '€'.repeat(Math.max(0, gap - 2) >> 1) + '!';
        out.text(t);
        out.text('}\n');
        expected.push(filler, Buffer.from(t + '}\n', 'utf8'));
      }
      const long = 'y'.repeat(outputCapacity() + 5) + '€';
      out.text(long);
      expected.push(Buffer.from(long, 'utf8'));
      await out.flush();
    });
    expect(bytes.equals(Buffer.concat(expected))).toBe(true);
  });
});
