#!/usr/bin/env node
/**
 * Builds the page into a static folder (default web/dist; `--out DIR` for another): index.html,
 * app.css, app.js (the UI) and worker.js (the library and everything that calls it). Bundles with
 * esbuild, minified, the library taken from src/ through the 'nvgre' alias (its public API, src/index.ts).
 * Prints each file's size and the gzip total, against the 150 kB budget.
 *
 *   node web/build.mjs [--out DIR] [--quiet]
 */
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
export const BUDGET_GZIP = 150 * 1000;

export async function buildWeb(out = path.join(here, 'dist'), { quiet = false } = {}) {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  await build({
    entryPoints: { app: path.join(here, 'src/app.ts'), worker: path.join(here, 'src/worker.ts') },
    outdir: out,
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['chrome100', 'firefox100', 'safari15'],
    alias: { nvgre: path.join(root, 'src/index.ts') },
    legalComments: 'none',
    logLevel: quiet ? 'error' : 'warning',
    // The page is self-contained: nothing may be fetched from anywhere at run time.
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  for (const f of ['index.html', 'app.css']) copyFileSync(path.join(here, f), path.join(out, f));
  const files = ['index.html', 'app.css', 'app.js', 'worker.js'].map((f) => {
    const bytes = readFileSync(path.join(out, f));
    return { file: f, bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  });
  const total = files.reduce((n, f) => n + f.gzip, 0);
  if (!quiet) {
    for (const f of files) console.log(`  ${f.file.padEnd(11)} ${String(f.bytes).padStart(8)} bytes  ${String(f.gzip).padStart(7)} gzip`);
    const verdict = total <= BUDGET_GZIP ? 'within' : 'OVER';
    console.log(`  total gzip ${(total / 1000).toFixed(1)} kB, ${verdict} the ${BUDGET_GZIP / 1000} kB budget (library included)`);
    console.log(`built ${path.relative(process.cwd(), out) || '.'}/`);
  }
  return { out, files, totalGzip: total };
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--out');
  const out = at >= 0 ? path.resolve(args[at + 1] ?? '') : undefined;
  const result = await buildWeb(out, { quiet: args.includes('--quiet') });
  if (result.totalGzip > BUDGET_GZIP) process.exitCode = 1;
}
