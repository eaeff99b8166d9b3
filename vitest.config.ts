import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Finds tshark and Scapy once, and names any tool whose tests were skipped (test/helpers/tools-setup.ts);
    // a directory for the run, where the CLI is built once for the tests that run it (test/helpers/cli-build.ts).
    globalSetup: ['test/helpers/tools-setup.ts', 'test/helpers/cli-build-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
