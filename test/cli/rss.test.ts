/**
 * `nvgre rss` and `nvgre ecmp` as a user runs them (`node cli.js …`, cli.js built into a directory of its
 * own: test/helpers/cli-build.ts), on captures generated here with
 * the library (docs/rss.md §11): the two stories of issue 14 — many inner flows between two provider
 * addresses spread over the queues of an NVGRE-aware NIC but all land on one queue of an outer-only NIC;
 * an ECMP fabric that ignores the Key puts them on one path, one that hashes the Key spreads them.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFrame, createEncapsulator, writePcap } from '../../src/index.js';
import { buildCli, type BuiltCli } from '../helpers/cli-build.js';
import { spawnAsync } from '../helpers/spawn.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
let built: BuiltCli | undefined;
let CLI: string;
let work: string;

beforeAll(async () => {
  built = await buildCli();
  CLI = built.cli;
  work = mkdtempSync(path.join(os.tmpdir(), 'nvgre-rss-'));
  writeFileSync(file('flows.pcap'), writePcap(tenantFlows(64)));
}, 180_000);

afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
  built?.dispose();
});

async function nvgre(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const r = await spawnAsync(process.execPath, [CLI, ...args], { cwd: work, env: { ...process.env, NVGRE_NO_PROGRESS: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string): string {
  return path.join(work, name);
}

const VM1 = '52:54:00:00:01:01';
const VM2 = '52:54:00:00:01:02';

/**
 * `n` inner TCP flows (one VM talking to another on many source ports, 3 frames each) between two
 * provider addresses, encapsulated with the default FlowID policy, plus a broadcast ARP frame.
 */
function tenantFlows(n: number): Uint8Array[] {
  const enc = createEncapsulator({ vsid: 5001, srcMac: '00:15:5d:00:0a:01', dstMac: '00:15:5d:00:0b:01', srcIp: '192.0.2.10', dstIp: '198.51.100.20' });
  const frames: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < 3; k++) {
      const inner = buildFrame({ ethernet: { src: VM1, dst: VM2 }, ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, tcp: { srcPort: 40000 + i, dstPort: 443, seq: k, flags: 0x18 }, payload: `request ${i}.${k}` });
      frames.push(enc.encapsulate(inner));
    }
  }
  frames.push(enc.encapsulate(buildFrame({ ethernet: { src: VM1, dst: 'ff:ff:ff:ff:ff:ff', etherType: 0x0806 }, payload: new Uint8Array(28) })));
  return frames;
}

interface SideJson {
  queues: { queue: number; frames: number; bytes: number; flows: number }[];
  imbalance: number;
  over: { inner: number; outer: number; none: number };
}

