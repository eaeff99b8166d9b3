/**
 * pcapng writing for issue 17: packet comments (opt_comment in the Enhanced Packet Block, what
 * `nvgre lint --annotate` writes) and interfaces described after the header (`addInterface`, for
 * output that learns the input's interfaces while it is written). tshark reads both back.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PcapngWriter, buildFrame, readCapture, writePcap, writePcapng } from '../../src/index.js';
import { TSHARK, needs, runTool } from '../helpers/tools.js';

const FRAME = buildFrame({ ethernet: {}, ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, udp: { srcPort: 1, dstPort: 2 }, payload: 'x' });

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function capture(): Uint8Array {
  const w = new PcapngWriter({ interfaces: [{ name: 'eth0' }] });
  return concat([
    w.header(),
    w.record({ data: FRAME, comments: ['first comment', 'zweiter Kommentar ✓'] }),
    w.addInterface({ name: 'eth1', tsresol: 9 }),
    w.record({ data: FRAME, interfaceId: 1, comments: [] }),
    w.record({ data: FRAME, interfaceId: 1, comments: ['abc'] }),
  ]);
}

describe('pcapng packet comments and late interfaces', () => {
  it('our reader reads the file, its interfaces and every frame', () => {
    const c = readCapture(capture());
    expect(c.interfaces.map((i) => [i.id, i.name, i.tsresol])).toEqual([
      [0, 'eth0', 6],
      [1, 'eth1', 9],
    ]);
    expect(c.records.map((r) => [r.interfaceId, r.data.length])).toEqual([
      [0, FRAME.length],
      [1, FRAME.length],
      [1, FRAME.length],
    ]);
    // writePcapng takes comments too; classic pcap ignores them.
    expect(readCapture(writePcapng([{ data: FRAME, comments: ['c'] }])).records).toHaveLength(1);
    expect(writePcap([{ data: FRAME, comments: ['c'] }])).toEqual(writePcap([FRAME]));
  });

  it('refuses comments that are not strings, or longer than an option', () => {
    expect(() => writePcapng([{ data: FRAME, comments: [5 as unknown as string] }])).toThrow(/frames\[0\]\.comments must be an array of strings/);
    expect(() => writePcapng([{ data: FRAME, comments: ['x'.repeat(70000)] }])).toThrow(RangeError);
    expect(() => new PcapngWriter().addInterface({ snaplen: -1 })).toThrow(/interface\.snaplen/);
  });

  it('tshark shows the comments as frame.comment and the late interface by name', (ctx) => {
    needs(TSHARK, ctx);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nvgre-comments-'));
    try {
      writeFileSync(path.join(dir, 'c.pcapng'), capture());
      const out = runTool(TSHARK, ['-r', path.join(dir, 'c.pcapng'), '-T', 'fields', '-E', 'separator=|', '-e', 'frame.number', '-e', 'frame.comment', '-e', 'frame.interface_name']);
      expect(out.replace(/\n$/, '').split('\n')).toEqual(['1|first comment,zweiter Kommentar ✓|eth0', '2||eth1', '3|abc|eth1']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
