/**
 * The Lua post-dissector of `nvgre wireshark-plugin` run by Debian's tshark (issue 17): on every frame
 * of the demo capture and of every corpus capture, `tshark -X lua_script:nvgre.lua -T fields -e
 * nvgre.vsid -e nvgre.flowid -e nvgre.violation` must say what `nvgre decode --json` says:
 * - a frame nvgre decodes as NVGRE has its VSID and FlowID, and the strict receiver's drop code (or none);
 * - any other frame whose outer IP carries GRE with protocol type 0x6558 (tshark's own gre.proto) has
 *   the drop code only;
 * - every other frame has none of the fields.
 * With the key-layout preference set to low24, the VSIDs and codes are those of `decode --key-layout low24`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, type BuiltCli } from '../helpers/cli-build.js';
import { corpusCaptures } from '../helpers/corpus.js';
import { inParallel, spawnAsync } from '../helpers/spawn.js';
import { TSHARK, needs, runToolAsync, skipWithout } from '../helpers/tools.js';

let built: BuiltCli;
let work: string;
let plugin: string;

beforeAll(async () => {
  built = await buildCli();
  work = mkdtempSync(path.join(os.tmpdir(), 'nvgre-lua-'));
  const r = await nvgre(['wireshark-plugin']);
  expect(r.status, r.stderr).toBe(0);
  plugin = path.join(work, 'nvgre.lua');
  writeFileSync(plugin, r.stdout);
  expect((await nvgre(['demo'])).status).toBe(0);
}, 120_000);

afterAll(() => {
  built?.dispose();
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

async function nvgre(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const r = await spawnAsync(process.execPath, [built.cli, ...args], { cwd: work, maxBuffer: 256 << 20, env: { ...process.env, NVGRE_NO_PROGRESS: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Decoded {
  frame: number;
  nvgre: boolean | null;
  vsid: number | null;
  flowId: number | null;
  drop: string | null;
}

/** One row per frame: what tshark with the plugin says, and what nvgre decode --json says. */
async function compare(capture: string, layout: 'rfc7637' | 'low24'): Promise<{ mismatches: string[]; nvgreFrames: number; violations: number }> {
  // tshark and nvgre decode side by side.
  const [fields, d] = await Promise.all([
    runToolAsync(TSHARK, [
    '-X',
    `lua_script:${plugin}`,
    ...(layout === 'low24' ? ['-o', 'nvgre.key_layout:low24'] : []),
    '-r',
    capture,
    '-T',
    'fields',
    '-E',
    'separator=|',
    '-e',
    'frame.number',
    '-e',
    'gre.proto',
    '-e',
    'nvgre.vsid',
    '-e',
    'nvgre.flowid',
    '-e',
    'nvgre.violation',
    ]),
    nvgre(['decode', '--json', '--key-layout', layout, capture]),
  ]);
  const rows = fields.replace(/\n$/, '').split('\n').filter((l) => l !== '');
  const decoded = d.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Decoded);
  const mismatches: string[] = [];
  if (rows.length !== decoded.length) mismatches.push(`${rows.length} frames in tshark, ${decoded.length} in nvgre decode`);
  let nvgreFrames = 0;
  let violations = 0;
  rows.forEach((row, i) => {
    const [number, greProto, vsid, flowid, violation] = row.split('|');
    const o = decoded[i];
    if (o === undefined) return;
    const teb = (greProto ?? '').split(',')[0] === '0x6558';
    const want = {
      vsid: o.nvgre === true ? String(o.vsid) : '',
      flowid: o.nvgre === true ? `0x${o.flowId!.toString(16).padStart(2, '0')}` : '',
      violation: o.nvgre === true || teb ? (o.drop ?? '') : '',
    };
    const got = { vsid: vsid ?? '', flowid: flowid ?? '', violation: violation ?? '' };
    if (o.nvgre === true) nvgreFrames++;
    if (got.violation !== '') violations++;
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      mismatches.push(`frame ${number}: tshark ${JSON.stringify(got)}, nvgre decode ${JSON.stringify(want)} (gre.proto ${greProto})`);
    }
  });
  return { mismatches, nvgreFrames, violations };
}

// The tests only read the captures and the plugin: they run side by side.
describe.skipIf(skipWithout(TSHARK)).concurrent('nvgre wireshark-plugin in tshark', () => {
  it('the demo capture: every frame has the VSID and FlowID nvgre decode shows', async (ctx) => {
    needs(TSHARK, ctx);
    const r = await compare(path.join(work, 'nvgre-demo.pcap'), 'rfc7637');
    expect(r.mismatches).toEqual([]);
    expect(r.nvgreFrames).toBe(12);
  });

  it('every corpus capture, every frame: the same VSID, FlowID and strict verdict as nvgre decode', async (ctx) => {
    needs(TSHARK, ctx);
    let nvgreFrames = 0;
    let violations = 0;
    const mismatches: string[] = [];
    // Captures side by side, the layouts of one capture in turn; the results summed in the corpus's order.
    const perCapture = await inParallel(
      corpusCaptures().map((c) => async () => {
        const results: Array<{ layout: string; r: Awaited<ReturnType<typeof compare>> }> = [];
        for (const layout of ['rfc7637', 'low24'] as const) {
          const r = await compare(c.path, layout);
          results.push({ layout, r });
          // The low24 preference matters only where the plugin has something to say.
          if (r.nvgreFrames === 0 && r.violations === 0) break;
        }
        return { c, results };
      }),
    );
    for (const { c, results } of perCapture) {
      for (const { layout, r } of results) {
        nvgreFrames += r.nvgreFrames;
        violations += r.violations;
        mismatches.push(...r.mismatches.map((m) => `${c.name} (${layout}): ${m}`));
      }
    }
    expect(mismatches).toEqual([]);
    // The corpus holds NVGRE frames, and frames a strict receiver drops (reserved VSID, inner VLAN, NO_KEY).
    expect(nvgreFrames).toBeGreaterThan(0);
    expect(violations).toBeGreaterThan(0);
  });

  it('nvgre.vsid and nvgre.violation work as display filters', async (ctx) => {
    needs(TSHARK, ctx);
    const out = await runToolAsync(TSHARK, ['-X', `lua_script:${plugin}`, '-r', path.join(work, 'nvgre-demo.pcap'), '-Y', 'nvgre.vsid == 6002 && !nvgre.violation', '-T', 'fields', '-e', 'frame.number']);
    expect(out.trim().split('\n')).toEqual(['6', '7']);
  });

  it('is generated from the library: the codes and constants it carries are the library\'s', async () => {
    const lua = (await nvgre(['wireshark-plugin'])).stdout;
    expect(lua).toMatch(/^-- nvgre\.lua: NVGRE fields for Wireshark and tshark \(RFC 7637\), generated by nvgre \d+\.\d+\.\d+/);
    for (const code of ['RESERVED_VSID', 'INNER_VLAN', 'GRE_FLAGS', 'RESERVED_KEY_BITS', 'NOT_TEB']) expect(lua).toContain(`"${code}"`);
    expect(lua).toContain('VSID_RESERVED_LOW_MAX = 4095');
    expect(lua).toContain('ETHERTYPE_TEB = 25944');
    expect((await nvgre(['wireshark-plugin', 'extra'])).status).toBe(2);
  });
});