describe.concurrent('nvgre rss', () => {
  it('story: an NVGRE-aware NIC spreads the inner flows; one that hashes outer headers puts them all on one queue', async () => {
    const r = await nvgre('rss', '--compare-outer', '--json', 'flows.pcap');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout) as { frames: number; flows: number; queues: number; nvgreAware: SideJson; outerOnly: SideJson };
    expect(j.frames).toBe(193);
    expect(j.flows).toBe(65);
    expect(j.queues).toBe(4);
    // NVGRE-aware: every queue has flows, the busiest well under 2× the mean.
    expect(j.nvgreAware.queues.every((q) => q.flows >= 8)).toBe(true);
    expect(j.nvgreAware.imbalance).toBeLessThan(1.6);
    expect(j.nvgreAware.over).toEqual({ inner: 192, outer: 1, none: 0 });
    // Outer only: everything on one queue, 4.00× on 4 queues.
    expect(j.outerOnly.queues.filter((q) => q.frames > 0)).toHaveLength(1);
    expect(j.outerOnly.queues.find((q) => q.frames > 0)).toMatchObject({ frames: 193, flows: 65 });
    expect(j.outerOnly.imbalance).toBe(4);
    expect(j.outerOnly.over).toEqual({ inner: 0, outer: 193, none: 0 });
  });

  it('prints the two NICs side by side', async () => {
    const r = await nvgre('rss', '--compare-outer', 'flows.pcap');
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('nvgre rss: 193 frames, 65 flows, 4 queues (128-entry table), hash types ipv4,tcp-ipv4,ipv6,tcp-ipv6, default key');
    expect(lines[1]).toMatch(/NVGRE-aware \(inner 4-tuple\)\s+outer headers only/);
    expect(lines[2]!.trim().split(/\s+/)).toEqual(['queue', 'frames', 'bytes', 'flows', 'frames', 'bytes', 'flows']);
    expect(lines).toHaveLength(3 + 4 + 2);
    expect(lines[7]).toMatch(/^max\/mean\s+1\.\d\d×\s+4\.00×$/);
    expect(lines[8]).toBe('hashed over: inner 192, outer 1, none 0  |  outer only: inner 0, outer 193, none 0');
  });

  it('--queues, --table, --key and --hash-types reach the engine', async () => {
    const eight = JSON.parse((await nvgre('rss', '--queues', '8', '--json', 'flows.pcap')).stdout) as { queues: number; nvgreAware: SideJson };
    expect(eight.queues).toBe(8);
    expect(eight.nvgreAware.queues).toHaveLength(8);
    const table = JSON.parse((await nvgre('rss', '--table', '0,0,0,1', '--json', 'flows.pcap')).stdout) as { queues: number; table: number[] };
    expect(table).toMatchObject({ queues: 2, table: [0, 0, 0, 1] });
    // Only 2-tuple types: no inner 4-tuple, everything hashes the outer addresses.
    const twoTuple = JSON.parse((await nvgre('rss', '--hash-types', 'ipv4,ipv6', '--json', 'flows.pcap')).stdout) as { nvgreAware: SideJson };
    expect(twoTuple.nvgreAware.over).toEqual({ inner: 0, outer: 193, none: 0 });
    const key = JSON.parse((await nvgre('rss', '--key', 'ff'.repeat(40), '--json', 'flows.pcap')).stdout) as { nvgreAware: SideJson };
    const defaultKey = JSON.parse((await nvgre('rss', '--json', 'flows.pcap')).stdout) as { nvgreAware: SideJson };
    expect(key.nvgreAware.queues).not.toEqual(defaultKey.nvgreAware.queues);
  });

  it('usage errors name the option (exit 2)', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--table', '0,1,2'], /--table: .*power-of-two/],
      [['--table', 'a,b'], /--table must be comma-separated queue numbers/],
      [['--key', '00112233'], /--key: key: 4 bytes; the enabled hash types need at least 40/],
      [['--key', 'xyz'], /--key must be hex bytes/],
      [['--hash-types', 'tcp'], /--hash-types: .*unknown hash type "tcp"/],
      [['--queues', '0'], /--queues must be an integer from 1 to 128/],
      [['--vmq', 'f.json', '--queues', '4'], /--queues is an RSS option/],
    ];
    for (const [args, message] of cases) {
      const r = await nvgre('rss', ...args, 'flows.pcap');
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect((await nvgre('rss')).status).toBe(2);
    expect((await nvgre('rss', '--help')).stdout).toMatch(/Usage: nvgre rss <file>/);
  });

  it('--vmq: frames per VMQ queue and the filter that matched', async () => {
    writeFileSync(
      file('filters.json'),
      JSON.stringify([
        { queueId: 1, macAddress: VM2, encapsulated: true, vsid: 6002 },
        { queueId: 2, macAddress: VM2, encapsulated: true, vsid: 5001 },
        { queueId: 3, macAddress: '00:15:5d:00:0b:01' },
      ]),
    );
    const j = JSON.parse((await nvgre('rss', '--vmq', 'filters.json', '--json', 'flows.pcap')).stdout) as Record<string, unknown>;
    expect(j).toEqual({
      frames: 193,
      notEthernet: 0,
      filters: [
        { filter: 1, queueId: 1, frames: 0, bytes: 0 },
        { filter: 2, queueId: 2, frames: 192, bytes: expect.any(Number) },
        // The broadcast ARP frame: no encapsulated filter takes it; the outer (host) MAC filter does.
        { filter: 3, queueId: 3, frames: 1, bytes: expect.any(Number) },
      ],
      defaultQueue: { frames: 0, bytes: 0 },
      queues: [
        { queueId: 2, frames: 192 },
        { queueId: 3, frames: 1 },
      ],
    });
    const text = await nvgre('rss', '--vmq', 'filters.json', 'flows.pcap');
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/^\s+2\s+192\s+\d+\s+#2 inner 52:54:00:00:01:02 vsid 5001$/m);
    expect(text.stdout).toMatch(/default queue \(no filter matched, broadcast or multicast\)/);
    writeFileSync(file('bad.json'), '[{"queueId":1,"macAddress":"ff:ff:ff:ff:ff:ff"}]');
    const bad = await nvgre('rss', '--vmq', 'bad.json', 'flows.pcap');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--vmq bad\.json: filters\[0\]\.macAddress .* group address/);
  });
});

