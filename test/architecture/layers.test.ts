/**
 * The layer rule of src/ (each folder's README.md states it): a folder imports only from itself and
 * the folders below it in LAYERS, and src/index.ts (the public surface) from any. The CLI sits on top.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');

/** Bottom first. */
export const LAYERS = ['wire', 'tunnel', 'frame', 'offload', 'capture', 'nve', 'diagnose', 'cli'] as const;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** The top folder of src/ a path lies in ('' for src/index.ts itself). */
function folderOf(file: string): string {
  const rel = path.relative(SRC, file).split(path.sep);
  return rel.length > 1 ? rel[0]! : '';
}

/** Relative import specifiers of a source file, with the line they are on. */
export function importsOf(source: string): { spec: string; line: number }[] {
  const out: { spec: string; line: number }[] = [];
  source.split('\n').forEach((text, i) => {
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) out.push({ spec: m[1]!, line: i + 1 });
  });
  return out;
}

/** Violations of the rule: "src/a/x.ts:3 imports ../b/y.js (b is above a)". */
export function violations(fileList: string[], read: (f: string) => string): string[] {
  const bad: string[] = [];
  for (const file of fileList) {
    const from = folderOf(file);
    if (from === '') continue;
    const rank = LAYERS.indexOf(from as (typeof LAYERS)[number]);
    for (const { spec, line } of importsOf(read(file))) {
      const target = path.resolve(path.dirname(file), spec);
      const to = folderOf(target);
      if (to === from) continue;
      const toRank = to === '' ? Infinity : LAYERS.indexOf(to as (typeof LAYERS)[number]);
      // The CLI reaches the library through the public surface (src/index.ts).
      if (to === '' && from === 'cli') continue;
      if (rank < 0 || toRank < 0 || toRank > rank) bad.push(`${path.relative(SRC, file)}:${line} imports ${spec} (${to || 'index.ts'} is not below ${from})`);
    }
  }
  return bad;
}

describe('src/ layers', () => {
  it('has exactly the folders of the layer list, each with a README.md naming what it may import', () => {
    const folders = readdirSync(SRC).filter((n) => statSync(path.join(SRC, n)).isDirectory());
    expect(folders.sort()).toEqual([...LAYERS].sort());
    for (const folder of LAYERS) {
      const readme = readFileSync(path.join(SRC, folder, 'README.md'), 'utf8');
      const below = LAYERS.slice(0, LAYERS.indexOf(folder));
      const line = /^May import: (.*)$/m.exec(readme)?.[1];
      expect(line, `src/${folder}/README.md has no "May import:" line`).toBeDefined();
      expect(line).toBe(below.length === 0 ? 'nothing outside this folder' : folder === 'cli' ? 'the public surface (src/index.ts)' : below.join(', '));
    }
  });

  it('no folder imports from a folder above it', () => {
    const all = files(SRC);
    expect(all.length).toBeGreaterThan(40);
    expect(violations(all, (f) => readFileSync(f, 'utf8'))).toEqual([]);
  });

  it('the checker catches an upward import (a check that cannot fail is no check)', () => {
    const fake = path.join(SRC, 'wire', 'x.ts');
    expect(violations([fake], () => "import { lint } from '../diagnose/lint.js';\n")).toEqual([
      "wire/x.ts:1 imports ../diagnose/lint.js (diagnose is not below wire)",
    ]);
    expect(violations([fake], () => "import { u16 } from './bytes.js';\n")).toEqual([]);
  });

  it('no source file is much over 600 lines', () => {
    const long = files(SRC)
      .map((f) => ({ f: path.relative(SRC, f), n: readFileSync(f, 'utf8').split('\n').length }))
      .filter(({ n }) => n > 650);
    expect(long).toEqual([]);
  });
});
