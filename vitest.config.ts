import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Finds tshark and Scapy once, and names any tool whose tests were skipped (test/helpers/tools-setup.ts).
    globalSetup: ['test/helpers/tools-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
