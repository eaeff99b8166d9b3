/**
 * Global setup of `vitest.fuzz.config.ts`: hands every property file a directory for its case counts
 * (see harness.ts `reportCounts`) and, once all files have run, prints one table: cases and wall time
 * per property, and the total.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nvgre-fuzz-'));
  project.provide('nvgreFuzzDir', dir);
  const started = Date.now();
  return () => {
    const rows: Array<[string, number, number]> = [];
    for (const file of readdirSync(dir).sort()) {
      const counts = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Record<string, { cases: number; ms: number }>;
      for (const [name, c] of Object.entries(counts)) rows.push([`${file.replace(/\.json$/, '')} › ${name}`, c.cases, c.ms]);
    }
    rmSync(dir, { recursive: true, force: true });
    const total = rows.reduce((n, r) => n + r[1], 0);
    const width = Math.max(20, ...rows.map((r) => r[0].length));
    const line = (name: string, cases: string, secs: string) => `${name.padEnd(width)}  ${cases.padStart(10)}  ${secs.padStart(8)}`;
    const out = [
      '',
      `nvgre fuzz summary (FUZZ_RUNS=${process.env.FUZZ_RUNS ?? 'default 1000000'})`,
      line('property', 'cases', 'seconds'),
      line('-'.repeat(width), '-'.repeat(10), '-'.repeat(8)),
      ...rows.map(([name, cases, ms]) => line(name, cases.toLocaleString('en-US'), (ms / 1000).toFixed(1))),
      line('-'.repeat(width), '-'.repeat(10), '-'.repeat(8)),
      line(`total (${rows.length} properties)`, total.toLocaleString('en-US'), ((Date.now() - started) / 1000).toFixed(1)),
      '',
    ];
    console.log(out.join('\n'));
  };
}
