/**
 * `nvgre policy`, `nvgre simulate` and `nvgre explain` as a user runs them (the CLI built by
 * test/helpers/cli-build.ts), on the example policy, the hand-made HNV export fixtures and captures
 * made here (docs/nve.md §3, §5–§10).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decapsulate, examplePolicy, readCapture, writePcap } from '../../src/index.js';
import { buildCli, type BuiltCli } from '../helpers/cli-build.js';
import { childEnv } from '../helpers/spawn.js';
import { MAC, ipv4Frame, withHosts } from '../nve/helpers.js';

let built: BuiltCli | undefined;
let work: string;
const FIXTURES = path.resolve(import.meta.dirname, '..', 'nve', 'fixtures');

beforeAll(async () => {
  built = await buildCli();
  work = mkdtempSync(path.join(os.tmpdir(), 'nvgre-nve-cli-'));
}, 180_000);

afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
  built?.dispose();
});

function nvgre(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [built!.cli, ...args], { cwd: work, encoding: 'utf8', maxBuffer: 64 << 20, env: childEnv({ ...process.env, NVGRE_NO_PROGRESS: '1' }) });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const file = (name: string) => path.join(work, name);
const fixture = (name: string) => path.join(FIXTURES, name);

describe('nvgre policy', () => {
  it('init writes the example policy, which check finds nothing wrong with', () => {
    expect(nvgre('policy', 'init', '-o', 'policy.json').status).toBe(0);
    expect(JSON.parse(readFileSync(file('policy.json'), 'utf8'))).toEqual(examplePolicy());
    const r = nvgre('policy', 'check', 'policy.json');
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('0 error(s)');
    expect(JSON.parse(nvgre('policy', 'init').stdout)).toEqual(examplePolicy());
  });

  it('check predicts seed 001 and exits 1', () => {
    writeFileSync(file('no-routes.json'), JSON.stringify(withHosts((h) => ({ ...h, providerRoutes: [] }))));
    const r = nvgre('policy', 'check', 'no-routes.json');
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^error PA_UNREACHABLE hosts\[0\]: host host1 cannot reach PA 192\.168\.20\.5 of host gateway/m);
    const json = JSON.parse(nvgre('policy', 'check', 'no-routes.json', '--json').stdout) as { code: string }[];
    expect(json.filter((f) => f.code === 'PA_UNREACHABLE')).toHaveLength(4);
  });

  it('import builds a policy from ConvertTo-Json exports, one host at a time (UTF-16 files too)', () => {
    const utf16 = file('host2-pa.json');
    const text = readFileSync(fixture('host2.provider-addresses.json'), 'utf8');
    writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    let r = nvgre('policy', 'import', '--host', 'host1', '--neighbor', '192.168.10.1=00-00-5e-00-01-0a', fixture('lookup-records.wmi.json'), fixture('customer-routes.json'), fixture('host1.provider-addresses.json'), fixture('host1.provider-routes.json'), '-o', 'imported.json');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: lookupRecords\[8\].*Unusable/);
    expect(r.stderr).toMatch(/name a PA of a host not imported yet/);
    r = nvgre('policy', 'import', '--host', 'host2', '--into', 'imported.json', utf16, fixture('host2.provider-routes.json'), '-o', 'imported.json');
    expect(r.status, r.stderr).toBe(0);
    r = nvgre('policy', 'import', '--host', 'gateway', '--into', 'imported.json', fixture('gateway.provider-addresses.json'), fixture('gateway.provider-routes.json'), '-o', 'imported.json');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/gateway\.provider-routes\.json is empty/);
    const policy = JSON.parse(readFileSync(file('imported.json'), 'utf8'));
    expect(policy.hosts.map((h: { name: string }) => h.name)).toEqual(['host1', 'host2', 'gateway']);
    const check = nvgre('policy', 'check', 'imported.json');
    expect(check.status).toBe(1); // the gateway host has no provider route: seed 001
    expect(check.stdout).toMatch(/error PA_UNREACHABLE hosts\[2\]: host gateway cannot reach PA 192\.168\.10\.1[12]/);
    expect(readdirSync(work).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses what it cannot use, naming the file and the entry', () => {
    writeFileSync(file('bad.json'), JSON.stringify({ ...examplePolicy(), lookupRecords: [{ ...examplePolicy().lookupRecords[0], vsid: 12 }] }));
    const r = nvgre('simulate', '--policy', 'bad.json', '--host', 'host1', '-r', 'none.pcap');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/bad\.json: lookupRecords\[0\]\.vsid: VSID 12 is outside 4096–16777214/);
    expect(nvgre('policy', 'import', fixture('host1.provider-addresses.json'), '-o', 'x.json')).toMatchObject({ status: 2 });
    expect(nvgre('policy', 'import', '--host', 'h', fixture('README.md'), '-o', 'x.json').stderr).toMatch(/not a NetWNV export/);
    expect(nvgre('policy', 'frobnicate').status).toBe(2);
    expect(existsSync(file('x.json'))).toBe(false);
  });
});

describe('nvgre simulate and nvgre explain', () => {
  beforeAll(() => {
    writeFileSync(file('example.json'), JSON.stringify(examplePolicy()));
    writeFileSync(
      file('vm.pcap'),
      writePcap([ipv4Frame('10.0.1.11', '10.0.1.12', MAC.A1, MAC.A2), ipv4Frame('10.0.1.11', '10.0.2.21', MAC.A1, MAC.R5001), ipv4Frame('10.0.1.11', '10.0.2.99', MAC.A1, MAC.R5001), ipv4Frame('10.9.9.9', '10.0.1.12', '02:00:00:00:00:09', MAC.A2)]),
    );
  });

  it('transmit: prints each decision with its trace and writes the wire frames', () => {
    const r = nvgre('simulate', '--policy', 'example.json', '--host', 'host1', '-r', 'vm.pcap', '-w', 'wire.pcap');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^frame 2: encapsulate, VSID 5002, VM B1, 1 frame on the wire$/m);
    expect(r.stdout).toMatch(/^ {4}customer-route: 10\.0\.2\.0\/24 owned by VSID 5002/m);
    expect(r.stdout).toMatch(/^frame 3: drop, NO_LOOKUP_RECORD: no lookup record for 10\.0\.2\.99/m);
    expect(r.stdout).toMatch(/^frame 4: skipped: no VM of host host1 has its source MAC/m);
    expect(r.stderr).toMatch(/encapsulate ×2, drop NO_LOOKUP_RECORD ×1/);
    const wire = readCapture(new Uint8Array(readFileSync(file('wire.pcap')))).records;
    expect(wire.map((w) => decapsulate(w.data).vsid)).toEqual([5001, 5002]);
  });

  it('receive, as JSON lines, writing what is delivered', () => {
    const r = nvgre('simulate', '--policy', 'example.json', '--host', 'host2', '--receive', '-r', 'wire.pcap', '-w', 'delivered.pcap', '--json');
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.frame, l.action, l.vm])).toEqual([
      [1, 'deliver', 'A2'],
      [2, 'deliver', 'B1'],
    ]);
    expect(lines[1].trace.map((s: { step: string }) => s.step)).toEqual(['decapsulate', 'destination', 'source-check', 'deliver']);
    expect(readCapture(new Uint8Array(readFileSync(file('delivered.pcap')))).records).toHaveLength(2);
  });

  it('--vsid gives the port; an unknown host is a usage error', () => {
    const r = nvgre('simulate', '--policy', 'example.json', '--host', 'host1', '-r', 'vm.pcap', '--vsid', '5002', '--json');
    expect(r.stdout.trim().split('\n').map((l) => JSON.parse(l).reason)).toEqual(['NO_LOOKUP_RECORD', 'NO_LOOKUP_RECORD', 'NO_LOOKUP_RECORD', 'NO_LOOKUP_RECORD']);
    const u = nvgre('simulate', '--policy', 'example.json', '--host', 'host9', '-r', 'vm.pcap');
    expect(u.status).toBe(2);
    expect(u.stderr).toMatch(/host "host9" is not in the policy; its hosts are "host1", "host2", "gateway"/);
    expect(nvgre('simulate', '--host', 'host1').status).toBe(2);
  });

  it('explain: the sender and the receiver of each frame, and a key-layout note for seed 004', () => {
    const r = nvgre('explain', '--policy', 'example.json', 'wire.pcap');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^frame 2: PA 192\.168\.10\.11 → 192\.168\.10\.12, key 0x00138a/m);
    expect(r.stdout).toMatch(/^ {2}sender host1 \(writes rfc7637 keys: VSID 5002\): encapsulate, as this frame went$/m);
    expect(r.stdout).toMatch(/^ {2}receiver host2: deliver to B1$/m);
    writeFileSync(file('mixed.json'), JSON.stringify(withHosts((h) => (h.name === 'host2' ? { ...h, keyLayout: 'low24' } : h))));
    const m = nvgre('explain', '--policy', 'mixed.json', 'wire.pcap');
    expect(m.stdout).toMatch(/receiver host2: drop POLICY_MISMATCH, answered with 1 ICMP unreachable/);
    expect(m.stdout).toMatch(/note: host1 writes keys as rfc7637 but host2 reads them as low24/);
    const j = JSON.parse(nvgre('explain', '--policy', 'example.json', 'wire.pcap', '--json').stdout.split('\n')[0]!);
    expect(j).toMatchObject({ frame: 1, nvgre: true, sender: { host: 'host1', agrees: true }, receiver: { host: 'host2', result: { action: 'deliver' } } });
  });
});
