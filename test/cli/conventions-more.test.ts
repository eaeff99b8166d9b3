/**
 * The capture conventions of issue 17 on the commands that came to them last: `rss`, `ecmp` and
 * `explain` read `-r FILE` (or positionally, `-` = standard input) and select with `-c`/`--count`,
 * `--frames` and `-Y`; `simulate` reads and writes like the other writing commands (`-w -` = standard
 * output and nothing else there, `--format`, the input's timestamps); `--key-layout rfc7637|low24` on
 * `lint` and `encap` (docs/nvgre.md §7). Captures are made here with the library; the CLI is built by
 * test/helpers/cli-build.ts and run as a user runs it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFrame, createEncapsulator, decapsulate, examplePolicy, readCapture, writePcap, writePcapng } from '../../src/index.js';
import { buildCli, type BuiltCli } from '../helpers/cli-build.js';
import { inParallel, spawnAsync } from '../helpers/spawn.js';
import { MAC, ipv4Frame } from '../nve/helpers.js';

let built: BuiltCli | undefined;
let work: string;

beforeAll(async () => {
  built = await buildCli();
  work = mkdtempSync(path.join(os.tmpdir(), 'nvgre-conventions-more-'));
  writeFileSync(file('tenants.pcap'), writePcap(tenantFrames()));
  writeFileSync(file('example.json'), JSON.stringify(examplePolicy()));
  writeFileSync(file('vm.pcap'), writePcap(vmFrames()));
}, 180_000);

afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
  built?.dispose();
});

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  bytes: Buffer;
}

async function nvgre(args: string[], input?: Uint8Array): Promise<Run> {
  const r = await spawnAsync(process.execPath, [built!.cli, ...args], { cwd: work, input, maxBuffer: 64 << 20, env: { ...process.env, NVGRE_NO_PROGRESS: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, bytes: r.bytes };
}

function file(name: string): string {
  return path.join(work, name);
}

function capture(name: string): ReturnType<typeof readCapture> {
  return readCapture(new Uint8Array(readFileSync(file(name))));
}

/** 8 NVGRE frames: odd frame numbers VSID 5001, even ones VSID 6001, one inner TCP flow each. */
function tenantFrames(): Uint8Array[] {
  const enc = (vsid: number) => createEncapsulator({ vsid, srcMac: '00:15:5d:00:0a:01', dstMac: '00:15:5d:00:0b:01', srcIp: '192.0.2.10', dstIp: '198.51.100.20' });
  const a = enc(5001);
  const b = enc(6001);
  return Array.from({ length: 8 }, (_, i) =>
    (i % 2 === 0 ? a : b).encapsulate(buildFrame({ ethernet: {}, ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, tcp: { srcPort: 40000 + i, dstPort: 443, flags: 0x18 }, payload: `frame ${i + 1}` })),
  );
}

/** VM frames of host1 of the example policy: to A2 (VSID 5001), to B1 (VSID 5002), to nobody, from no VM. */
function vmFrames(): Uint8Array[] {
  return [ipv4Frame('10.0.1.11', '10.0.1.12', MAC.A1, MAC.A2), ipv4Frame('10.0.1.11', '10.0.2.21', MAC.A1, MAC.R5001), ipv4Frame('10.0.1.11', '10.0.2.99', MAC.A1, MAC.R5001), ipv4Frame('10.9.9.9', '10.0.1.12', '02:00:00:00:00:09', MAC.A2)];
}

