/**
 * `nvgre doctor`, `nvgre stats`, and the link types and lint scope of `lint`, `decode` and `decap`, run as
 * a user runs them (the CLI built by test/helpers/cli-build.ts) on captures the library writes: the same
 * story as Ethernet, Linux cooked (SLL, SLL2) and raw IP gives the same answers.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCapture, writePcap, writePcapng } from '../../src/index.js';
import { buildCli, type BuiltCli } from '../helpers/cli-build.js';
import { spawnAsync } from '../helpers/spawn.js';
import { TSHARK, needs, runTool } from '../helpers/tools.js';
import { CORPUS_RAW } from '../helpers/corpus.js';
import { CA, PA, dns, leaveSeed, nvgre as frameOf, ping, tcp, timed } from '../scenarios/doctor-frames.js';
import { LINK_TYPES, asLinkType } from './link-records.js';

let built: BuiltCli | undefined;
let work = '';

beforeAll(async () => {
  built = await buildCli();
  work = mkdtempSync(path.join(os.tmpdir(), 'nvgre-doctor-cli-'));
}, 180_000);

afterAll(() => {
  if (work !== '') rmSync(work, { recursive: true, force: true });
  built?.dispose();
});

async function run(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const r = await spawnAsync(process.execPath, [built!.cli, ...args], { cwd: work, env: { ...process.env, NVGRE_NO_PROGRESS: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The offload story: TCP and ping fine, UDP (DNS) left as seeds by H1's NIC. */
const story = [
  frameOf(PA.H1, PA.H2, tcp(CA.A, CA.B, 40000, 80, 0x02)),
  frameOf(PA.H2, PA.H1, tcp(CA.B, CA.A, 80, 40000, 0x12)),
  frameOf(PA.H1, PA.H2, ping(CA.A, CA.B, 8, 1)),
  frameOf(PA.H2, PA.H1, ping(CA.B, CA.A, 0, 1)),
  leaveSeed(frameOf(PA.H1, PA.H2, dns(CA.A, CA.B, 0x1001, false, 53001))),
  leaveSeed(frameOf(PA.H1, PA.H2, dns(CA.A, CA.B, 0x1002, false, 53002))),
];

function write(name: string, bytes: Uint8Array): string {
  writeFileSync(path.join(work, name), bytes);
  return name;
}

let files: ReturnType<typeof writeFiles> | undefined;
/** The story as Ethernet, SLL, SLL2 and raw IP, written once (the tests run side by side and read them). */
const FILES = () => (files ??= writeFiles());
const writeFiles = () => ({
  ethernet: write('story.pcap', writePcap(timed(story))),
  sll: write('story-sll.pcap', writePcap(timed(story.map((f) => asLinkType(f, 'LINUX_SLL'))), { linkType: LINK_TYPES.LINUX_SLL })),
  sll2: write('story-sll2.pcapng', writePcapng(timed(story.map((f) => asLinkType(f, 'LINUX_SLL2'))), { interfaces: [{ linkType: LINK_TYPES.LINUX_SLL2 }] })),
  raw: write('story-raw.pcap', writePcap(timed(story.map((f) => asLinkType(f, 'RAW'))), { linkType: LINK_TYPES.RAW })),
});

