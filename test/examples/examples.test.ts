/**
 * examples/ run as a user runs them (issue 17): against a fresh build of the package (the test's own
 * copy of the examples beside it, so "../dist/index.js" is that build), in order, and what they write
 * is checked with the library.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFrame, readCapture, tryDecapsulate } from '../../src/index.js';
import { buildCli, type BuiltCli } from '../helpers/cli-build.js';
import { childEnv } from '../helpers/spawn.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

let built: BuiltCli;
let work: string;

beforeAll(async () => {
  built = await buildCli();
  work = mkdtempSync(path.join(os.tmpdir(), 'nvgre-examples-'));
  cpSync(path.join(ROOT, 'examples'), path.join(work, 'examples'), { recursive: true });
  symlinkSync(path.dirname(built.cli), path.join(work, 'dist'), 'dir');
}, 120_000);

afterAll(() => {
  built?.dispose();
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

function run(script: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join('examples', script), ...args], { cwd: work, encoding: 'utf8', env: childEnv() });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function records(name: string) {
  return readCapture(new Uint8Array(readFileSync(path.join(work, name)))).records;
}

describe('examples/', () => {
  it('generate.mjs: a loop of encapsulateInto writes a capture of NVGRE frames', () => {
    const r = run('generate.mjs', 'generated.pcap', '500');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('wrote generated.pcap: 500 NVGRE frames of VSID 5001 in 16 flows, 74000 bytes of frames\n');
    const recs = records('generated.pcap');
    expect(recs).toHaveLength(500);
    for (const rec of recs) {
      const d = tryDecapsulate(rec.data);
      expect(d.ok && d.value.vsid === 5001).toBe(true);
    }
  });

  it('receive.mjs: a decapsulator loop counts frames per VSID', () => {
    const r = run('receive.mjs', 'generated.pcap');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('generated.pcap: 500 frames\n  VSID 5001: 500 frames, 53000 inner bytes\n');
    const demo = spawnSync(process.execPath, [built.cli, 'demo'], { cwd: work, encoding: 'utf8', env: childEnv() });
    expect(demo.status).toBe(0);
    expect(run('receive.mjs', 'nvgre-demo.pcap').stdout).toBe(
      'nvgre-demo.pcap: 12 frames\n  VSID 5001: 8 frames, 4481 inner bytes\n  VSID 6002: 2 frames, 141 inner bytes\n  VSID 7003: 2 frames, 152 inner bytes\n',
    );
  });

  it('rewrite.mjs: decap, filter, encap into a new VSID, timestamps kept', () => {
    const r = run('rewrite.mjs', 'generated.pcap', 'rewritten.pcap', 'inner.srcport in {40000..40003}', '7007');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('generated.pcap: 500 frames; "inner.srcport in {40000..40003}" selected 128; wrote rewritten.pcap with VSID 7007\n');
    const before = records('generated.pcap').filter((_, i) => i % 16 < 4);
    const after = records('rewritten.pcap');
    expect(after).toHaveLength(before.length);
    after.forEach((rec, i) => {
      const d = tryDecapsulate(rec.data);
      const o = tryDecapsulate(before[i]!.data);
      if (!d.ok || !o.ok) throw new Error('not NVGRE');
      expect(d.value.vsid).toBe(7007);
      expect(Array.from(d.value.inner)).toEqual(Array.from(o.value.inner));
      expect(d.value.outer.src).toBe('192.0.2.10');
      expect(rec.timestamp).toEqual(before[i]!.timestamp);
    });
    const bad = run('rewrite.mjs', 'generated.pcap', 'x.pcap', 'vsid ==', '1');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('INVALID_ARGUMENT');
  });

  it('lso.mjs: segmentInto cuts 64 KiB sends into MSS-sized NVGRE segments that continue each connection', () => {
    const r = run('lso.mjs', 'lso.pcap', '8');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(
      'wrote lso.pcap: 8 sends of 65536 bytes at MSS 1418 became 376 NVGRE segments, 0 with a bad checksum\n' +
        "with checksums: 'seeded' and no seed in the template: 47 of 47 segments fail the receiver's TCP check\n",
    );
    // Each connection's segments carry consecutive bytes: sequence numbers advance by the payload, 1418
    // per segment and 308 for the last of each send (65536 = 46 × 1418 + 308).
    const next = new Map<number, number>();
    let payloadBytes = 0;
    for (const rec of records('lso.pcap')) {
      const d = tryDecapsulate(rec.data);
      if (!d.ok) throw new Error(d.error.message);
      const tcp = parseFrame(d.value.inner).transport;
      if (tcp?.protocol !== 'tcp') throw new Error('not TCP inside');
      const port = tcp.srcPort;
      const seq = tcp.seq;
      const length = tcp.payloadLength;
      expect(length === 1418 || length === 65536 - 46 * 1418).toBe(true);
      if (next.has(port)) expect(seq).toBe(next.get(port));
      next.set(port, (seq + length) >>> 0);
      payloadBytes += length;
    }
    expect(next.size).toBe(4);
    expect(payloadBytes).toBe(8 * 65536);
  });

  // The NVE scenarios (docs/nve.md §10): each exits 1 when the model stops reproducing its story.
  it.each(['nve-provider-route.mjs', 'nve-flooding.mjs', 'nve-distributed-routing.mjs', 'nve-gateway.mjs'])('%s reproduces its scenario', (script) => {
    const r = run(script);
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });

  it('nve-key-layout.mjs reproduces seed 004 and writes the failing exchange', () => {
    const r = run('nve-key-layout.mjs', 'seed004.pcap');
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('ICMP type 3 code 10');
    expect(records('seed004.pcap')).toHaveLength(2);
  });
});