function json(r: Run): Record<string, unknown> {
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

describe.concurrent('rss and ecmp: -r, -c, --frames and -Y', () => {
  it('-r FILE, the positional and -r - (standard input) give the same report', async () => {
    const stdin = new Uint8Array(readFileSync(file('tenants.pcap')));
    for (const args of [['rss', '--compare-outer'], ['ecmp', '--paths', '4']]) {
      const positional = await nvgre([...args, 'tenants.pcap']);
      expect(positional.status, positional.stderr).toBe(0);
      expect((await nvgre([...args, '-r', 'tenants.pcap'])).stdout).toBe(positional.stdout);
      expect((await nvgre([...args, '-r', '-'], stdin)).stdout).toBe(positional.stdout);
      expect((await nvgre([...args, '-'], stdin)).stdout).toBe(positional.stdout);
    }
  });

  it('the figures count the selected frames; "read" says how many were read', async () => {
    expect(json(await nvgre(['rss', '--json', 'tenants.pcap']))).not.toHaveProperty('read');
    expect(json(await nvgre(['rss', '--json', '-c', '3', 'tenants.pcap']))).toMatchObject({ frames: 3, read: 3, flows: 3 });
    expect(json(await nvgre(['rss', '--json', '--frames', '2-3,8', 'tenants.pcap']))).toMatchObject({ frames: 3, read: 8 });
    expect(json(await nvgre(['rss', '--json', '-Y', 'vsid == 6001', 'tenants.pcap']))).toMatchObject({ frames: 4, read: 8, flows: 4 });
    expect(json(await nvgre(['rss', '--json', '--display-filter', 'vsid == 5001', '--count', '1', 'tenants.pcap']))).toMatchObject({ frames: 1, read: 1 });
    const text = await nvgre(['rss', '-Y', 'vsid == 6001', 'tenants.pcap']);
    expect(text.stdout.split('\n')[0]).toMatch(/^nvgre rss: 4 frames \(selected from 8 read\), 4 flows, 4 queues/);

    expect(json(await nvgre(['ecmp', '--paths', '2', '--json', 'tenants.pcap']))).not.toHaveProperty('read');
    expect(json(await nvgre(['ecmp', '--paths', '2', '--json', '-Y', 'vsid == 5001', 'tenants.pcap']))).toMatchObject({ frames: 4, nvgre: 4, read: 8, flows: 4 });
    expect(json(await nvgre(['ecmp', '--paths', '2', '--json', '--frames', '7-', 'tenants.pcap']))).toMatchObject({ frames: 2, read: 8 });
    expect(json(await nvgre(['ecmp', '--paths', '2', '--json', '-c', '5', 'tenants.pcap']))).toMatchObject({ frames: 5, read: 5 });
    expect((await nvgre(['ecmp', '--paths', '2', '-c', '5', 'tenants.pcap'])).stdout.split('\n')[0]).toBe('nvgre ecmp: 5 NVGRE frames (selected from 5 read), 5 flows, 2 paths, hash outer+key');
  });

  it('rss --vmq selects too', async () => {
    writeFileSync(file('filters.json'), JSON.stringify([{ queueId: 1, macAddress: '00:15:5d:00:0b:01' }]));
    const r = json(await nvgre(['rss', '--vmq', 'filters.json', '--json', '-Y', 'vsid == 5001', '-r', 'tenants.pcap']));
    expect(r).toMatchObject({ frames: 4, read: 8, filters: [{ filter: 1, queueId: 1, frames: 4 }] });
  });

  it('a malformed selection is a usage error, as in decode', async () => {
    for (const args of [['rss'], ['ecmp', '--paths', '2']]) {
      const y = await nvgre([...args, '-Y', 'vsdi == 1', 'tenants.pcap']);
      expect(y.status, args[0]).toBe(2);
      expect(y.stderr).toContain('unknown field "vsdi"; did you mean vsid? (column 1)');
      const c = await nvgre([...args, '-c', '-5', 'tenants.pcap']);
      expect(c.status).toBe(2);
      expect(c.stderr).toMatch(/--count must be an integer from 1 to \d+ .*got "-5"\./);
      expect((await nvgre([...args, '--frames', '0-3', 'tenants.pcap'])).stderr).toMatch(/--frames must be frame numbers/);
      expect((await nvgre([...args, 'tenants.pcap', 'extra.pcap'])).stderr).toContain('unexpected argument "extra.pcap"');
      expect((await nvgre(args)).stderr).toMatch(/missing the input capture/);
    }
  });
});

describe.concurrent('simulate: -r/-w like the other writing commands', () => {
  const sim = ['simulate', '--policy', 'example.json', '--host', 'host1'];

  it('positional, -r/-w and -w - give the same capture; -w - puts nothing else on standard output', async () => {
    const a = await nvgre([...sim, 'vm.pcap', 'wire-a.pcap']);
    expect(a.status, a.stderr).toBe(0);
    expect(a.stdout).toMatch(/^frame 2: encapsulate, VSID 5002, VM B1, 1 frame on the wire$/m);
    expect(a.stderr).toMatch(/; wrote wire-a\.pcap: 2 frames\.\n$/);
    expect((await nvgre([...sim, '-r', 'vm.pcap', '-w', 'wire-b.pcap'])).stdout).toBe(a.stdout);
    const bytes = readFileSync(file('wire-a.pcap'));
    expect(readFileSync(file('wire-b.pcap')).equals(bytes)).toBe(true);
    const out = await nvgre([...sim, '-w', '-', '-r', 'vm.pcap']);
    expect(out.status, out.stderr).toBe(0);
    expect(out.bytes.equals(bytes)).toBe(true);
    expect(out.stderr).toMatch(/; wrote standard output: 2 frames\.\n$/);
    expect(capture('wire-a.pcap').records.map((r) => decapsulate(r.data).vsid)).toEqual([5001, 5002]);
    // Standard input too, and the receiving side of the pipe.
    const received = await nvgre(['simulate', '--policy', 'example.json', '--host', 'host2', '--receive', '-r', '-', '-w', '-'], new Uint8Array(bytes));
    expect(received.status, received.stderr).toBe(0);
    expect(readCapture(new Uint8Array(received.bytes)).records).toHaveLength(2);
    // Without an output, reading positionally is enough.
    expect((await nvgre([...sim, 'vm.pcap'])).stdout).toBe(a.stdout);
  });

  it('-c and --frames select frames, keeping their numbers', async () => {
    const r = await nvgre([...sim, '--frames', '2-3', 'vm.pcap', 'two.pcap']);
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.split('\n').filter((l) => l.startsWith('frame '));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe('frame 2: encapsulate, VSID 5002, VM B1, 1 frame on the wire');
    expect(lines[1]).toMatch(/^frame 3: drop, NO_LOOKUP_RECORD: no lookup record for 10\.0\.2\.99/);
    expect(r.stderr).toMatch(/^simulate: host host1, 3 frames \(2 selected\): encapsulate ×1, drop NO_LOOKUP_RECORD ×1; wrote two\.pcap: 1 frame\.\n$/);
    expect(capture('two.pcap').records.map((x) => decapsulate(x.data).vsid)).toEqual([5002]);
    const one = await nvgre([...sim, '-c', '1', '--json', 'vm.pcap']);
    expect(one.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { frame: number }).frame)).toEqual([1]);
  });

  it('writes the input\'s format with its timestamps; --format converts', async () => {
    writeFileSync(file('vm.pcapng'), writePcapng(vmFrames().map((data, i) => ({ data, timestamp: { seconds: 1_700_000_000 + i, nanoseconds: 5_000 } })), { interfaces: [{ name: 'vms' }] }));
    expect((await nvgre([...sim, 'vm.pcapng', 'wire.pcapng'])).status).toBe(0);
    const ng = capture('wire.pcapng');
    expect(ng.format).toBe('pcapng');
    expect(ng.records.map((r) => r.timestamp.seconds)).toEqual([1_700_000_000, 1_700_000_001]);
    expect((await nvgre([...sim, '--format', 'pcap', 'vm.pcapng', 'wire-classic.pcap'])).status).toBe(0);
    expect(capture('wire-classic.pcap').format).toBe('pcap');
    expect((await nvgre([...sim, '--format', 'pcapng', '-r', 'vm.pcap', '-w', 'ng.out'])).status).toBe(0);
    expect(capture('ng.out').format).toBe('pcapng');
  });

  it('refuses what has nowhere to go, before any work', async () => {
    const j = await nvgre([...sim, '--json', '-w', '-', 'vm.pcap']);
    expect(j.status).toBe(2);
    expect(j.stdout).toBe('');
    expect(j.stderr).toContain('--json has nowhere to go');
    expect((await nvgre([...sim, '--format', 'pcapng', 'vm.pcap'])).stderr).toContain('--format and --keep-partial go with -w FILE');
    const dir = await nvgre([...sim, 'vm.pcap', 'no/such/dir/out.pcap']);
    expect(dir.status).toBe(1);
    expect(dir.stdout).toBe('');
    expect(dir.stderr).toMatch(/its directory .*no\/such\/dir does not exist/);
    expect((await nvgre([...sim, 'vm.pcap', 'a.pcap', 'b.pcap'])).stderr).toContain('unexpected argument "b.pcap"');
    expect((await nvgre(['simulate', '--host', 'host1'])).stderr).toMatch(/missing --policy FILE, -r FILE/);
  });
});

