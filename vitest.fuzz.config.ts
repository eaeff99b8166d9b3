/**
 * The fuzz run (`npm run fuzz`): the robustness property files of test/robustness/ with a large run
 * count — FUZZ_RUNS (default 1,000,000) is split across the properties by weight, so the total is at
 * least FUZZ_RUNS cases — in a single worker, printing the cases run per property at the end.
 *
 *   FUZZ_RUNS=5000000 npx vitest run --config vitest.fuzz.config.ts
 *
 * A failure prints the fast-check seed and the shrunk counter-example; rerun one file with
 * `PROPERTY_RUNS`, or add the input to test/robustness/regressions.test.ts.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/robustness/**/*.property.test.ts'],
    env: { NVGRE_FUZZ: '1' },
    globalSetup: ['test/robustness/fuzz-summary.ts'],
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 0,
    hookTimeout: 120_000,
  },
});
