/**
 * The public export list. `exports-before-layers.json` is the list taken from the package before src/
 * was grouped by layer: every name in it must still be exported (a move must not change the API). New
 * names are allowed, but each must be documented in docs/api.md, so an export cannot slip in unseen.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as api from '../../src/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const before = JSON.parse(readFileSync(path.join(here, 'exports-before-layers.json'), 'utf8')) as { runtime: string[]; types: string[] };

/** Names after `export type { … }` in src/index.ts (type-only exports have no runtime trace). */
function typeExports(): string[] {
  const source = readFileSync(path.join(root, 'src', 'index.ts'), 'utf8');
  const names: string[] = [];
  for (const m of source.matchAll(/export type \{([^}]*)\}/g)) {
    for (const n of m[1]!.split(',')) if (n.trim()) names.push(n.trim());
  }
  // `export { a, type B }` forms count too.
  for (const m of source.matchAll(/export \{([^}]*)\}/g)) {
    for (const n of m[1]!.split(',')) {
      const t = n.trim();
      if (t.startsWith('type ')) names.push(t.slice(5).trim());
    }
  }
  return names;
}

describe('public export list', () => {
  it('keeps every runtime export the package had before the layer move', () => {
    const now = new Set(Object.keys(api));
    expect(before.runtime.filter((n) => !now.has(n))).toEqual([]);
  });

  it('keeps every type export the package had before the layer move', () => {
    const now = new Set(typeExports());
    expect(before.types.filter((n) => !now.has(n))).toEqual([]);
  });

  it('documents every runtime export added since in docs/api.md', () => {
    const docs = readFileSync(path.join(root, 'docs', 'api.md'), 'utf8');
    const added = Object.keys(api).filter((n) => !before.runtime.includes(n));
    expect(added.filter((n) => !new RegExp(`\\b${n}\\b`).test(docs))).toEqual([]);
  });
});
