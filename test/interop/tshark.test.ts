/**
 * Interop: NVGRE frames built by this library across the whole matrix (outer IPv4/IPv6 ± 802.1Q,
 * inner IPv4/IPv6, TCP/UDP/ICMP/ICMPv6, and an LSOv2-segmented flow), written with writePcap AND
 * writePcapng, are dissected by tshark with checksum validation on. tshark must see the key
 * VSID << 8 | FlowID, protocol 0x6558, the inner layers and addresses we wrote, every checksum good,
 * and nothing malformed. In CI (CI=true) a missing tshark is a failure, never a skip.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildFrame, type FrameSpec } from '../../src/frame/build.js';
import { createEncapsulator } from '../../src/tunnel/encapsulate.js';
import { segment } from '../../src/offload/segment.js';
import { writePcap } from '../../src/capture/pcap.js';
import { writePcapng } from '../../src/capture/pcapng-writer.js';
import { TSHARK, needs, runTool } from '../helpers/tools.js';

// tshark is found once per run (test/helpers/tools.ts); without it these tests are skipped, or fail with CI=true.

let dir: string | undefined;
afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

function tempFile(name: string, bytes: Uint8Array): string {
  dir ??= mkdtempSync(path.join(os.tmpdir(), 'nvgre-tshark-'));
  const file = path.join(dir, name);
  writeFileSync(file, bytes);
  return file;
}

const FIELDS = [
  'frame.number',
  'gre.key',
  'gre.proto',
  'eth.type',
  'vlan.id',
  'vlan.etype',
  'ip.src',
  'ip.dst',
  'ipv6.src',
  'ipv6.dst',
  'ip.checksum.status',
  'tcp.checksum.status',
  'udp.checksum.status',
  'icmp.checksum.status',
  'icmpv6.checksum.status',
  'tcp.seq_raw',
  'tcp.len',
  '_ws.expert.severity',
  '_ws.expert',
  '_ws.malformed',
] as const;

type Row = Record<(typeof FIELDS)[number], string>;

function dissect(file: string): Row[] {
  const args = [
    '-n',
    '-r',
    file,
    '-o',
    'ip.check_checksum:TRUE',
    '-o',
    'tcp.check_checksum:TRUE',
    '-o',
    'udp.check_checksum:TRUE',
    '-T',
    'fields',
    '-E',
    'separator=|',
    '-E',
    'occurrence=a',
    '-E',
    'aggregator=,',
    ...FIELDS.flatMap((f) => ['-e', f]),
  ];
  return runTool(TSHARK, args)
    .split('\n')
    .filter((l) => l.length > 0)
    .map((line) => {
      const cells = line.split('|');
      return Object.fromEntries(FIELDS.map((f, i) => [f, cells[i] ?? ''])) as Row;
    });
}

/** What we wrote, in tshark's terms. */
interface Expected {
  name: string;
  frame: Uint8Array;
  key: number;
  outer: 4 | 6;
  vlan: number | null;
  inner: 4 | 6;
  l4: 'tcp' | 'udp' | 'icmp' | 'icmpv6';
  outerSrc: string;
  outerDst: string;
  innerSrc: string;
  innerDst: string;
  seq?: number;
  tcpLen?: number;
}

const OUTER = { 4: ['192.0.2.10', '198.51.100.20'], 6: ['2001:db8:a::10', '2001:db8:b::20'] } as const;
const INNER = { 4: ['10.1.0.1', '10.1.0.2'], 6: ['fd00:1::1', 'fd00:1::2'] } as const;