describe.concurrent('explain: -r, -c, --frames and -Y', () => {
  it('selects frames, keeping their numbers', async () => {
    expect((await nvgre(['simulate', '--policy', 'example.json', '--host', 'host1', 'vm.pcap', 'wire.pcap'])).status).toBe(0);
    const all = await nvgre(['explain', '--policy', 'example.json', 'wire.pcap']);
    expect(all.status, all.stderr).toBe(0);
    expect((await nvgre(['explain', '--policy', 'example.json', '-r', 'wire.pcap'])).stdout).toBe(all.stdout);
    const frameLines = (r: Run) => r.stdout.split('\n').filter((l) => l.startsWith('frame '));
    const y = await nvgre(['explain', '--policy', 'example.json', '-Y', 'vsid == 5002', 'wire.pcap']);
    expect(frameLines(all)).toHaveLength(2);
    expect(frameLines(y)).toEqual([frameLines(all)[1]]);
    expect(frameLines(y)[0]).toMatch(/^frame 2: PA 192\.168\.10\.11 → 192\.168\.10\.12, key 0x00138a/);
    expect(y.stderr).toBe('explain: wire.pcap: 2 frames (1 selected), 1 NVGRE.\n');
    const f = await nvgre(['explain', '--policy', 'example.json', '--json', '--frames', '1', 'wire.pcap']);
    expect(f.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { frame: number }).frame)).toEqual([1]);
    expect((await nvgre(['explain', '--policy', 'example.json', '-c', '1', 'wire.pcap'])).stderr).toBe('explain: wire.pcap: 1 frame (1 selected), 1 NVGRE.\n');
    const bad = await nvgre(['explain', '--policy', 'example.json', '-Y', 'vsid ==', 'wire.pcap']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^nvgre explain: -Y: .*\(column \d+\)\.\n {2}vsid ==\n/);
  });
});

