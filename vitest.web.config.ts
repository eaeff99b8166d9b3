/**
 * The browser tests (`npm run test:web`): test/web/*.browser.ts drive the page of web/ in a real
 * Chromium (Debian's `chromium`, or NVGRE_CHROMIUM). Kept out of `npm test`, which stays within its
 * time budget; CI runs both. One file, one browser, no parallelism: Chromium is the heavy part.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/web/**/*.browser.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
