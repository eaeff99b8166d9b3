/**
 * Global setup of vitest.config.ts: a temporary directory for the run, where the first test file
 * that needs the CLI builds it once for all the others (test/helpers/cli-build.ts); removed at the
 * end of the run. Nothing is built here, so a run without CLI tests pays nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nvgre-test-run-'));
  project.provide('nvgreCliBuildDir', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