// Every test writes its own files (the story once, FILES): they run side by side.
describe.concurrent('nvgre doctor', () => {
  it('explains the capture, exits 1 on an error finding, and says the same for every link type', async () => {
    const files = FILES();
    const eth = await run('doctor', files.ethernet);
    expect(eth.status, eth.stderr).toBe(1);
    expect(eth.stdout).toMatch(/^nvgre doctor: story\.pcap: 6 frames \(6 NVGRE\), 2 senders, 2 PA pairs, 6 inner flows, 1 VSID, 0\.005 s\n/);
    expect(eth.stdout).toContain('\nERROR TX_CHECKSUM_UDP_ONLY  192.0.2.11, udp\n  192.0.2.11 sends inner UDP with wrong checksums (2 of 2) while its TCP checksums are right');
    expect(eth.stdout).toContain('  evidence: 2 frames (5, 6); udpSeed 2, tcpOk 1, dnsQueries 2, dnsUnanswered 2, pingRepliesIn 1\n');
    expect(eth.stdout).toMatch(/\n  see: {6}NDIS NVGRE checksum offload \[CSUM-NVGRE\]; docs\/offload\.md §8, §16; docs\/doctor\.md §3\n/);
    expect(eth.stdout).toMatch(/\n-- 1 error, 0 warnings, 0 info\n$/);
    for (const f of [files.sll, files.sll2, files.raw]) {
      const r = await run('doctor', f);
      expect(r.status, f).toBe(1);
      expect(r.stdout.replace(f, 'story.pcap')).toBe(eth.stdout);
    }
  });

  it('--annotate -w copies the capture to pcapng with each finding on its evidence frames, read back by the library and tshark', async (ctx) => {
    const files = FILES();
    const r = await run('doctor', '--annotate', '-w', 'explained.pcapng', files.ethernet);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toContain('wrote explained.pcapng with the findings as packet comments on their evidence frames');
    const written = readCapture(readFileSync(path.join(work, 'explained.pcapng')));
    expect(written.format).toBe('pcapng');
    expect(written.records).toHaveLength(6);
    expect(written.records.map((rec) => rec.data)).toEqual(readCapture(readFileSync(path.join(work, files.ethernet))).records.map((rec) => rec.data));
    // The UDP-only finding's evidence frames are 5 and 6: they carry its comment, the others none
    // (the library's reader does not return comments; tshark shows them as frame.comment).
    needs(TSHARK, ctx);
    const fields = runTool(TSHARK, ['-r', path.join(work, 'explained.pcapng'), '-T', 'fields', '-e', 'frame.comment']).split('\n');
    const marks = fields.slice(0, 6).map((l) => (/^nvgre doctor: error TX_CHECKSUM_UDP_ONLY: .* Fix: /.test(l) ? 'commented' : l));
    expect(marks).toEqual(['', '', '', '', 'commented', 'commented']);
    // Usage: -w without --annotate, standard input, classic pcap.
    expect((await run('doctor', '-w', 'x.pcapng', files.ethernet)).status).toBe(2);
    expect((await run('doctor', '--annotate', '-w', 'x.pcapng', '-')).status).toBe(2);
    expect((await run('doctor', '--annotate', '--format', 'pcap', '-w', 'x.pcap', files.ethernet)).status).toBe(2);
  });

  it('--json gives the report as data; --frames keeps the capture\'s frame numbers', async () => {
    const { ethernet } = FILES();
    const r = await run('doctor', '--json', ethernet);
    const report = JSON.parse(r.stdout) as { file: string; worst: string; findings: { code: string; evidence: { firstFrames: number[] } }[] };
    expect(report.file).toBe('story.pcap');
    expect(report.worst).toBe('error');
    expect(report.findings.map((f) => f.code)).toEqual(['TX_CHECKSUM_UDP_ONLY']);
    const some = JSON.parse((await run('doctor', '--json', '--frames', '1-4,6', ethernet)).stdout) as typeof report;
    expect(some.findings[0]!.evidence.firstFrames).toEqual([6]);
  });

  it('a clean capture exits 0; --captured-at tells seeds before the NIC from a fault', async () => {
    const clean = write('clean.pcap', writePcap(timed(story.slice(0, 4))));
    const r = await run('doctor', clean);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('No findings: nothing wrong that the doctor knows to look for (docs/doctor.md).');
    const seeds = write('seeds.pcap', writePcap(timed([leaveSeed(frameOf(PA.H1, PA.H2, tcp(CA.A, CA.B, 1, 2, 0x18, 'x'))), frameOf(PA.H2, PA.H1, tcp(CA.B, CA.A, 2, 1, 0x10))])));
    expect((await run('doctor', '--captured-at', PA.H1, seeds)).status).toBe(0);
    const elsewhere = await run('doctor', '--captured-at', PA.H2, seeds);
    expect(elsewhere.status).toBe(1);
    expect(elsewhere.stdout).toContain('ERROR TX_CHECKSUM_FAULT  192.0.2.11, tcp');
  });

  it('usage errors exit 2; a link type nothing reads is an error, never clean', async () => {
    const { ethernet } = FILES();
    expect(await run('doctor', '--captured-at', 'nowhere', ethernet)).toMatchObject({ status: 2, stderr: expect.stringContaining('--captured-at must be an IPv4 or IPv6 address') });
    expect((await run('doctor', '--key-layout', 'x', ethernet)).status).toBe(2);
    expect((await run('doctor')).status).toBe(2);
    const odd = write('odd.pcap', writePcap(timed(story), { linkType: 147 }));
    const r = await run('doctor', odd);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('ERROR UNREADABLE_FRAMES  link type 147\n  6 frames could not be read (link type 147), so nothing in them was checked');
  });
});

