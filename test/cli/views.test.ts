/**
 * The views of `nvgre decode` (issue 17): the one-line summary (`payload N`, TCP flags, an inner VLAN
 * tag), `-V` (the library's field tree, every layer), `-x` (offset/hex/ASCII with the layer
 * boundaries), and `--json`, whose `fields` carry every `-V` field under its filter name.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FrameView, buildFrame, frameFieldTree, frameFieldValues, frameLayerSpans, readCapture, writePcap } from '../../src/index.js';
import { buildCli, type BuiltCli } from '../helpers/cli-build.js';
import { spawnAsync } from '../helpers/spawn.js';

let built: BuiltCli;
let work: string;

beforeAll(async () => {
  built = await buildCli();
  work = mkdtempSync(path.join(os.tmpdir(), 'nvgre-views-'));
  expect((await nvgre('demo')).status).toBe(0);
}, 120_000);

afterAll(() => {
  built?.dispose();
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

async function nvgre(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const r = await spawnAsync(process.execPath, [built.cli, ...args], { cwd: work, maxBuffer: 64 << 20, env: { ...process.env, NVGRE_NO_PROGRESS: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function demoRecords() {
  return readCapture(new Uint8Array(readFileSync(path.join(work, 'nvgre-demo.pcap')))).records;
}

describe.concurrent('the one-line summary', () => {
  it('says payload N (TCP/UDP payload bytes), TCP flags, ICMP and ARP in words', async () => {
    const lines = (await nvgre('decode', 'nvgre-demo.pcap')).stdout.split('\n');
    expect(lines[0]).toMatch(/10\.0\.0\.1:49152 > 10\.0\.0\.2:80 TCP \[S\] payload 0  csum /);
    expect(lines[1]).toMatch(/TCP \[P\.\] payload 41  csum /);
    expect(lines[2]).toMatch(/10\.0\.0\.1:53000 > 10\.0\.0\.2:53 UDP payload 29  csum /);
    expect(lines[3]).toMatch(/10\.0\.0\.1 > 10\.0\.0\.2 ICMP echo request  csum /);
    expect(lines[4]).toMatch(/ARP who-has 10\.0\.0\.2 tell 10\.0\.0\.1  csum /);
    expect(lines[9]).toMatch(/TCP \[\.\] payload 1418  csum /);
    expect(lines.join('\n')).not.toMatch(/ len \d/);
  });

  it('shows an inner VLAN tag (which a strict receiver drops)', async () => {
    const frame = buildFrame({
      ethernet: {},
      ipv4: { src: '192.0.2.1', dst: '192.0.2.2' },
      nvgre: { vsid: 0x5000, flowId: 3 },
      inner: { ethernet: { vlans: [{ id: 300, pcp: 5 }] }, ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, tcp: { srcPort: 1, dstPort: 2, flags: 0x11 } },
    });
    writeFileSync(path.join(work, 'inner-vlan.pcap'), writePcap([frame]));
    const line = (await nvgre('decode', 'inner-vlan.pcap')).stdout.split('\n')[0]!;
    expect(line).toContain('10.0.0.1:1 > 10.0.0.2:2 TCP [F.] vlan 300 payload 0');
    expect(line).toContain('! strict receivers drop it: INNER_VLAN');
    const json = JSON.parse((await nvgre('decode', '--json', 'inner-vlan.pcap')).stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ drop: 'INNER_VLAN', payload: 0, inner: { vlan: 300 } });
    expect(json.fields).toMatchObject({ 'inner.vlan': [300], 'inner.vlan.pcp': [5], 'inner.tcp.flags.fin': true, lint: ['INNER_VLAN'] });
  });
});

describe.concurrent('decode -V', () => {
  it('prints the library field tree of every frame, every layer', async () => {
    const out = await nvgre('decode', '-V', 'nvgre-demo.pcap');
    expect(out.status).toBe(0);
    const view = new FrameView();
    const expected: string[] = [];
    demoRecords().forEach((r, i) => {
      view.load(r.data, { number: i + 1, originalLength: r.originalLength });
      for (const layer of frameFieldTree(view)) {
        expected.push(layer.title, ...layer.fields.map((f) => '    '.repeat(f.depth + 1) + f.text));
      }
      expected.push('');
    });
    expect(out.stdout.split('\n').slice(0, expected.length)).toEqual(expected);
    for (const title of ['Ethernet II (outer)', 'Internet Protocol Version 4 (outer)', 'Internet Protocol Version 6 (outer)', 'Generic Routing Encapsulation (NVGRE), VSID: 5001', 'Ethernet II (inner)', 'Transmission Control Protocol, Src Port: 49152, Dst Port: 80, Len: 41', 'User Datagram Protocol', 'Internet Control Message Protocol v6', 'Address Resolution Protocol (request)', 'NVGRE verdict: accepted']) {
      expect(out.stdout, title).toContain(title);
    }
    for (const text of ['Time to Live: 64', 'Hop Limit: 64', "Don't Fragment: Set", 'Flow Label: 0x12345', 'Virtual Subnet ID (VSID): 5001 (0x001389)', 'Flags: 0x18 (PSH, ACK)', 'Checksum status: ok', 'VLAN ID: 100', 'Priority (PCP): 3', 'Explicit Congestion Notification (ECN): Not-ECT (0)', 'Strict RFC 7637 receiver: accepts it', 'TCP payload: 41 bytes']) {
      expect(out.stdout, text).toContain(text);
    }
  });

  it('--json carries every -V field, under its filter name, with the library\'s values', async () => {
    const lines = (await nvgre('decode', '--json', 'nvgre-demo.pcap')).stdout.trimEnd().split('\n');
    const view = new FrameView();
    const records = demoRecords();
    expect(lines).toHaveLength(records.length);
    lines.forEach((line, i) => {
      const o = JSON.parse(line) as { fields: Record<string, unknown>; drop: unknown };
      view.load(records[i]!.data, { number: i + 1, originalLength: records[i]!.originalLength });
      expect(o.fields).toEqual(frameFieldValues(view));
      const shown = new Set(frameFieldTree(view).flatMap((l) => l.fields.map((f) => f.name)));
      expect(new Set(Object.keys(o.fields))).toEqual(shown);
      expect(o.drop).toBeNull();
    });
    expect((await nvgre('decode', '--json', '-V', 'nvgre-demo.pcap')).status).toBe(2);
  });
});

describe.concurrent('decode -x', () => {
  it('dumps every byte with offsets and ASCII, and marks where each layer starts', async () => {
    const out = (await nvgre('decode', '-x', '-c', '1', 'nvgre-demo.pcap')).stdout.split('\n');
    const frame = demoRecords()[0]!.data;
    expect(out[0]).toMatch(/^\s+1\s+vsid 5001/);
    expect(out[1]).toBe('layers: outer-ethernet 0-13, outer-ipv4 14-33, nvgre 34-41, inner-ethernet 42-55, inner-ipv4 56-75, inner-tcp 76-95');
    const dump = out.slice(2).filter((l) => /^[0-9a-f]{4}[ |]/.test(l));
    expect(dump).toHaveLength(Math.ceil(frame.length / 16));
    const hex = dump.map((l) => l.slice(6, 6 + 47).replace(/[ |]/g, '')).join('');
    expect(hex).toBe(Buffer.from(frame).toString('hex'));
    expect(dump[0]).toBe('0000  00 15 5d 00 0b 01 00 15 5d 00 0a 01 08 00|45 00   ..].....].....E.   outer-ethernet@0 outer-ipv4@14');
    expect(dump[2]).toContain('|20 00 65 58');
    expect(dump[2]).toContain('nvgre@34 inner-ethernet@42');
  });

  it('spans cover the frame: headers, payload, then the trailer after the outer datagram', async () => {
    const frame = buildFrame({
      ethernet: {},
      ipv4: { src: '192.0.2.1', dst: '192.0.2.2' },
      nvgre: { vsid: 0x5000, flowId: 3 },
      inner: { ethernet: {}, ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, udp: { srcPort: 1, dstPort: 2 }, payload: 'abc' },
      trailer: 5,
    });
    const spans = frameLayerSpans(new FrameView().load(frame));
    expect(spans.map((s) => s.layer)).toEqual(['outer-ethernet', 'outer-ipv4', 'nvgre', 'inner-ethernet', 'inner-ipv4', 'inner-udp', 'payload', 'trailer']);
    expect(spans.at(-1)).toEqual({ layer: 'trailer', offset: frame.length - 5, length: 5 });
  });
});