function matrix(): Expected[] {
  const out: Expected[] = [];
  let port = 61000;
  let vsid = 0x001000;
  for (const outer of [4, 6] as const) {
    for (const vlan of [null, 4094] as const) {
      for (const inner of [4, 6] as const) {
        for (const l4 of ['tcp', 'udp', 'icmp'] as const) {
          vsid += 0x10101; // walks the VSID space, crossing 0x800000 (signed-shift bugs)
          const flowId = (vsid * 7) & 0xff;
          const enc = createEncapsulator({
            vsid,
            flowId,
            srcMac: '00:15:5d:00:0a:01',
            dstMac: '00:15:5d:00:0b:01',
            srcIp: OUTER[outer][0],
            dstIp: OUTER[outer][1],
            ...(vlan !== null ? { vlan: { id: vlan, pcp: 5 } } : {}),
          });
          const ip: FrameSpec = inner === 4 ? { ipv4: { src: INNER[4][0], dst: INNER[4][1], id: port } } : { ipv6: { src: INNER[6][0], dst: INNER[6][1] } };
          const payload = `nvgre interop ${outer}/${inner}/${l4}`;
          const spec: FrameSpec =
            l4 === 'tcp'
              ? { ...ip, tcp: { srcPort: port++, dstPort: 62000, seq: 1000, ack: 1, flags: 0x18 }, payload }
              : l4 === 'udp'
                ? { ...ip, udp: { srcPort: port++, dstPort: 62001 }, payload }
                : { ...ip, icmp: { type: inner === 4 ? 8 : 128, identifier: port++, sequence: 1 }, payload };
          const frame = enc.encapsulate(buildFrame({ ethernet: { src: '52:54:00:12:34:01', dst: '52:54:00:12:34:02' }, ...spec }));
          out.push({
            name: `outer-ipv${outer}${vlan !== null ? '-vlan' : ''}/inner-ipv${inner}/${l4}`,
            frame,
            key: vsid * 256 + flowId,
            outer,
            vlan,
            inner,
            l4: l4 === 'icmp' && inner === 6 ? 'icmpv6' : l4,
            outerSrc: OUTER[outer][0],
            outerDst: OUTER[outer][1],
            innerSrc: INNER[inner][0],
            innerDst: INNER[inner][1],
          });
        }
      }
    }
  }
  // An LSOv2-segmented flow in each mixed combination: a 5000-byte send cut at MSS 1300.
  for (const [outer, inner, vlan] of [
    [6, 4, null],
    [4, 6, 7],
  ] as const) {
    const enc = createEncapsulator({
      vsid: 0xfedcba,
      flowId: 0x81,
      srcMac: '00:15:5d:00:0a:01',
      dstMac: '00:15:5d:00:0b:01',
      srcIp: OUTER[outer][0],
      dstIp: OUTER[outer][1],
      ...(vlan !== null ? { vlan: { id: vlan } } : {}),
    });
    const ip: FrameSpec = inner === 4 ? { ipv4: { src: INNER[4][0], dst: INNER[4][1], id: 0x7ffe } } : { ipv6: { src: INNER[6][0], dst: INNER[6][1] } };
    const body = Uint8Array.from({ length: 5000 }, (_, i) => 0x30 + (i % 40));
    const seq0 = 0xfffff000; // the sequence number wraps inside the flow
    const large = enc.encapsulate(buildFrame({ ...ip, tcp: { srcPort: port++, dstPort: 62002, seq: seq0, ack: 99, flags: 0x18 }, payload: body }));
    segment(large, { mss: 1300 }).forEach((frame, i, all) => {
      out.push({
        name: `segmented outer-ipv${outer}/inner-ipv${inner} #${i}`,
        frame,
        key: 0xfedcba * 256 + 0x81,
        outer,
        vlan,
        inner,
        l4: 'tcp',
        outerSrc: OUTER[outer][0],
        outerDst: OUTER[outer][1],
        innerSrc: INNER[inner][0],
        innerDst: INNER[inner][1],
        seq: (seq0 + i * 1300) >>> 0,
        tcpLen: i < all.length - 1 ? 1300 : 5000 - 1300 * (all.length - 1),
      });
    });
  }
  return out;
}

const hex = (v: number, digits: number) => '0x' + v.toString(16).padStart(digits, '0');
const ETH_TYPE = { 4: '0x0800', 6: '0x86dd' } as const;

