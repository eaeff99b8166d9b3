/**
 * The `nvgre` CLI as a user runs it: `node cli.js …` spawned on real files in a temporary
 * directory, cli.js built from src/ by tsup into a directory of its own (test/helpers/cli-build.ts),
 * so that no other run rebuilding dist/ at the same time can pull it away.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFrame, type FrameSpec } from '../../src/frame/build.js';
import { parseFrame } from '../../src/frame/parse.js';
import { lint } from '../../src/diagnose/lint.js';
import { tryDecapsulate } from '../../src/tunnel/decapsulate.js';
import { verifyChecksums } from '../../src/offload/verify.js';
import { readCapture } from '../../src/capture/stream.js';
import { writePcap } from '../../src/capture/pcap.js';
import { type CaptureRecord } from '../../src/capture/record.js';
import { writePcapng } from '../../src/capture/pcapng-writer.js';
import { CORPUS_DIR, concat, epb, fragmentIpv4, idb, pcapFile, shb } from '../pcap/helpers.js';
import { buildCli, type BuiltCli } from '../helpers/cli-build.js';
import { inParallel, spawnAsync } from '../helpers/spawn.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
let built: BuiltCli | undefined;
let CLI: string;
let work: string;

beforeAll(async () => {
  built = await buildCli();
  CLI = built.cli;
  work = mkdtempSync(path.join(os.tmpdir(), 'nvgre-cli-'));
}, 180_000);

afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
  built?.dispose();
});

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

async function nvgre(...args: string[]): Promise<Run> {
  const r = await spawnAsync(process.execPath, [CLI, ...args], { cwd: work, maxBuffer: 256 * 1024 * 1024, env: { ...process.env, NVGRE_NO_PROGRESS: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

let demoMade: Promise<unknown> | undefined;
/** nvgre-demo.pcap in the work directory, made once (by the demo tests, or here when they are filtered out). */
function ensureDemo(): Promise<unknown> {
  demoMade ??= existsSync(file('nvgre-demo.pcap')) ? Promise.resolve() : nvgre('demo');
  return demoMade;
}

function file(name: string): string {
  return path.join(work, name);
}

function records(name: string): CaptureRecord[] {
  return readCapture(new Uint8Array(readFileSync(file(name)))).records;
}

/** Files of the work directory (to check that nothing half-written or temporary is left behind). */
function listing(): string[] {
  return readdirSync(work).sort();
}