describe.concurrent('--key-layout on lint and encap', () => {
  const low24 = (vsid: number) => buildFrame({ ethernet: {}, ipv4: { src: '192.0.2.1', dst: '192.0.2.2' }, nvgre: { vsid, keyLayout: 'low24' }, inner: { ethernet: {}, ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, udp: { srcPort: 1, dstPort: 2 } } });

  it('lint judges the key as a low24 receiver does', async () => {
    // Two low24 frames of VSID 5001, and an RFC 7637 key whose high byte a low24 receiver reserves.
    const rfc = buildFrame({ ethernet: {}, ipv4: { src: '192.0.2.1', dst: '192.0.2.2' }, nvgre: { vsid: 0x123456, flowId: 1 }, inner: { ethernet: {}, ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, udp: { srcPort: 1, dstPort: 2 } } });
    writeFileSync(file('low24.pcap'), writePcap([low24(5001), low24(5001), rfc]));
    const rfcView = await nvgre(['lint', '--json', '--frames', '1-2', 'low24.pcap']);
    expect(rfcView.status).toBe(1);
    expect(rfcView.stdout).toContain('"code":"RESERVED_VSID"');
    const lowView = await nvgre(['lint', '--key-layout', 'low24', '--frames', '1-2', 'low24.pcap']);
    expect(lowView.status, lowView.stdout).toBe(0);
    expect(lowView.stdout).toContain('0 errors');
    const third = await nvgre(['lint', '--key-layout', 'low24', '--json', '--frames', '3', 'low24.pcap']);
    expect(third.status).toBe(1);
    expect(third.stdout).toContain('"code":"RESERVED_KEY_BITS"');
    // The filter reads the VSID the same way.
    expect((await nvgre(['lint', '--key-layout', 'low24', '-Y', 'vsid == 5001', 'low24.pcap'])).stdout).toContain('-- 3 frames (2 selected): 0 errors');
    const bad = await nvgre(['lint', '--key-layout', 'low25', 'low24.pcap']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--key-layout must be rfc7637 or low24, got "low25"');
  });

  it('encap writes low24 keys; a FlowID with them is a usage error', async () => {
    writeFileSync(file('inner.pcap'), writePcap([0, 1].map((i) => buildFrame({ ethernet: {}, ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, udp: { srcPort: 1000 + i, dstPort: 53 }, payload: 'q' }))));
    const base = ['encap', '--vsid', '5001', '--src-ip', '192.0.2.1', '--dst-ip', '192.0.2.2'];
    for (const extra of [[], ['--flow-id', '0'], ['--flow-id', 'zero']]) {
      const r = await nvgre([...base, '--key-layout', 'low24', ...extra, 'inner.pcap', 'low.pcap']);
      expect(r.status, r.stderr).toBe(0);
      const records = capture('low.pcap').records;
      // Ethernet 14 + IPv4 20 + GRE flags/protocol 4: the key is bytes 38-41.
      expect(records.map((x) => Buffer.from(x.data.subarray(38, 42)).toString('hex'))).toEqual(['00001389', '00001389']);
      expect(records.map((x) => decapsulate(x.data, { keyLayout: 'low24' }).vsid)).toEqual([5001, 5001]);
    }
    for (const flow of ['7', 'hash']) {
      const r = await nvgre([...base, '--key-layout', 'low24', '--flow-id', flow, 'inner.pcap', 'x.pcap']);
      expect(r.status, flow).toBe(2);
      expect(r.stderr).toContain(`--key-layout low24 has no FlowID (the key's high byte is zero): --flow-id must be 0 or zero, got "${flow}"`);
    }
    expect((await nvgre([...base, '--key-layout', 'draft', 'inner.pcap', 'x.pcap'])).stderr).toContain('--key-layout must be rfc7637 or low24, got "draft"');
    // The default layout is unchanged.
    expect((await nvgre([...base, '--flow-id', '7', 'inner.pcap', 'rfc.pcap'])).status).toBe(0);
    expect(Buffer.from(capture('rfc.pcap').records[0]!.data.subarray(38, 42)).toString('hex')).toBe('00138907');
  });
});

describe.concurrent('help texts', () => {
  it('every reading command lists -r, -c/--count and --frames; the judging ones -Y; the writing ones -w and --format', async () => {
    // Each command's help text once (the checks below ask several commands' twice).
    const commands = ['rss', 'ecmp', 'explain', 'simulate', 'decode', 'decap', 'lint', 'encap', 'segment', 'checksum'];
    const texts = new Map((await inParallel(commands.map((c) => () => nvgre([c, '--help'])))).map((r, i) => [commands[i]!, r.stdout]));
    const help = (c: string) => texts.get(c)!;
    for (const c of ['rss', 'ecmp', 'explain', 'simulate', 'decode', 'decap', 'lint', 'encap', 'segment', 'checksum']) {
      const h = help(c);
      for (const o of ['-r FILE', '-c, --count N', '--frames LIST']) expect(h, `${c} ${o}`).toContain(o);
    }
    for (const c of ['rss', 'ecmp', 'explain', 'decode', 'decap', 'lint']) expect(help(c), c).toContain('-Y, --display-filter EXPR');
    for (const c of ['simulate', 'decap', 'encap']) {
      for (const o of ['-w FILE', '--format F', '--keep-partial']) expect(help(c), `${c} ${o}`).toContain(o);
    }
    for (const c of ['decode', 'decap', 'lint', 'encap']) expect(help(c), c).toContain('--key-layout L');
  });
});