describe.concurrent('nvgre stats', () => {
  it('tables per VSID, per PA pair and per conversation, the same counts for SLL2', async () => {
    const files = FILES();
    const r = await run('stats', files.ethernet);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('  6 NVGRE, 0 other IP, 0 not IP\n  inside NVGRE: 2 TCP, 2 UDP, 2 ICMP, 0 other IP, 0 not IP\n');
    expect(r.stdout).toMatch(/\n {2}5001 +6 +\d+ +6 +\d+ +0\.000 +0\.005\n/);
    expect(r.stdout).toMatch(/\n {2}192\.0\.2\.11 +192\.0\.2\.12 +4 +\d+ +2 +\d+ +5001\n/);
    const a = JSON.parse((await run('stats', '--json', files.ethernet)).stdout) as { vsids: { frames: number; flows: number }[]; protocols: unknown };
    const b = JSON.parse((await run('stats', '--json', files.sll2)).stdout) as typeof a;
    expect(b.vsids.map((v) => [v.frames, v.flows])).toEqual(a.vsids.map((v) => [v.frames, v.flows]));
    expect(b.protocols).toEqual(a.protocols);
  });
});

describe.concurrent('lint, decode and decap on every link type; lint scope', () => {
  it('lint finds the same errors in a Linux cooked capture, at offsets into its records', async () => {
    const files = FILES();
    const eth = await run('lint', files.ethernet);
    const sll = await run('lint', files.sll);
    expect(eth.status).toBe(1);
    expect(sll.status).toBe(1);
    expect(sll.stdout).toBe(eth.stdout.replace(/byte (\d+)/g, (_m, n: string) => `byte ${Number(n) + 2}`));
    const odd = await run('lint', write('odd2.pcap', writePcap(timed(story), { linkType: 147 })));
    expect(odd.status).toBe(1);
    expect(odd.stdout).toContain('error UNSUPPORTED_LINK_TYPE');
  });

  it('decode reads SLL2 and raw IP like Ethernet, and -V says there is no outer MAC', async () => {
    const files = FILES();
    const eth = (await run('decode', files.ethernet)).stdout;
    expect((await run('decode', files.sll2)).stdout).toBe(eth);
    expect((await run('decode', files.raw)).stdout).toBe(eth);
    const tree = (await run('decode', '-V', '-c', '1', files.sll)).stdout;
    expect(tree).toContain('Linux cooked (SLL, 113): no outer MAC (the outer header starts at IP)\n    Type: IPv4 (0x0800)\n');
    expect(tree).not.toContain('00:00:00:00:00:00');
    expect(JSON.parse((await run('decode', '--json', '-c', '1', files.raw)).stdout.split('\n')[0]!)).toMatchObject({ linkType: 101, outerMac: false, vsid: 5001 });
  });

  it('decap writes the inner Ethernet frames of a Linux cooked capture as Ethernet', async () => {
    const { sll2 } = FILES();
    const r = await run('decap', sll2, '-w', 'inner.pcapng');
    expect(r.status, r.stderr).toBe(0);
    const c = readCapture(new Uint8Array(readFileSync(path.join(work, 'inner.pcapng'))));
    expect(c.interfaces.map((i) => i.linkType)).toEqual([1]);
    expect(c.records).toHaveLength(6);
    expect(c.records[2]!.data[12]).toBe(0x08);
  });

  it('lint summarises ordinary GRE instead of failing on it; --all-gre judges every GRE packet', async () => {
    const zeek = path.join(CORPUS_RAW, 'zeek', 'gre-sample.pcap');
    const r = await run('lint', zeek);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('info: 40 frames of IPv4-in-GRE, not NVGRE (not judged as NVGRE; --all-gre judges them)\n-- 40 frames: 0 errors (in 0 frames), 0 warnings, 40 info\n');
    const all = await run('lint', '--all-gre', zeek);
    expect(all.status).toBe(1);
    expect(all.stdout).toContain('error NOT_TEB');
  });
});

