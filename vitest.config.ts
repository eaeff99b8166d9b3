import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Finds tshark and Scapy once, and names any tool whose tests were skipped (test/helpers/tools-setup.ts);
    // a directory for the run, where the CLI is built once for the tests that run it (test/helpers/cli-build.ts).
    globalSetup: ['test/helpers/tools-setup.ts', 'test/helpers/cli-build-setup.ts'],
    // Tests that spawn the CLI, tshark or Scapy take seconds on an idle machine and several times that
    // on a 2-core one shared with a second test run: the limit is there to catch a hang.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // One worker process runs file after file without reloading src/ for each: about a third less CPU
    // for the whole run. The tests mock nothing and change no global, so no file depends on running alone.
    isolate: false,
  },
});
