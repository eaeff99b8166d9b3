/**
 * The tcpdump/tshark conventions of every capture-reading and capture-writing command (issue 17):
 * `-r`/`-w` with `-` for the standard streams, `-c`/`--count`, `--frames`, the display filter `-Y`,
 * `--format pcap|pcapng` (default: the input's, keeping its interfaces), `--keep-partial`, the same
 * range sentence for negative numbers, and output paths refused before any work with the real reason.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFrame, readCapture, writePcap, writePcapng, type CaptureRecord } from '../../src/index.js';
import { buildCli, type BuiltCli } from '../helpers/cli-build.js';
import { spawnAsync } from '../helpers/spawn.js';
import { TSHARK, needs, runTool } from '../helpers/tools.js';

let built: BuiltCli;
let work: string;

beforeAll(async () => {
  built = await buildCli();
  work = mkdtempSync(path.join(os.tmpdir(), 'nvgre-conventions-'));
  expect((await nvgre('demo')).status).toBe(0);
}, 120_000);

afterAll(() => {
  built?.dispose();
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  bytes: Buffer;
}

async function nvgre(...args: string[]): Promise<Run> {
  const r = await spawnAsync(process.execPath, [built.cli, ...args], { cwd: work, maxBuffer: 64 << 20, env: { ...process.env, NVGRE_NO_PROGRESS: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, bytes: r.bytes };
}

function file(name: string): string {
  return path.join(work, name);
}

function capture(name: string): ReturnType<typeof readCapture> {
  return readCapture(new Uint8Array(readFileSync(file(name))));
}

function frameNumbers(stdout: string): number[] {
  return stdout
    .split('\n')
    .filter((l) => /^\s+\d+\s/.test(l))
    .map((l) => Number(l.trim().split(/\s+/)[0]));
}

const DEMO_FRAMES = 12;

describe.concurrent('-r and -w, with - for the standard streams', () => {
  it('nvgre decap -w - in.pcap | tshark -r - -T fields -e ip.src works', async (ctx) => {
    needs(TSHARK, ctx);
    const d = await nvgre('decap', '-w', '-', 'nvgre-demo.pcap');
    expect(d.status, d.stderr).toBe(0);
    expect(d.stderr).toMatch(/^decap: wrote standard output: 12 inner frames\.\n$/);
    // The pipeline itself, through a shell, as a user types it.
    const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const line = `${quote(process.execPath)} ${quote(built.cli)} decap -w - nvgre-demo.pcap | ${quote(TSHARK.command)} -r - -T fields -e ip.src -e ipv6.src`;
    const fields = runTool({ ...TSHARK, command: 'sh' }, ['-c', line], { cwd: work });
    const lines = fields.replace(/\n$/, '').split('\n');
    expect(lines).toHaveLength(DEMO_FRAMES);
    expect(lines[0]).toBe('10.0.0.1\t');
    expect(lines[5]).toBe('\tfd00:6002::1');
  });

  it('-r/-w and positional arguments give the same file; -w - gives the same bytes', async () => {
    const forms: Array<[string, string[]]> = [
      ['decap', []],
      ['encap', ['--vsid', '5001', '--src-ip', '192.0.2.1', '--dst-ip', '192.0.2.2', '--flow-id', '7']],
      ['segment', ['--mss', '600']],
      ['checksum', ['--fill']],
    ];
    for (const [command, opts] of forms) {
      expect((await nvgre(command, ...opts, 'nvgre-demo.pcap', `${command}-a.pcap`)).status).toBe(0);
      expect((await nvgre(command, ...opts, '-r', 'nvgre-demo.pcap', '-w', `${command}-b.pcap`)).status).toBe(0);
      expect((await nvgre(command, ...opts, '-w', `${command}-c.pcap`, 'nvgre-demo.pcap')).status).toBe(0);
      const toStdout = await nvgre(command, ...opts, '-r', 'nvgre-demo.pcap', '-w', '-');
      expect(toStdout.status, toStdout.stderr).toBe(0);
      const a = readFileSync(file(`${command}-a.pcap`));
      expect(readFileSync(file(`${command}-b.pcap`)).equals(a), command).toBe(true);
      expect(readFileSync(file(`${command}-c.pcap`)).equals(a), command).toBe(true);
      expect(toStdout.bytes.equals(a), command).toBe(true);
    }
    expect((await nvgre('decode', '-r', 'nvgre-demo.pcap')).stdout).toBe((await nvgre('decode', 'nvgre-demo.pcap')).stdout);
    expect((await nvgre('lint', '-r', 'nvgre-demo.pcap')).stdout).toBe((await nvgre('lint', 'nvgre-demo.pcap')).stdout);
  });

  it('reads standard input with -r - and writes standard output, nothing else on it', async () => {
    const input = readFileSync(file('nvgre-demo.pcap'));
    const r = await spawnAsync(process.execPath, [built.cli, 'decap', '-r', '-', '-w', '-'], { input, env: { ...process.env, NVGRE_NO_PROGRESS: '1' } });
    expect(r.status).toBe(0);
    expect(readCapture(new Uint8Array(r.bytes)).records).toHaveLength(DEMO_FRAMES);
    const demo = await spawnAsync(process.execPath, [built.cli, 'demo', '-w', '-'], { cwd: work });
    expect(demo.status).toBe(0);
    expect(demo.bytes.equals(input)).toBe(true);
    expect(demo.stderr).toContain('-- wrote standard output: 12 NVGRE frames');
  });

  it('missing input or output, and a leftover argument, are usage errors', async () => {
    expect((await nvgre('decap', '-r', 'nvgre-demo.pcap')).stderr).toMatch(/missing the output capture .*-w -/);
    expect((await nvgre('decap')).status).toBe(2);
    const extra = await nvgre('decap', 'nvgre-demo.pcap', 'a.pcap', 'b.pcap');
    expect(extra.status).toBe(2);
    expect(extra.stderr).toContain('unexpected argument "b.pcap"');
  });
});

describe.concurrent('-c / --count and --frames', () => {
  it('select frames on every reading command', async () => {
    expect(frameNumbers((await nvgre('decode', '-c', '3', 'nvgre-demo.pcap')).stdout)).toEqual([1, 2, 3]);
    expect(frameNumbers((await nvgre('decode', '--count', '2', '--frames', '5-', 'nvgre-demo.pcap')).stdout)).toEqual([5, 6]);
    expect(frameNumbers((await nvgre('decode', '--frames', '11-12,2,4-4', 'nvgre-demo.pcap')).stdout)).toEqual([2, 4, 11, 12]);
    expect((await nvgre('decode', '--frames', '2-3', 'nvgre-demo.pcap')).stdout).toMatch(/-- 2 frames: 2 NVGRE, 0 not NVGRE; 2 shown\n$/);
    expect((await nvgre('decap', '-c', '4', 'nvgre-demo.pcap', 'four.pcap')).status).toBe(0);
    expect(capture('four.pcap').records).toHaveLength(4);
    expect((await nvgre('encap', '--frames', '1,3', '--vsid', '5001', '--src-ip', '192.0.2.1', '--dst-ip', '192.0.2.2', 'four.pcap', 'two.pcap')).status).toBe(0);
    expect(capture('two.pcap').records).toHaveLength(2);
    expect((await nvgre('segment', '-c', '1', '--mss', '500', 'nvgre-demo.pcap', 'one.pcap')).status).toBe(0);
    expect(capture('one.pcap').records).toHaveLength(1);
    const verify = await nvgre('checksum', '--verify', '--frames', '12', 'nvgre-demo.pcap');
    expect(verify.stdout.split('\n').filter((l) => l.startsWith('frame '))).toEqual(['frame 12: outer-ipv4 ok, inner-ipv4 ok, tcp ok']);
    const lint = await nvgre('lint', '--mtu', '1400', '--frames', '11-', 'nvgre-demo.pcap');
    expect(lint.stdout.split('\n').filter((l) => l.startsWith('frame '))).toHaveLength(1);
  });

  it('stop reading early: -c 1 on a capture cut short later is no error', async () => {
    const bytes = readFileSync(file('nvgre-demo.pcap'));
    writeFileSync(file('cut-late.pcap'), bytes.subarray(0, bytes.length - 100));
    expect((await nvgre('decode', '-c', '1', 'cut-late.pcap')).status).toBe(0);
    expect((await nvgre('decode', 'cut-late.pcap')).status).toBe(1);
  });

  it('malformed and negative values get the range sentence, not "ambiguous"', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['decode', '-c', '-5', 'nvgre-demo.pcap'], /--count must be an integer from 1 to \d+ \(decimal or 0x hex\), got "-5"\.$/],
      [['decode', '--count', '-0x10', 'nvgre-demo.pcap'], /--count must be an integer from 1 to \d+ .*got "-0x10"\.$/],
      [['decode', '-c', 'ten', 'nvgre-demo.pcap'], /--count must be an integer .*got "ten"\.$/],
      [['encap', '--vsid', '-5', '--src-ip', '1.1.1.1', '--dst-ip', '2.2.2.2', 'nvgre-demo.pcap', 'x.pcap'], /--vsid must be an integer from 0 to 16777215 .*got "-5"\.$/],
      [['lint', '--mtu', '-1500', 'nvgre-demo.pcap'], /--mtu must be an integer from 68 to \d+ .*got "-1500"\.$/],
      [['segment', '--mss=-1', 'nvgre-demo.pcap', 'x.pcap'], /--mss must be an integer from 1 to 1048575 .*got "-1"\.$/],
      [['decode', '--frames', '0-3', 'nvgre-demo.pcap'], /--frames must be frame numbers and ranges such as 1-100,250,300- .*got "0-3"\.$/],
      [['decode', '--frames', '5-2', 'nvgre-demo.pcap'], /--frames must be .*got "5-2"\.$/],
      [['encap', '--vsid', '--src-ip', '1.1.1.1', 'nvgre-demo.pcap', 'x.pcap'], /option '--vsid' needs a value/],
    ];
    for (const [args, message] of cases) {
      const r = await nvgre(...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.trim(), args.join(' ')).toMatch(message);
      expect(r.stderr).not.toContain('ambiguous');
    }
  });
});

describe.concurrent('-Y, the display filter', () => {
  it('selects frames in decode, decap and lint', async () => {
    expect(frameNumbers((await nvgre('decode', '-Y', 'vsid == 5001 && inner.udp', 'nvgre-demo.pcap')).stdout)).toEqual([3]);
    expect(frameNumbers((await nvgre('decode', '-Y', 'inner.ipv6 || outer.vlan', 'nvgre-demo.pcap')).stdout)).toEqual([6, 7, 9]);
    expect(frameNumbers((await nvgre('decode', '--display-filter', 'payload > 1000', '-c', '2', 'nvgre-demo.pcap')).stdout)).toEqual([10, 11]);
    const d = await nvgre('decap', '-Y', 'inner.tcp', 'nvgre-demo.pcap', 'tcp.pcap');
    expect(d.status).toBe(0);
    expect(d.stderr).toContain('wrote tcp.pcap: 6 inner frames from 6 selected of 12 read');
    expect(capture('tcp.pcap').records).toHaveLength(6);
    const l = await nvgre('lint', '--mtu', '1400', '-Y', 'lint == MTU_EXCEEDED', 'nvgre-demo.pcap');
    expect(l.status).toBe(1);
    expect(l.stdout).toContain('-- 12 frames (2 selected): 2 errors (in 2 frames)');
  });

  it('a malformed filter is a usage error pointing at the column', async () => {
    const r = await nvgre('decode', '-Y', 'vsid == 5001 && && inner.udp', 'nvgre-demo.pcap');
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'nvgre decode: -Y: expected a field name (such as vsid or inner.udp), found "&&" (column 17).\n' + '  vsid == 5001 && && inner.udp\n' + '                  ^\n',
    );
    for (const command of [['decap', 'nvgre-demo.pcap', 'x.pcap'], ['lint', 'nvgre-demo.pcap']]) {
      const e = await nvgre(command[0]!, '-Y', 'vsdi == 1', ...command.slice(1));
      expect(e.status).toBe(2);
      expect(e.stderr).toContain('unknown field "vsdi"; did you mean vsid? (column 1)');
    }
  });
});

// Not concurrent: it compares the work directory's listing before and after each run, so it runs
// alone, after the tests above and before those below.
describe('output paths are refused before any work, with the real reason', () => {
  it('a directory, a missing directory, a file system that takes no files', async () => {
    mkdirSync(file('adir'), { recursive: true });
    const cases: Array<[string, RegExp]> = [
      ['adir', /adir: cannot write the output file \(it is a directory\)\.$/],
      ['no/such/dir/out.pcap', /its directory .*no\/such\/dir does not exist/],
      ['nvgre-demo.pcap/x.pcap', /is not a directory/],
    ];
    if (process.platform === 'linux') cases.push(['/proc/out.pcap', /\/proc\/out\.pcap: cannot write the output file \(no file can be created in \/proc, a virtual or special file system\)\.$/]);
    for (const [out, message] of cases) {
      for (const args of [['decap', 'nvgre-demo.pcap', out], ['lint', '--annotate', '-w', out, 'nvgre-demo.pcap'], ['demo', '-w', out]]) {
        const before = readdirSync(work).sort();
        const r = await nvgre(...args);
        expect(r.status, args.join(' ')).toBe(1);
        expect(r.stderr.trim(), args.join(' ')).toMatch(message);
        expect(r.stdout, 'no work was done').toBe('');
        expect(readdirSync(work).sort()).toEqual(before);
      }
    }
  });
});

describe.concurrent('--keep-partial', () => {
  it('keeps the complete records of a capture cut mid-record, exits 1 and says where it ended', async () => {
    const bytes = readFileSync(file('nvgre-demo.pcap'));
    writeFileSync(file('cut.pcap'), bytes.subarray(0, 3000));
    const without = await nvgre('decap', 'cut.pcap', 'none.pcap');
    expect(without.status).toBe(1);
    expect(readdirSync(work)).not.toContain('none.pcap');
    const r = await nvgre('decap', '--keep-partial', 'cut.pcap', 'kept.pcap');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^nvgre decap: cut\.pcap: record 11 at offset 2752 .*cut short.*; --keep-partial: kept\.pcap keeps the 10 frames written before it\.\n$/);
    expect(capture('kept.pcap').records).toHaveLength(10);
    const stdout = await nvgre('checksum', '--fill', '--keep-partial', '-w', '-', 'cut.pcap');
    expect(stdout.status).toBe(1);
    expect(readCapture(new Uint8Array(stdout.bytes)).records).toHaveLength(10);
  });
});

describe.concurrent('--format and pcapng output', () => {
  const frames = [0, 1, 2].map((i) =>
    buildFrame({ ethernet: {}, ipv4: { src: '192.0.2.1', dst: '192.0.2.2' }, nvgre: { vsid: 0x3000 + i, flowId: 1 }, inner: { ethernet: {}, ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, udp: { srcPort: 1, dstPort: 2 } } }),
  );

  it('writes the input\'s format by default, keeping pcapng interfaces; --format converts', async () => {
    const input = writePcapng(
      frames.map((data, i) => ({ data, interfaceId: i === 2 ? 1 : 0, timestamp: { seconds: 1_700_000_000 + i, nanoseconds: 123_456_789 } })),
      { interfaces: [{ name: 'tenant-a' }, { name: 'tenant-b', tsresol: 9 }] },
    );
    writeFileSync(file('two-ifs.pcapng'), input);
    expect((await nvgre('decap', 'two-ifs.pcapng', 'inner.out')).status).toBe(0);
    const ng = capture('inner.out');
    expect(ng.format).toBe('pcapng');
    expect(ng.interfaces.map((i) => [i.name, i.tsresol])).toEqual([
      ['tenant-a', 6],
      ['tenant-b', 9],
    ]);
    expect(ng.records.map((r: CaptureRecord) => [r.interfaceId, r.timestamp.nanoseconds])).toEqual([
      [0, 123_456_000],
      [0, 123_456_000],
      [1, 123_456_789],
    ]);
    expect((await nvgre('decap', '--format', 'pcap', 'two-ifs.pcapng', 'inner-pcap.out')).status).toBe(0);
    expect(capture('inner-pcap.out').format).toBe('pcap');
    writeFileSync(file('plain.pcap'), writePcap(frames));
    for (const args of [['decap'], ['checksum', '--fill'], ['segment', '--mss', '100'], ['encap', '--vsid', '5001', '--src-ip', '192.0.2.1', '--dst-ip', '192.0.2.2']]) {
      expect((await nvgre(...args, 'plain.pcap', 'plain.out')).status).toBe(0);
      expect(capture('plain.out').format, args[0]).toBe('pcap');
      expect((await nvgre(...args, '--format', 'pcapng', 'plain.pcap', 'ng.out')).status).toBe(0);
      expect(capture('ng.out').format, args[0]).toBe('pcapng');
    }
    expect((await nvgre('demo', '--format', 'pcapng', '-w', 'demo.pcapng')).status).toBe(0);
    expect(capture('demo.pcapng').format).toBe('pcapng');
    expect((await nvgre('decap', '--format', 'pcapx', 'plain.pcap', 'x.out')).stderr).toContain('--format must be pcap or pcapng, got "pcapx"');
  });

  it('lint --annotate -w out.pcapng: tshark reads each frame\'s findings back as frame.comment', async (ctx) => {
    needs(TSHARK, ctx);
    const r = await nvgre('lint', '--mtu', '1400', '--annotate', '-w', 'findings.pcapng', 'nvgre-demo.pcap');
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('wrote findings.pcapng with the findings as packet comments');
    const comments = runTool(TSHARK, ['-r', file('findings.pcapng'), '-T', 'fields', '-e', 'frame.number', '-e', 'frame.comment']).replace(/\n$/, '').split('\n');
    expect(comments).toHaveLength(DEMO_FRAMES);
    for (const line of comments) {
      const [n, comment] = line.split('\t');
      if (n === '10' || n === '11') expect(comment).toMatch(/^error MTU_EXCEEDED at byte 16 \(RFC 7637 §4\.4\): The outer IP packet is 1500 bytes/);
      else expect(comment, `frame ${n}`).toBe('');
    }
    // The frames are copied as they were.
    expect(capture('findings.pcapng').records.map((x) => Buffer.from(x.data).toString('hex'))).toEqual(capture('nvgre-demo.pcap').records.map((x) => Buffer.from(x.data).toString('hex')));
    expect((await nvgre('lint', '--annotate', 'nvgre-demo.pcap')).stderr).toContain('--annotate writes a capture: give -w FILE');
    expect((await nvgre('lint', '--annotate', '--format', 'pcap', '-w', 'x.pcap', 'nvgre-demo.pcap')).status).toBe(2);
  });
});
