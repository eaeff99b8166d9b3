/**
 * Interop: files written by writePcap / writePcapng are read back by tshark (Wireshark) with the same
 * frame lengths, timestamps and interfaces; corpus files read by tshark and by readCapture agree; and
 * tshark's own IP reassembly agrees with the Reassembler. Without tshark these tests are skipped
 * (the run names the reason: test/helpers/tools-setup.ts); in CI (CI=true) a missing tshark FAILS.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, it, expect } from 'vitest';
import { TSHARK, runToolAsync, skipWithout } from '../helpers/tools.js';
import { type CaptureRecord } from '../../src/capture/record.js';
import { writePcap } from '../../src/capture/pcap.js';
import { writePcapng } from '../../src/capture/pcapng-writer.js';
import { readCapture } from '../../src/capture/stream.js';
import { Reassembler } from '../../src/capture/reassembly.js';
import {
  CORPUS,
  CORPUS_DIR,
  type Ipv6Fields,
  ethernet,
  fragmentIpv4,
  fragmentIpv6,
  ipv4,
  ipv6,
  optionsHeader,
  pattern,
} from '../pcap/helpers.js';

let dir: string | undefined;
function tempFile(name: string, bytes: Uint8Array): string {
  dir ??= mkdtempSync(path.join(os.tmpdir(), 'nvgre-pcap-'));
  const file = path.join(dir, name);
  writeFileSync(file, bytes);
  return file;
}
afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

/** Rows of tab-separated fields, one per frame. */
async function tshark(file: string, fields: string[], extra: string[] = []): Promise<string[][]> {
  const args = ['-n', '-r', file, ...extra, '-T', 'fields', '-E', 'separator=/t', ...fields.flatMap((f) => ['-e', f])];
  return (await runToolAsync(TSHARK, args))
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => line.split('\t'));
}

function epoch(r: CaptureRecord): string {
  return `${r.timestamp.seconds}.${String(r.timestamp.nanoseconds).padStart(9, '0')}`;
}

/** Our rows in tshark's format (tshark shows no interface id for classic pcap). */
function ours(bytes: Uint8Array): string[][] {
  const capture = readCapture(bytes);
  return capture.records.map((r) => [
    String(r.originalLength),
    String(r.capturedLength),
    epoch(r),
    capture.format === 'pcap' ? '' : String(r.interfaceId),
  ]);
}

const FIELDS = ['frame.len', 'frame.cap_len', 'frame.time_epoch', 'frame.interface_id'];

// With CI=true the tests run whether or not tshark is there, and runTool fails them when it is not.
// Each test reads a file of its own: tshark runs side by side.
describe.skipIf(skipWithout(TSHARK)).concurrent('interop with tshark', () => {
  const frames = [
    { data: pattern(60, 1), timestamp: { seconds: 1_600_000_000, nanoseconds: 123_456_789 } },
    { data: pattern(1514, 2), timestamp: { seconds: 1_600_000_001, nanoseconds: 1 }, originalLength: 9000 },
    { data: pattern(14, 3), interfaceId: 1 },
    pattern(300, 4),
  ];

  const cases: Array<[string, Uint8Array]> = [
    ['le-us.pcap', writePcap(frames)],
    ['be-ns.pcap', writePcap(frames, { littleEndian: false, nanosecond: true, snaplen: 1000 })],
    ['le.pcapng', writePcapng(frames, { interfaces: [{ name: 'eth0' }, { tsresol: 9, snaplen: 100, name: 'tap1' }] })],
    ['be.pcapng', writePcapng(frames, { littleEndian: false, interfaces: [{ tsresol: 9, snaplen: 128 }, {}] })],
  ];

  for (const [name, bytes] of cases) {
    it(`${name}: tshark reads the frame lengths, timestamps and interfaces we wrote`, async () => {
      const rows = await tshark(tempFile(name, bytes), FIELDS);
      expect(rows).toHaveLength(frames.length);
      expect(rows).toEqual(ours(bytes));
    });
  }

  for (const { file } of CORPUS) {
    it(`corpus ${file}: readCapture agrees with tshark on every frame`, async () => {
      const full = path.join(CORPUS_DIR, 'raw', file);
      const rows = await tshark(full, FIELDS);
      expect(ours(readCaptureFile(full))).toEqual(rows);
    });
  }

  it('IPv4 and IPv6 reassembly agrees with tshark (reassembled payload bytes)', async () => {
    const v4Packet = ipv4(pattern(3000, 5), { id: 0x4242, protocol: 253 });
    const v6Fields: Ipv6Fields = { extensions: [optionsHeader(0)], upper: 253 };
    const v6Packet = ipv6(pattern(2000, 6), v6Fields);
    const fragments = [
      ...fragmentIpv4(v4Packet, 1200).map((p) => ethernet(0x0800, p)).reverse(),
      ...fragmentIpv6(v6Packet, v6Fields, 1, 1000).map((p) => ethernet(0x86dd, p)),
    ];
    const file = tempFile('fragments.pcap', writePcap(fragments));
    const rows = await tshark(file, ['ip.reassembled.data', 'ipv6.reassembled.data'], ['-o', 'ip.defragment:TRUE', '-o', 'ipv6.defragment:TRUE']);
    const theirs = rows.map((r) => r.join('')).filter((hex) => hex.length > 0);
    const r = new Reassembler();
    const mine = fragments
      .map((f) => r.push(f))
      .filter((f): f is Uint8Array => f !== null && !fragments.includes(f))
      .map((f) => Buffer.from(f.subarray(f[12] === 0x08 ? 14 + 20 : 14 + 40 + 8)).toString('hex'));
    expect(mine).toHaveLength(2);
    expect(theirs).toEqual(mine);
  });
});

function readCaptureFile(file: string): Uint8Array {
  const b = readFileSync(file);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}