describe.concurrent('README.md: "Explain a capture"', () => {
  it('its script writes the capture and nvgre doctor prints what the README shows', async () => {
    const readme = readFileSync(path.resolve(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
    const start = readme.indexOf('\n## Explain a capture\n');
    expect(start).toBeGreaterThan(0);
    const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
    const script = /```js\n([\s\S]*?)```/.exec(section)![1]!;
    const lines = /```console\n([\s\S]*?)```/.exec(section)![1]!.trimEnd().split('\n');
    writeFileSync(path.join(work, 'kb2779768.mjs'), script.replace("from 'nvgre'", `from ${JSON.stringify(path.join(path.dirname(built!.cli), 'index.js'))}`));
    expect(lines[0]).toBe('$ node kb2779768.mjs');
    const node = await spawnAsync(process.execPath, ['kb2779768.mjs'], { cwd: work });
    expect(node.stderr).toBe('');
    expect(lines[1]).toBe('$ npx nvgre doctor kb2779768.pcap');
    const r = await run('doctor', 'kb2779768.pcap');
    expect(r.status).toBe(1);
    expect(r.stdout.trimEnd().split('\n')).toEqual(lines.slice(2));
  });
});

describe.concurrent('the other commands on Linux cooked captures', () => {
  it('checksum --fill writes the records back in their own link type; --verify, rss and ecmp read them as Ethernet', async () => {
    const files = FILES();
    const fill = await run('checksum', '--fill', files.sll, '-w', 'filled.pcap');
    expect(fill.status, fill.stderr).toBe(0);
    expect(fill.stderr).toContain('checksums filled in 6');
    const filled = readCapture(new Uint8Array(readFileSync(path.join(work, 'filled.pcap'))));
    expect(filled.linkType).toBe(LINK_TYPES.LINUX_SLL);
    expect(filled.records.map((r) => r.data.length)).toEqual(story.map((f) => f.length + 2));
    expect(await run('lint', 'filled.pcap')).toMatchObject({ status: 0, stdout: '-- 6 frames: 0 errors (in 0 frames), 0 warnings, 0 info\n' });
    expect((await run('checksum', '--verify', files.sll)).stdout).toBe((await run('checksum', '--verify', files.ethernet)).stdout);
    for (const cmd of [['rss', '--compare-outer'], ['ecmp']]) {
      expect((await run(...cmd, files.sll2)).stdout.replaceAll(files.sll2, 'X'), cmd.join(' ')).toBe((await run(...cmd, files.ethernet)).stdout.replaceAll(files.ethernet, 'X'));
    }
  });

  it('encap takes the VM frames of a raw-IP capture and writes NVGRE as Ethernet', async () => {
    const vm = write('vm-raw.pcap', writePcap(timed([asLinkType(frameOf(PA.H1, PA.H2, ping(CA.A, CA.B, 8, 1)), 'RAW').subarray(42)]), { linkType: LINK_TYPES.RAW }));
    const r = await run('encap', '--vsid', '5001', '--src-ip', PA.H1, '--dst-ip', PA.H2, vm, 'tunnelled.pcap');
    expect(r.status, r.stderr).toBe(0);
    const c = readCapture(new Uint8Array(readFileSync(path.join(work, 'tunnelled.pcap'))));
    expect(c.linkType).toBe(1);
    expect((await run('doctor', '--json', 'tunnelled.pcap')).stdout).toContain('"nvgreFrames": 1');
  });

  it('segment cuts a large TCP send from a raw-IP capture and writes raw-IP segments', async () => {
    const big = frameOf(PA.H1, PA.H2, { ...tcp(CA.A, CA.B, 40000, 80, 0x18), payload: new Uint8Array(4000) });
    const raw = write('big-raw.pcap', writePcap(timed([asLinkType(big, 'RAW')]), { linkType: LINK_TYPES.RAW }));
    const r = await run('segment', '--mss', '1400', raw, '-w', 'segments.pcap');
    expect(r.status, r.stderr).toBe(0);
    const c = readCapture(new Uint8Array(readFileSync(path.join(work, 'segments.pcap'))));
    expect(c.linkType).toBe(LINK_TYPES.RAW);
    expect(c.records).toHaveLength(3);
    expect(c.records.every((x) => x.data[0] === 0x45)).toBe(true);
    expect((await run('lint', 'segments.pcap')).status).toBe(0);
  });
});
