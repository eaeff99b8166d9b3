/**
 * The `nvgre` CLI for tests that run it as a user does (`node dist/cli.js …`): built from src/ with
 * the repository's tsup.config.ts (so cli.js imports ./index.js beside it, as in the package),
 * without type declarations, into dist/ of a private temporary directory that also holds a copy of
 * package.json (the CLI reads its version there). A test file never runs the repository's
 * dist/cli.js, which another run of the tests (or `npm run build`) may be cleaning and rebuilding at
 * that moment.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'tsup';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface BuiltCli {
  /** The built dist/cli.js equivalent. */
  readonly cli: string;
  /** Removes the temporary directory. */
  dispose(): void;
}

/** Builds the library and the CLI (a second or two); call it from beforeAll with a generous hook timeout. */
export async function buildCli(): Promise<BuiltCli> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nvgre-cli-build-'));
  try {
    copyFileSync(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
    // The options of tsup.config.ts (found from the repository root, vitest's working directory).
    await build({ outDir: path.join(dir, 'dist'), dts: false, silent: true });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return { cli: path.join(dir, 'dist', 'cli.js'), dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