function jsonLines(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

const innerSpecs: FrameSpec[] = [
  { ethernet: { src: '52:54:00:00:00:01', dst: '52:54:00:00:00:02' }, ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, tcp: { srcPort: 1234, dstPort: 80, flags: 0x18 }, payload: 'hello' },
  { ethernet: { src: '52:54:00:00:00:01', dst: '52:54:00:00:00:02' }, ipv6: { src: 'fd00::1', dst: 'fd00::2' }, udp: { srcPort: 5353, dstPort: 53 }, payload: 'query' },
  { ethernet: { src: '52:54:00:00:00:02', dst: '52:54:00:00:00:01' }, ipv4: { src: '10.0.0.2', dst: '10.0.0.1' }, icmp: { type: 0, identifier: 1, sequence: 9 } },
];

// The suites marked concurrent run their tests side by side (each test's own runs one after the
// other): none of their tests writes a file another one reads, or lists the directory while others
// write. The other suites run alone: they write files under shared names, or compare the directory's
// listing before and after a run.
describe.concurrent('nvgre --help / --version / usage errors', () => {
  it('prints the overall usage with every command', async () => {
    const r = await nvgre('--help');
    expect(r.status).toBe(0);
    for (const c of ['demo', 'decode', 'lint', 'encap', 'decap', 'segment', 'checksum']) expect(r.stdout).toContain(`  ${c} `);
  });

  it('prints --help for every command', async () => {
    const commands = ['demo', 'decode', 'lint', 'encap', 'decap', 'segment', 'checksum'];
    const runs = await inParallel(commands.map((c) => () => nvgre(c, '--help')));
    for (const [i, c] of commands.entries()) {
      const r = runs[i]!;
      expect(r.status, c).toBe(0);
      expect(r.stdout, c).toMatch(new RegExp(`^Usage: nvgre ${c}`));
    }
  });

  it('prints the package version', async () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const r = await nvgre('--version');
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it('exits 2 on usage errors, with one sentence on stderr', async () => {
    const cases: string[][] = [
      [],
      ['frobnicate'],
      ['decode'],
      ['decode', 'a.pcap', 'b.pcap'],
      ['decode', 'a.pcap', '--bogus'],
      ['decode', 'a.pcap', '--filter-vsid', 'lots'],
      ['encap', 'in.pcap', 'out.pcap'],
      ['encap', '--vsid', '0x1000000', '--src-ip', '192.0.2.1', '--dst-ip', '192.0.2.2', 'in.pcap', 'out.pcap'],
      ['encap', '--vsid', '5000', '--src-ip', '192.0.2.1', '--dst-ip', '2001:db8::1', 'in.pcap', 'out.pcap'],
      ['encap', '--vsid', '10', '--src-ip', '192.0.2.1', '--dst-ip', '192.0.2.2', 'in.pcap', 'out.pcap'],
      ['segment', 'in.pcap', 'out.pcap'],
      ['segment', '--mss', '0', 'in.pcap', 'out.pcap'],
      ['checksum', 'in.pcap'],
      ['checksum', '--fill', '--verify', 'in.pcap'],
      ['lint', 'x.pcap', '--mtu', '-5'],
    ];
    // None of them writes anything: they run side by side.
    const runs = await inParallel(cases.map((args) => () => nvgre(...args)));
    for (const [i, args] of cases.entries()) {
      const r = runs[i]!;
      expect(r.status, args.join(' ')).toBe(2);
      if (args.length > 0) {
        expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
        expect(r.stderr, args.join(' ')).toMatch(/^nvgre/);
      }
    }
    expect(listing().filter((f) => f.includes('out'))).toEqual([]);
  });
});

describe('nvgre demo', () => {
  it('writes nvgre-demo.pcap in the current directory and prints the decoded summary', async () => {
    const r = await nvgre('demo');
    expect(r.status).toBe(0);
    expect(existsSync(file('nvgre-demo.pcap'))).toBe(true);
    const recs = records('nvgre-demo.pcap');
    expect(recs.length).toBeGreaterThanOrEqual(10);
    const lines = r.stdout.split('\n').filter((l) => /^\s+\d+\s/.test(l));
    expect(lines).toHaveLength(recs.length);
    expect(r.stdout).toContain('wrote nvgre-demo.pcap');
    // Same format as decode.
    const decoded = await nvgre('decode', 'nvgre-demo.pcap');
    expect(decoded.stdout.split('\n').filter((l) => /^\s+\d+\s/.test(l))).toEqual(lines);
    // Every demo frame is conformant NVGRE with good checksums; both IP versions outside and inside.
    const outer = new Set<number>();
    const inner = new Set<string>();
    for (const rec of recs) {
      const d = tryDecapsulate(rec.data);
      expect(d.ok).toBe(true);
      expect(lint(rec.data).filter((f) => f.severity === 'error')).toEqual([]);
      const c = verifyChecksums(rec.data);
      expect([c.outerIpv4, c.innerIpv4, c.transport.status].every((s) => s === 'ok' || s === 'absent')).toBe(true);
      if (d.ok) outer.add(d.value.outer.ipVersion);
      inner.add(String(c.transport.protocol));
    }
    expect([...outer].sort()).toEqual([4, 6]);
    for (const p of ['tcp', 'udp', 'icmpv4', 'icmpv6']) expect(inner).toContain(p);
  });

  it('--out writes elsewhere', async () => {
    const r = await nvgre('demo', '--out', 'other.pcap');
    expect(r.status).toBe(0);
    expect(records('other.pcap').length).toBe(records('nvgre-demo.pcap').length);
  });
});

describe.concurrent('nvgre decode', () => {
  beforeAll(async () => {
    await ensureDemo();
  });

  it('prints one line per frame and a summary', async () => {
    const r = await nvgre('decode', 'nvgre-demo.pcap');
    expect(r.status).toBe(0);
    const recs = records('nvgre-demo.pcap');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(recs.length + 1);
    expect(lines[0]).toMatch(/^\s+1\s+vsid 5001 \(0x001389\) flow 0x[0-9a-f]{2}\s+192\.0\.2\.10 > 198\.51\.100\.20\s+\|\s+10\.0\.0\.1:49152 > 10\.0\.0\.2:80 TCP/);
    expect(lines[0]).toContain('csum outer-ip4=ok inner-ip4=ok tcp=ok');
    expect(lines.at(-1)).toBe(`-- ${recs.length} frames: ${recs.length} NVGRE, 0 not NVGRE`);
  });

  it('--json prints JSON Lines with frame, vsid, flowId, key, outer, inner, checksums, reason', async () => {
    const r = await nvgre('decode', 'nvgre-demo.pcap', '--json');
    expect(r.status).toBe(0);
    const objs = jsonLines(r.stdout);
    const recs = records('nvgre-demo.pcap');
    expect(objs).toHaveLength(recs.length);
    objs.forEach((o, i) => {
      const d = tryDecapsulate(recs[i]!.data);
      if (!d.ok) throw new Error('demo frame does not decapsulate');
      expect(o.frame).toBe(i + 1);
      expect(o.vsid).toBe(d.value.vsid);
      expect(o.flowId).toBe(d.value.flowId);
      expect(o.key).toBe(d.value.key);
      expect(o.key).toBe((o.vsid as number) * 256 + (o.flowId as number));
      expect(o).toHaveProperty('outer.src', d.value.outer.src);
      expect(o).toHaveProperty('inner');
      expect(o).toHaveProperty('checksums.transport.status');
      expect(o.reason).toBeNull();
    });
  });

  it('--filter-vsid keeps one VSID (decimal or hex)', async () => {
    const all = jsonLines((await nvgre('decode', 'nvgre-demo.pcap', '--json')).stdout);
    const want = all.filter((o) => o.vsid === 6002).length;
    expect(want).toBeGreaterThan(0);
    for (const v of ['6002', '0x1772']) {
      const objs = jsonLines((await nvgre('decode', 'nvgre-demo.pcap', '--json', '--filter-vsid', v)).stdout);
      expect(objs).toHaveLength(want);
      expect(objs.every((o) => o.vsid === 6002)).toBe(true);
    }
  });

  it("--legacy-key shows how the first draft's two layouts read each key (docs/nvgre.md §7)", async () => {
    // Demo frame 1: VSID 5001 (0x001389) and a hashed FlowID, never 0: the draft's text (low24) reads
    // VSID 0x1389nn, its figure drops the key for the non-zero low byte.
    const r = await nvgre('decode', 'nvgre-demo.pcap', '--legacy-key');
    expect(r.stdout).toMatch(/\[draft text \(low24\) VSID 0x1389[0-9a-f]{2}, draft figure drops \(low byte 0x[0-9a-f]{2}\) — differs\]/);
    const j = jsonLines((await nvgre('decode', 'nvgre-demo.pcap', '--json', '--legacy-key')).stdout)[0]!;
    expect(j).toHaveProperty('legacy', { low24: (j.key as number) & 0xffffff, figure: null, mismatch: true });
  });

  it('is lenient: frames a strict receiver drops are shown with the reason; non-NVGRE with its code', async () => {
    const ryu = path.join(CORPUS_DIR, 'raw', 'ryu', 'gre_nvgre_option.pcap');
    const o = jsonLines((await nvgre('decode', ryu, '--json')).stdout)[0]!;
    expect(o.nvgre).toBe(true);
    expect(o.vsid).toBe(0);
    expect(o.flowId).toBe(0x64);
    expect((o.reason as { codes: string[] }).codes).toEqual(['RESERVED_VSID', 'INNER_VLAN']);
    expect((await nvgre('decode', ryu)).stdout).toContain('strict receivers drop it: RESERVED_VSID, INNER_VLAN');

    const gretap = path.join(CORPUS_DIR, 'raw', 'suricata-verify', 'bug-2576-01', 'temp6.pcap');
    const g = jsonLines((await nvgre('decode', gretap, '--json')).stdout);
    expect(g).toHaveLength(15);
    expect(g.every((x) => x.nvgre === false && x.key === null && (x.reason as { code: string }).code === 'NO_KEY')).toBe(true);
    expect((await nvgre('decode', gretap)).stdout).toContain('not NVGRE  NO_KEY');
  });

  it('reads pcapng (auto-detected, even named .pcap)', async () => {
    const ng = path.join(CORPUS_DIR, 'raw', 'pcapplusplus', 'GrePackets.pcap');
    const objs = jsonLines((await nvgre('decode', ng, '--json')).stdout);
    expect(objs).toHaveLength(7);
    expect(objs[6]).toMatchObject({ frame: 7, nvgre: true, key: 0xfde8, vsid: 0xfd, flowId: 0xe8 });
    expect(objs.slice(0, 6).every((o) => o.nvgre === false)).toBe(true);
  });

  it('--reassemble decodes a fragmented NVGRE packet', async () => {
    const whole = buildFrame({
      ipv4: { src: '192.0.2.1', dst: '192.0.2.2', dontFragment: false, id: 0x4242 },
      nvgre: { vsid: 0x2345, flowId: 7 },
      inner: { ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, udp: { srcPort: 1, dstPort: 2 }, payload: new Uint8Array(1200).fill(0x61) },
    });
    const ip = whole.subarray(14);
    const frags = fragmentIpv4(ip, 512).map((p) => {
      const f = new Uint8Array(14 + p.length);
      f.set(whole.subarray(0, 14));
      f.set(p, 14);
      return f;
    });
    expect(frags).toHaveLength(3);
    writeFileSync(file('frags.pcap'), writePcap(frags));
    const plain = jsonLines((await nvgre('decode', 'frags.pcap', '--json')).stdout);
    expect(plain.map((o) => (o.reason as { code: string }).code)).toEqual(['FRAGMENTED', 'FRAGMENTED', 'FRAGMENTED']);
    const r = await nvgre('decode', 'frags.pcap', '--json', '--reassemble');
    expect(r.status).toBe(0);
    const objs = jsonLines(r.stdout);
    expect(objs).toHaveLength(3);
    expect(objs.slice(0, 2).map((o) => (o.reason as { code: string }).code)).toEqual(['FRAGMENT_HELD', 'FRAGMENT_HELD']);
    expect(objs[2]).toMatchObject({ frame: 3, nvgre: true, vsid: 0x2345, flowId: 7, reassembled: true });
    expect(objs[2]).toHaveProperty('checksums.transport.status', 'ok');
  });

  it('a truncated capture: one sentence with file, record and offset on stderr, exit 1', async () => {
    const bytes = readFileSync(file('nvgre-demo.pcap'));
    writeFileSync(file('cut.pcap'), bytes.subarray(0, 300));
    const r = await nvgre('decode', 'cut.pcap');
    expect(r.status).toBe(1);
    const err = r.stderr.trim();
    expect(err.split('\n')).toHaveLength(1);
    expect(err).toMatch(/^nvgre decode: cut\.pcap: record \d+ at offset \d+\b.*cut short.*\.$/);
  });

  it('a file that is not a capture, and a missing file: exit 1', async () => {
    writeFileSync(file('junk.pcap'), 'definitely not a capture file');
    const junk = await nvgre('decode', 'junk.pcap');
    expect(junk.status).toBe(1);
    expect(junk.stderr).toMatch(/junk\.pcap: the file starts with .*neither pcap/);
    const missing = await nvgre('decode', 'missing.pcap');
    expect(missing.status).toBe(1);
    expect(missing.stderr.trim()).toBe('nvgre decode: missing.pcap: cannot read the file (no such file).');
  });

  it('reads stdin with "-"', async () => {
    const r = await spawnAsync(process.execPath, [CLI, 'decode', '-', '--json'], { cwd: work, input: readFileSync(file('nvgre-demo.pcap')) });
    expect(r.status).toBe(0);
    expect(jsonLines(r.stdout)).toHaveLength(records('nvgre-demo.pcap').length);
  });
});

describe('nvgre encap / decap', () => {
  const inner = innerSpecs.map((s) => buildFrame(s));

  it('encap then decap gives back the input frames (pcapng in, pcap out)', async () => {
    const input = inner.map((data, i) => ({ data, timestamp: { seconds: 1_650_000_000 + i, nanoseconds: 5000 * i } }));
    writeFileSync(file('vm.pcapng'), writePcapng(input));
    const e = await nvgre('encap', '--vsid', '5001', '--src-ip', '192.0.2.1', '--dst-ip', '192.0.2.2', '--flow-id', '0x33', '--vlan', '12', 'vm.pcapng', 'tunnel.pcap');
    expect(e.status, e.stderr).toBe(0);
    const tunnel = records('tunnel.pcap');
    expect(tunnel).toHaveLength(inner.length);
    tunnel.forEach((r, i) => {
      const d = tryDecapsulate(r.data);
      expect(d.ok).toBe(true);
      if (!d.ok) return;
      expect(d.value.vsid).toBe(5001);
      expect(d.value.flowId).toBe(0x33);
      expect(d.value.outer.vlan?.id).toBe(12);
      expect(Array.from(d.value.inner)).toEqual(Array.from(inner[i]!));
      expect(r.timestamp).toEqual(input[i]!.timestamp);
    });
    const d = await nvgre('decap', 'tunnel.pcap', 'back.pcap');
    expect(d.status, d.stderr).toBe(0);
    const back = records('back.pcap');
    expect(back.map((r) => Array.from(r.data))).toEqual(inner.map((f) => Array.from(f)));
    expect(back.map((r) => r.timestamp)).toEqual(input.map((f) => f.timestamp));
  });

  it('encap over IPv6 with a hashed FlowID', async () => {
    writeFileSync(file('vm.pcap'), writePcap(inner));
    const e = await nvgre('encap', '--vsid', '0xabcdef', '--src-ip', '2001:db8::1', '--dst-ip', '2001:db8::2', 'vm.pcap', 'tunnel6.pcap');
    expect(e.status, e.stderr).toBe(0);
    for (const r of records('tunnel6.pcap')) {
      const d = tryDecapsulate(r.data);
      expect(d.ok && d.value.outer.ipVersion === 6 && d.value.vsid === 0xabcdef).toBe(true);
    }
  });

  it('decap skips what a strict receiver drops, and counts it', async () => {
    const ryu = path.join(CORPUS_DIR, 'raw', 'ryu', 'gre_nvgre_option.pcap');
    const strict = await nvgre('decap', ryu, 'strict.pcap');
    expect(strict.status).toBe(0);
    expect(records('strict.pcap')).toHaveLength(0);
    expect(strict.stderr).toContain('RESERVED_VSID ×1');
    const lenient = await nvgre('decap', '--lenient', ryu, 'lenient.pcap');
    expect(lenient.status).toBe(0);
    expect(records('lenient.pcap')).toHaveLength(1);
  });

  it('a truncated input: exit 1, one sentence with record and offset, and no output file left behind', async () => {
    writeFileSync(file('vm.pcap'), writePcap(inner));
    const bytes = readFileSync(file('vm.pcap'));
    writeFileSync(file('vm-cut.pcap'), bytes.subarray(0, bytes.length - 10));
    const before = listing();
    const e = await nvgre('encap', '--vsid', '5001', '--src-ip', '192.0.2.1', '--dst-ip', '192.0.2.2', 'vm-cut.pcap', 'never.pcap');
    expect(e.status).toBe(1);
    expect(e.stderr.trim().split('\n')).toHaveLength(1);
    expect(e.stderr).toMatch(/vm-cut\.pcap: record 3 at offset \d+ /);
    expect(listing()).toEqual(before);
    const d = await nvgre('decap', 'vm-cut.pcap', 'never.pcap');
    expect(d.status).toBe(1);
    expect(listing()).toEqual(before);
  });

  it('a frame that cannot be encapsulated: exit 1 naming the frame and byte, no output', async () => {
    writeFileSync(file('runt.pcap'), writePcap([inner[0]!, new Uint8Array(10)]));
    const before = listing();
    const e = await nvgre('encap', '--vsid', '5001', '--src-ip', '192.0.2.1', '--dst-ip', '192.0.2.2', 'runt.pcap', 'never.pcap');
    expect(e.status).toBe(1);
    expect(e.stderr).toMatch(/runt\.pcap: frame 2 \(record at file offset \d+\), byte 0 \(inner-ethernet\): .*14.*\(TRUNCATED\)\.\n$/);
    expect(listing()).toEqual(before);
  });
});

describe('records whose timestamp fraction is one second or more', () => {
  // tcpdump and editcap copy such records as they are; the CLI's pcap output keeps the field as read.
  const fractions = [1_000_000, 1_500_000, 0xffff_ffff];
  const late = (frames: Uint8Array[]) => pcapFile(true, frames.map((data, i) => ({ seconds: 1_700_000_000, fraction: fractions[i]!, data })));
  const vm = innerSpecs.map((s) => buildFrame(s));
  const tunnel = innerSpecs.map((inner, i) => buildFrame({ ethernet: {}, ipv4: { src: '192.0.2.1', dst: '192.0.2.2' }, nvgre: { vsid: 0x1000 + i, flowId: 1 }, inner }));

  it('decap, checksum --fill, segment and encap read them and write the fraction back as read', async () => {
    writeFileSync(file('late-tunnel.pcap'), late(tunnel));
    writeFileSync(file('late-vm.pcap'), late(vm));
    const commands = [
      ['decap', 'late-tunnel.pcap', 'late-decap.pcap'],
      ['checksum', '--fill', 'late-tunnel.pcap', 'late-filled.pcap'],
      ['segment', '--mss', '600', 'late-tunnel.pcap', 'late-seg.pcap'],
      ['encap', '--vsid', '5001', '--src-ip', '192.0.2.1', '--dst-ip', '192.0.2.2', 'late-vm.pcap', 'late-encap.pcap'],
    ];
    for (const args of commands) {
      const r = await nvgre(...args);
      expect(r.status, `nvgre ${args.join(' ')}: ${r.stderr}`).toBe(0);
      const out = records(args.at(-1)!);
      expect(out.map((x) => x.timestamp), args[0]).toEqual(fractions.map((f) => ({ seconds: 1_700_000_000, nanoseconds: f * 1000 })));
    }
    expect(records('late-filled.pcap').map((x) => Array.from(x.data))).toEqual(tunnel.map((f) => Array.from(f)));
  });

  it('decode --json reports the instant the record means (its ts is a number)', async () => {
    writeFileSync(file('late-tunnel.pcap'), late(tunnel));
    const r = await nvgre('decode', '--json', 'late-tunnel.pcap');
    expect(r.status).toBe(0);
    expect([...r.stdout.matchAll(/"ts":([0-9.]+)/g)].map((m) => m[1])).toEqual(['1700000001.000000', '1700000001.500000', '1700004294.967295']);
  });
});

describe.concurrent('a capture whose snaplen is smaller than its records', () => {
  // tshark reads such files; the CLI reads every byte and warns once per file on stderr.
  const tunnel = [0, 1, 2].map((i) =>
    buildFrame({ ethernet: {}, ipv4: { src: '192.0.2.1', dst: '192.0.2.2' }, nvgre: { vsid: 0x2000 + i, flowId: 1 }, inner: innerSpecs[i]! }),
  );

  it('decode, lint, decap, checksum --fill and segment read it in full and warn once', async () => {
    writeFileSync(file('small-snaplen.pcap'), pcapFile(true, tunnel.map((data) => ({ seconds: 1, fraction: 0, data })), { snaplen: 60 }));
    writeFileSync(file('small-snaplen.pcapng'), concat(shb(true), idb(true, 1, 60), ...tunnel.map((data) => epb(true, 0, 1_000_000n, data))));
    for (const input of ['small-snaplen.pcap', 'small-snaplen.pcapng']) {
      const commands = [
        ['decode', '--json', input],
        ['lint', input],
        ['decap', input, 'snap-decap.pcap'],
        ['checksum', '--fill', input, 'snap-filled.pcap'],
        ['segment', '--mss', '600', input, 'snap-seg.pcap'],
      ];
      for (const args of commands) {
        const r = await nvgre(...args);
        expect(r.status, `nvgre ${args.join(' ')}: ${r.stderr}`).toBe(0);
        const warnings = r.stderr.split('\n').filter((l) => l.includes('warning'));
        expect(warnings, `nvgre ${args.join(' ')}`).toHaveLength(1);
        expect(warnings[0]).toMatch(new RegExp(`^nvgre ${args[0]}: warning: ${input.replace('.', '\\.')}: record 1 at offset \\d+.* captured bytes, more than the snaplen of 60`));
      }
      expect(jsonLines((await nvgre('decode', '--json', input)).stdout).map((o) => o.vsid)).toEqual([0x2000, 0x2001, 0x2002]);
      expect(records('snap-filled.pcap').map((x) => Array.from(x.data))).toEqual(tunnel.map((f) => Array.from(f)));
    }
  });
});

describe.concurrent('nvgre lint', () => {
  beforeAll(async () => {
    await ensureDemo();
  });

  it('exits 0 on a conformant capture', async () => {
    const r = await nvgre('lint', 'nvgre-demo.pcap');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/-- \d+ frames: 0 errors/);
  });

  it('exits 1 when any finding is an error; --json lines carry the frame', async () => {
    const ryu = path.join(CORPUS_DIR, 'raw', 'ryu', 'gre_nvgre_option.pcap');
    const r = await nvgre('lint', ryu);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('frame 1 byte 54: error INNER_VLAN (RFC 7637 §3.3)');
    const j = await nvgre('lint', ryu, '--json', '--legacy-key');
    expect(j.status).toBe(1);
    const objs = jsonLines(j.stdout);
    expect(objs.map((o) => o.code)).toEqual(['RESERVED_VSID', 'LEGACY_KEY_MISMATCH', 'INNER_VLAN']);
    expect(objs.every((o) => o.frame === 1 && typeof o.offset === 'number' && typeof o.rfc === 'string')).toBe(true);
  });

  it('--mtu flags oversize frames', async () => {
    const r = await nvgre('lint', 'nvgre-demo.pcap', '--mtu', '1400');
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('MTU_EXCEEDED');
  });
});

describe.concurrent('nvgre segment / checksum', () => {
  beforeAll(async () => {
    await ensureDemo();
  });

  it('segment cuts large inner TCP frames to the MSS and keeps everything else', async () => {
    const r = await nvgre('segment', '--mss', '600', 'nvgre-demo.pcap', 'seg.pcap');
    expect(r.status, r.stderr).toBe(0);
    const input = records('nvgre-demo.pcap');
    const out = records('seg.pcap');
    expect(out.length).toBeGreaterThan(input.length);
    for (const rec of out) {
      const d = tryDecapsulate(rec.data);
      expect(d.ok).toBe(true);
      const c = verifyChecksums(rec.data);
      expect(c.transport.status === 'ok' || c.transport.status === 'absent').toBe(true);
      const t = parseFrame(rec.data).inner?.transport;
      if (t?.protocol === 'tcp') expect(t.payloadLength).toBeLessThanOrEqual(600);
    }
    expect(r.stderr).toMatch(/segmented at MSS 600/);
  });

  it('checksum --verify names each layer: plain IP, no checksums, an unknown protocol, IPv6', async () => {
    writeFileSync(
      file('mix.pcap'),
      writePcap([
        buildFrame({ ethernet: {}, ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, udp: { srcPort: 53, dstPort: 5353 }, payload: 'dns' }),
        buildFrame({ ethernet: { etherType: 0x0806 }, payload: new Uint8Array(28) }),
        buildFrame({ ethernet: {}, ipv4: { src: '10.0.0.1', dst: '10.0.0.2', protocol: 99 }, payload: new Uint8Array(8) }),
        buildFrame({ ethernet: {}, ipv6: { src: 'fd00::1', dst: 'fd00::2' }, udp: { srcPort: 1, dstPort: 2 }, payload: 'x' }),
      ]),
    );
    const v = await nvgre('checksum', '--verify', 'mix.pcap');
    expect(v.status, v.stderr).toBe(0);
    // As the release before the line lost its arrays printed them.
    expect(v.stdout).toBe(
      ['frame 1: ipv4 ok, udp ok', 'frame 2: no checksums', 'frame 3: ipv4 ok, protocol-99 not-applicable', 'frame 4: udp ok', '-- 4 frames: 0 bad checksums in 0 frames', ''].join('\n'),
    );
  });

  it('checksum --verify reports bad checksums (exit 1) and --fill repairs them', async () => {
    const broken = path.join(CORPUS_DIR, 'raw', 'packetnet', 'gre_nvgre.pcap');
    const v = await nvgre('checksum', '--verify', broken);
    expect(v.status).toBe(1);
    expect(v.stdout).toContain('frame 1: outer-ipv4 bad, inner-ipv4 bad, tcp bad');
    const f = await nvgre('checksum', '--fill', broken, 'fixed.pcap');
    expect(f.status, f.stderr).toBe(0);
    const again = await nvgre('checksum', '--verify', 'fixed.pcap');
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('frame 1: outer-ipv4 ok, inner-ipv4 ok, tcp ok');
    const j = jsonLines((await nvgre('checksum', '--verify', '--json', 'fixed.pcap')).stdout);
    expect(j[0]).toMatchObject({ frame: 1, encapsulated: true, outerIpv4: 'ok', innerIpv4: 'ok', transport: { protocol: 'tcp', status: 'ok' } });
    // Only checksum bytes changed.
    const a = records('fixed.pcap')[0]!.data;
    const b = readCapture(new Uint8Array(readFileSync(broken))).records[0]!.data;
    const diff = Array.from(a).flatMap((x, i) => (x !== b[i] ? [i] : []));
    expect(diff.every((i) => [24, 25, 66, 67, 92, 93].includes(i))).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// A large capture. How fast `nvgre decode --json` is against tshark is measured by `npm run bench`
// (bench/tshark.mjs), which reports the ratio: a wall-clock threshold here would fail on a busy machine.

describe.concurrent('a large capture', () => {
  it('nvgre decode --json writes one line per frame of a 100,000-frame capture', async () => {
    await ensureDemo();
    // 100,000 frames: the demo's small frames repeated.
    const demo = records('nvgre-demo.pcap').filter((r) => r.data.length < 200);
    const frames = Array.from({ length: 100_000 }, (_, i) => demo[i % demo.length]!.data);
    writeFileSync(file('many.pcap'), writePcap(frames));
    const ours = await spawnAsync(process.execPath, [CLI, 'decode', '--json', 'many.pcap'], { cwd: work, maxBuffer: 1 << 30 });
    expect(ours.status, ours.stderr).toBe(0);
    expect(ours.stdout.split('\n').length - 1).toBe(100_000);
  });
});

describe.concurrent('the command lines of the documentation', () => {
  function run(args: string[], cwd: string) {
    return spawnAsync(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, NVGRE_NO_PROGRESS: '1' } });
  }

  it('docs/cli.md: the session runs as written, in order, in a fresh directory', async () => {
    const doc = readFileSync(path.join(ROOT, 'docs', 'cli.md'), 'utf8');
    const block = /## A session\n[^#]*?```sh\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(block, 'docs/cli.md has a "## A session" sh block').toBeDefined();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nvgre-docs-'));
    try {
      const commands = block!.split('\n').filter((l) => l.startsWith('npx nvgre '));
      expect(commands.length).toBeGreaterThanOrEqual(6);
      for (const line of commands) {
        const r = await run(line.replace(/#.*$/, '').trim().split(/\s+/).slice(2), dir);
        expect(r.status, `${line}\n${r.stderr}`).toBe(0);
      }
      expect(existsSync(path.join(dir, 'filled.pcap'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('README.md: the tour prints what it shows', async () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const block = /```console\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block, 'README has a console block').toBeDefined();
    // A "$ npx nvgre …" line is a command; the lines after it, up to the next command, its standard output.
    const steps: { line: string; output: string[] }[] = [];
    for (const l of block!.trimEnd().split('\n')) {
      if (l.startsWith('$ npx nvgre ')) steps.push({ line: l, output: [] });
      else steps[steps.length - 1]?.output.push(l);
    }
    expect(steps.map((s) => s.line.split(/\s+/)[3])).toEqual(expect.arrayContaining(['demo', 'decode', 'lint']));
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nvgre-tour-'));
    try {
      for (const { line, output } of steps) {
        const r = await run(line.split(/\s+/).slice(3), dir);
        expect(r.stderr, line).toBe('');
        expect([0, 1], `${line}: exit status ${r.status}`).toContain(r.status);
        expect(r.stdout.trimEnd(), line).toBe(output.join('\n'));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.concurrent('a capture corrupt after some good records', () => {
  it('decode prints the frames before the damage, then one sentence naming record and offset, exit 1', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nvgre-partial-'));
    try {
      const frames = [1, 2, 3].map((vsid) =>
        buildFrame({ ethernet: {}, ipv4: { src: '192.0.2.1', dst: '192.0.2.2' }, nvgre: { vsid: 0x1000 + vsid, flowId: 1 }, inner: { ethernet: {}, ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, udp: { srcPort: 1, dstPort: 2 } } }),
      );
      const file = writePcap(frames);
      const third = 24 + 2 * (16 + frames[0]!.length);
      new DataView(file.buffer, file.byteOffset).setUint32(third + 8, 300 * 1024 * 1024, true);
      writeFileSync(path.join(dir, 'bad.pcap'), file);
      const r = await spawnAsync(process.execPath, [CLI, 'decode', '--json', 'bad.pcap'], { cwd: dir, env: { ...process.env, NVGRE_NO_PROGRESS: '1' } });
      expect(r.status).toBe(1);
      expect(r.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { vsid: number }).vsid)).toEqual([0x1001, 0x1002]);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/bad\.pcap.*record 3.*offset 2/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
