/**
 * The command line's standard output (src/cli/io.ts `Output`): lines are encoded into one reused
 * buffer and written in batches. Whatever their lengths and characters, the bytes written are the
 * lines' UTF-8, each followed by a newline, in order, across buffer boundaries and for a line longer
 * than the buffer.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Output } from '../../src/cli/io.js';

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
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) % n);
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
});
