/**
 * decode --json's capture time (src/cli/views/json.ts writeTimestamp), written as digits into the line's
 * bytes: the same text as the template it replaced, `${seconds + carry}.${microseconds padded to 6}`,
 * for every digit count of the fraction, fractions of a second or more (stored as they are in some
 * classic pcap files), and seconds past 2^53 (a pcapng clock counting whole seconds).
 */
import { describe, expect, it } from 'vitest';
import { writeTimestamp } from '../../src/cli/views/json.js';
import { JsonBytes, type CaptureTimestamp } from '../../src/index.js';

/** The largest fraction a classic pcap record can store: 2^32 - 1 µs, and the nanoseconds a writer may add. */
const MAX_FRACTION_NS = 0xffff_ffff * 1000 + 999;

function reference(ts: CaptureTimestamp): string {
  const us = Math.floor(ts.nanoseconds / 1000);
  return `,"ts":${ts.seconds + Math.floor(us / 1_000_000)}.${String(us % 1_000_000).padStart(6, '0')}`;
}

describe('decode --json "ts"', () => {
  it('writes the capture time as the template did', () => {
    const nanos = [0, 1, 999, 1000, 9999, 10_000, 99_999, 100_000, 999_999, 1_000_000, 9_999_999, 10_000_000, 99_999_999, 100_000_000, 999_999_999, 1_000_000_000, 1_500_000_123, MAX_FRACTION_NS];
    for (let k = 0; k < 500; k++) nanos.push(Math.floor(Math.abs(Math.sin(k + 1)) * 10 ** (k % 13)));
    const seconds = [0, 1, 9, 1_767_225_600, 0xffff_ffff, Number.MAX_SAFE_INTEGER - 5000, 2 ** 60, 1.8e19];
    const w = new JsonBytes();
    let checked = 0;
    for (const s of seconds) {
      for (const n of nanos) {
        const ts = { seconds: s, nanoseconds: n };
        w.reset();
        writeTimestamp(w, ts);
        expect(Buffer.from(w.written).toString('latin1'), `${s} s ${n} ns`).toBe(reference(ts));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(4000);
  });
});
