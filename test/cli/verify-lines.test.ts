/**
 * `checksum --verify`'s per-frame pieces (src/cli/views/verify-lines.ts), cached by outcome: whatever
 * order the outcomes come in, and however many there are (more than the cache keeps), each frame's
 * pieces say what its own report says. The text is checked against the line format of docs/cli.md,
 * written out here; the JSON is parsed and compared field by field.
 */
import { describe, expect, it } from 'vitest';
import type { ChecksumReport, LayerStatus, TransportProtocol } from '../../src/index.js';
import { JSON_START, TEXT_START, VerifyLines } from '../../src/cli/views/verify-lines.js';

const STATUSES: LayerStatus[] = ['ok', 'bad', 'partial', 'absent', 'not-applicable', 'unverifiable', 'skipped'];
const PROTOCOLS: TransportProtocol[] = ['tcp', 'udp', 'icmpv4', 'icmpv6', 'none', 47, 132];

function report(encapsulated: boolean, outerIpv4: LayerStatus, innerIpv4: LayerStatus, protocol: TransportProtocol, status: LayerStatus): ChecksumReport {
  return { encapsulated, outerIpv4, innerIpv4, transport: { protocol, status }, flags: {}, nblFlags: 0 } as unknown as ChecksumReport;
}

/** The line after "frame N" as docs/cli.md describes it: each present layer and its status, or "no checksums". */
function expectedText(r: ChecksumReport): string {
  const parts: string[] = [];
  if (r.outerIpv4 !== 'absent') parts.push(`${r.encapsulated ? 'outer-ipv4' : 'ipv4'} ${r.outerIpv4}`);
  if (r.innerIpv4 !== 'absent') parts.push(`inner-ipv4 ${r.innerIpv4}`);
  const p = r.transport.protocol;
  if (p !== 'none') parts.push(`${typeof p === 'number' ? `protocol-${p}` : p} ${r.transport.status}`);
  return `: ${parts.length === 0 ? 'no checksums' : parts.join(', ')}\n`;
}

describe('checksum --verify line pieces', () => {
  const all: ChecksumReport[] = [];
  for (const enc of [true, false]) for (const o of STATUSES) for (const i of STATUSES) for (const p of PROTOCOLS) for (const s of STATUSES) all.push(report(enc, o, i, p, s));

  it('start with "frame " and {"frame":', () => {
    expect(Buffer.from(TEXT_START).toString()).toBe('frame ');
    expect(Buffer.from(JSON_START).toString()).toBe('{"frame":');
  });

  // Outcomes that differ from a common one in a single field: all of them stay cached, so that a
  // field the cache failed to compare would hand one outcome's pieces to another.
  const near: ChecksumReport[] = [];
  for (const enc of [true, false]) {
    for (const s of STATUSES) near.push(report(enc, s, 'ok', 'tcp', 'ok'), report(enc, 'ok', s, 'tcp', 'ok'), report(enc, 'ok', 'ok', 'udp', s));
    for (const p of PROTOCOLS) near.push(report(enc, 'ok', 'ok', p, 'ok'));
  }

  for (const [name, set] of [
    [`${all.length} outcomes (more than are cached)`, all],
    [`${near.length} outcomes a field apart (all cached)`, near],
  ] as const) {
    it(`say what each report says, over ${name} in a shuffled order with repeats`, () => {
      checkPieces(set);
    });
  }

  function checkPieces(set: readonly ChecksumReport[]): void {
    const lines = new VerifyLines();
    let seed = 11;
    const rnd = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % n;
    for (let k = 0; k < Math.max(4 * set.length, 2000); k++) {
      // Runs of one outcome (as in a capture) between jumps to any other.
      const r = set[k % 3 === 0 ? rnd(set.length) : rnd(8)]!;
      const o = lines.of(r);
      expect(Buffer.from(o.text).toString()).toBe(expectedText(r));
      const bad = [r.outerIpv4, r.innerIpv4].filter((s) => s === 'bad').length + (r.transport.protocol !== 'none' && r.transport.status === 'bad' ? 1 : 0);
      expect(o.bad).toBe(bad);
      const json = JSON.parse(`{"frame":1${Buffer.from(o.json).toString()}`);
      expect(json).toEqual({ frame: 1, encapsulated: r.encapsulated, outerIpv4: r.outerIpv4, innerIpv4: r.innerIpv4, transport: { protocol: r.transport.protocol, status: r.transport.status } });
      expect(Buffer.from(o.json).toString().endsWith('}\n')).toBe(true);
    }
  }
});