function check(row: Row, e: Expected): void {
  expect(row['gre.key'], e.name).toBe(hex(e.key, 8));
  expect(row['gre.proto'], e.name).toBe('0x6558');
  // eth.type: outer (0x8100 when tagged; the tag's own type is vlan.etype), then the inner frame's.
  expect(row['eth.type'], e.name).toBe(`${e.vlan !== null ? '0x8100' : ETH_TYPE[e.outer]},${ETH_TYPE[e.inner]}`);
  expect(row['vlan.id'], e.name).toBe(e.vlan !== null ? String(e.vlan) : '');
  if (e.vlan !== null) expect(row['vlan.etype'], e.name).toBe(ETH_TYPE[e.outer]);
  const v4 = [e.outer === 4 ? [e.outerSrc, e.outerDst] : null, e.inner === 4 ? [e.innerSrc, e.innerDst] : null].filter((x) => x !== null);
  const v6 = [e.outer === 6 ? [e.outerSrc, e.outerDst] : null, e.inner === 6 ? [e.innerSrc, e.innerDst] : null].filter((x) => x !== null);
  expect(row['ip.src'], e.name).toBe(v4.map((a) => a[0]).join(','));
  expect(row['ip.dst'], e.name).toBe(v4.map((a) => a[1]).join(','));
  expect(row['ipv6.src'], e.name).toBe(v6.map((a) => a[0]).join(','));
  expect(row['ipv6.dst'], e.name).toBe(v6.map((a) => a[1]).join(','));
  // Checksum status 1 = Good, for every IPv4 header and the inner transport.
  expect(row['ip.checksum.status'], e.name).toBe(v4.map(() => '1').join(','));
  const l4Fields = { tcp: 'tcp.checksum.status', udp: 'udp.checksum.status', icmp: 'icmp.checksum.status', icmpv6: 'icmpv6.checksum.status' } as const;
  for (const [l4, field] of Object.entries(l4Fields)) expect(row[field], `${e.name} ${field}`).toBe(l4 === e.l4 ? '1' : '');
  if (e.seq !== undefined) {
    expect(row['tcp.seq_raw'], e.name).toBe(String(e.seq));
    expect(row['tcp.len'], e.name).toBe(String(e.tcpLen));
  }
  // Nothing malformed, no expert info above "chat" (warning = 6291456, error = 8388608; note = 4194304).
  expect(row['_ws.malformed'], `${e.name}: ${row['_ws.expert']}`).toBe('');
  const severities = row['_ws.expert.severity'] === '' ? [] : row['_ws.expert.severity'].split(',').map(Number);
  expect(severities.filter((s) => s > 2097152), `${e.name}: ${row['_ws.expert']}`).toEqual([]);
}

describe('tshark dissects what we write', () => {
  const expected = matrix();

  it('covers the matrix', () => {
    expect(expected.filter((e) => e.seq === undefined)).toHaveLength(24);
    expect(expected.filter((e) => e.seq !== undefined).length).toBeGreaterThanOrEqual(8);
    expect(new Set(expected.map((e) => e.l4))).toEqual(new Set(['tcp', 'udp', 'icmp', 'icmpv6']));
  });

  for (const [format, write] of [
    ['pcap', (frames: Uint8Array[]) => writePcap(frames)],
    ['pcapng', (frames: Uint8Array[]) => writePcapng(frames)],
  ] as const) {
    it(`${format}: key, protocol, layers, addresses and every checksum as written`, (ctx) => {
      needs(TSHARK, ctx);
      const file = tempFile(`matrix.${format}`, write(expected.map((e) => e.frame)));
      const rows = dissect(file);
      expect(rows).toHaveLength(expected.length);
      rows.forEach((row, i) => {
        expect(row['frame.number']).toBe(String(i + 1));
        check(row, expected[i]!);
      });
    });
  }

  it('a deliberately broken checksum is seen as bad (the check is live)', (ctx) => {
    needs(TSHARK, ctx);
    const frame = expected[0]!.frame.slice();
    frame[frame.length - 1]! ^= 0xff; // inner TCP payload byte: the TCP checksum no longer verifies
    const [row] = dissect(tempFile('broken.pcap', writePcap([frame])));
    expect(row!['tcp.checksum.status']).toBe('0');
    expect(row!['ip.checksum.status']).toBe('1,1');
  });
});