describe.concurrent('nvgre ecmp', () => {
  it('story: a fabric that ignores the Key uses one path; with the Key and generated FlowIDs the flows spread', async () => {
    const outer = JSON.parse((await nvgre('ecmp', 'flows.pcap', '--paths', '4', '--hash', 'outer', '--json')).stdout) as { paths: { frames: number; flows: number }[]; imbalance: number; flows: number };
    expect(outer.flows).toBe(65);
    expect(outer.paths.filter((p) => p.frames > 0)).toHaveLength(1);
    expect(outer.imbalance).toBe(4);
    const keyed = JSON.parse((await nvgre('ecmp', 'flows.pcap', '--paths', '4', '--json')).stdout) as { hash: string; paths: { frames: number; flows: number }[]; imbalance: number };
    expect(keyed.hash).toBe('outer+key');
    expect(keyed.paths.every((p) => p.flows >= 8)).toBe(true);
    expect(keyed.imbalance).toBeLessThan(1.8);
    const inner = JSON.parse((await nvgre('ecmp', 'flows.pcap', '--paths', '4', '--hash', 'inner', '--json')).stdout) as { paths: { flows: number }[] };
    expect(inner.paths.every((p) => p.flows >= 8)).toBe(true);
  });

  it('prints a table per path, and leaves frames that are not NVGRE out', async () => {
    writeFileSync(file('mixed.pcap'), writePcap([...tenantFlows(2), buildFrame({ ethernet: {}, ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, udp: { srcPort: 1, dstPort: 2 } })]));
    const r = await nvgre('ecmp', 'mixed.pcap', '--paths', '2', '--hash', 'outer');
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('nvgre ecmp: 7 NVGRE frames, 3 flows, 2 paths, hash outer (1 frames not NVGRE, left out)');
    expect(lines[1]!.trim().split(/\s+/)).toEqual(['path', 'frames', 'bytes', 'flows']);
    expect(lines.slice(2, 4).map((l) => l.trim().split(/\s+/)[1]).sort()).toEqual(['0', '7']);
    expect(lines[4]).toMatch(/^max\/mean\s+2\.00×$/);
  });

  it('usage errors (exit 2)', async () => {
    expect((await nvgre('ecmp', 'flows.pcap')).stderr).toMatch(/--paths N is required/);
    expect((await nvgre('ecmp', 'flows.pcap', '--paths', '4', '--hash', 'both')).stderr).toMatch(/--hash must be one of outer, outer\+key, inner/);
    expect((await nvgre('ecmp', 'flows.pcap', '--paths', '0')).status).toBe(2);
  });
});

describe.concurrent('README.md: "Where will this packet land?"', () => {
  it('its script writes the capture and nvgre rss prints what the README shows', async () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const start = readme.indexOf('\n## Where will this packet land?\n');
    expect(start).toBeGreaterThan(0);
    const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
    const script = /```js\n([\s\S]*?)```/.exec(section)![1]!;
    const consoleBlock = /```console\n([\s\S]*?)```/.exec(section)![1]!.trimEnd().split('\n');
    // The script as a user runs it with the package installed: 'nvgre' is the library built for this test.
    writeFileSync(file('tenant-flows.mjs'), script.replace("from 'nvgre'", `from ${JSON.stringify(path.join(path.dirname(CLI), 'index.js'))}`));
    expect(consoleBlock[0]).toBe('$ node tenant-flows.mjs');
    const node = await spawnAsync(process.execPath, ['tenant-flows.mjs'], { cwd: work });
    expect(node.stderr).toBe('');
    expect(node.status).toBe(0);
    expect(consoleBlock[1]).toBe('$ npx nvgre rss --compare-outer tenant-flows.pcap');
    const r = await nvgre('rss', '--compare-outer', 'tenant-flows.pcap');
    expect(r.status).toBe(0);
    expect(r.stdout.trimEnd()).toBe(consoleBlock.slice(2).join('\n'));
  });
});
