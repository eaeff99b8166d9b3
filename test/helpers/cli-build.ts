/**
 * The `nvgre` CLI for tests that run it as a user does (`node dist/cli.js …`): built from src/ with
 * the repository's tsup.config.ts (so cli.js imports ./index.js beside it, as in the package),
 * without type declarations, into dist/ of a temporary directory that also holds a copy of
 * package.json (the CLI reads its version there). A test file never runs the repository's
 * dist/cli.js, which another run of the tests (or `npm run build`) may be cleaning and rebuilding at
 * that moment.
 *
 * Under vitest.config.ts the build is made once per run, by the first test file that asks, in the
 * run's directory (./cli-build-setup.ts); the other files, in this worker or another, wait for it.
 * Under a config without that setup, each file builds its own.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'tsup';
import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Set by test/helpers/cli-build-setup.ts. */
    nvgreCliBuildDir: string;
  }
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface BuiltCli {
  /** The built dist/cli.js. */
  readonly cli: string;
  /** Removes a build of this file's own (a shared build is removed at the end of the run). */
  dispose(): void;
}

async function buildInto(dir: string): Promise<void> {
  copyFileSync(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
  // The options of tsup.config.ts (found from the repository root, vitest's working directory).
  await build({ outDir: path.join(dir, 'dist'), dts: false, silent: true });
}

/** Waits for `file` to appear, polling; throws after `ms`. */
async function waitFor(file: string, failed: string, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!existsSync(file)) {
    if (existsSync(failed)) throw new Error(`the shared CLI build failed in another test file:\n${readFileSync(failed, 'utf8')}`);
    if (Date.now() > end) throw new Error(`the shared CLI build in ${path.dirname(file)} did not finish within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The built CLI (a few seconds the first time); call it from beforeAll with a generous hook timeout. */
export async function buildCli(): Promise<BuiltCli> {
  const shared = inject('nvgreCliBuildDir');
  if (shared === undefined) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nvgre-cli-build-'));
    try {
      await buildInto(dir);
    } catch (e) {
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
    return { cli: path.join(dir, 'dist', 'cli.js'), dispose: () => rmSync(dir, { recursive: true, force: true }) };
  }
  const dir = path.join(shared, 'cli');
  const ready = path.join(shared, 'cli.ready');
  const failed = path.join(shared, 'cli.failed');
  let builder = false;
  try {
    mkdirSync(dir); // atomic: exactly one file of the run builds
    builder = true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  if (builder) {
    try {
      await buildInto(dir);
    } catch (e) {
      writeFileSync(failed, e instanceof Error ? (e.stack ?? e.message) : String(e));
      throw e;
    }
    writeFileSync(ready, '');
  } else {
    await waitFor(ready, failed, 170_000);
  }
  return { cli: path.join(dir, 'dist', 'cli.js'), dispose: () => undefined };
}
