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
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, type BuiltCli } from '../helpers/cli-build.js';
import { corpusCaptures } from '../helpers/corpus.js';
import { TSHARK, needs, runTool, skipWithout } from '../helpers/tools.js';

let built: BuiltCli;
let work: string;
let plugin: string;

beforeAll(async () => {
  built = await buildCli();
  work = mkdtempSync(path.join(os.tmpdir(), 'nvgre-lua-'));
  const r = nvgre(['wireshark-plugin']);
  expect(r.status, r.stderr).toBe(0);
  plugin = path.join(work, 'nvgre.lua');
  writeFileSync(plugin, r.stdout);
  expect(nvgre(['demo']).status).toBe(0);
}, 120_000);

afterAll(() => {
  built?.dispose();
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

function nvgre(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [built.cli, ...args], { cwd: work, encoding: 'utf8', maxBuffer: 256 << 20, env: { ...process.env, NVGRE_NO_PROGRESS: '1' } });
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
function compare(capture: string, layout: 'rfc7637' | 'low24'): { mismatches: string[]; nvgreFrames: number; violations: number } {
  const fields = runTool(TSHARK, [
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
  ]);
  const rows = fields.replace(/\n$/, '').split('\n').filter((l) => l !== '');
  const d = nvgre(['decode', '--json', '--key-layout', layout, capture]);
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

describe.skipIf(skipWithout(TSHARK))('nvgre wireshark-plugin in tshark', () => {
  it('the demo capture: every frame has the VSID and FlowID nvgre decode shows', (ctx) => {
    needs(TSHARK, ctx);
    const r = compare(path.join(work, 'nvgre-demo.pcap'), 'rfc7637');
    expect(r.mismatches).toEqual([]);
    expect(r.nvgreFrames).toBe(12);
  });

  it('every corpus capture, every frame: the same VSID, FlowID and strict verdict as nvgre decode', (ctx) => {
    needs(TSHARK, ctx);
    let nvgreFrames = 0;
    let violations = 0;
    const mismatches: string[] = [];
    for (const c of corpusCaptures()) {
      for (const layout of ['rfc7637', 'low24'] as const) {
        const r = compare(c.path, layout);
        nvgreFrames += r.nvgreFrames;
        violations += r.violations;
        mismatches.push(...r.mismatches.map((m) => `${c.name} (${layout}): ${m}`));
        // The low24 preference matters only where the plugin has something to say.
        if (r.nvgreFrames === 0 && r.violations === 0) break;
      }
    }
    expect(mismatches).toEqual([]);
    // The corpus holds NVGRE frames, and frames a strict receiver drops (reserved VSID, inner VLAN, NO_KEY).
    expect(nvgreFrames).toBeGreaterThan(0);
    expect(violations).toBeGreaterThan(0);
  });

  it('nvgre.vsid and nvgre.violation work as display filters', (ctx) => {
    needs(TSHARK, ctx);
    const out = runTool(TSHARK, ['-X', `lua_script:${plugin}`, '-r', path.join(work, 'nvgre-demo.pcap'), '-Y', 'nvgre.vsid == 6002 && !nvgre.violation', '-T', 'fields', '-e', 'frame.number']);
    expect(out.trim().split('\n')).toEqual(['6', '7']);
  });

  it('is generated from the library: the codes and constants it carries are the library\'s', () => {
    const lua = nvgre(['wireshark-plugin']).stdout;
    expect(lua).toMatch(/^-- nvgre\.lua: NVGRE fields for Wireshark and tshark \(RFC 7637\), generated by nvgre \d+\.\d+\.\d+/);
    for (const code of ['RESERVED_VSID', 'INNER_VLAN', 'GRE_FLAGS', 'RESERVED_KEY_BITS', 'NOT_TEB']) expect(lua).toContain(`"${code}"`);
    expect(lua).toContain('VSID_RESERVED_LOW_MAX = 4095');
    expect(lua).toContain('ETHERTYPE_TEB = 25944');
    expect(nvgre(['wireshark-plugin', 'extra']).status).toBe(2);
  });
});
