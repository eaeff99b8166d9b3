/**
 * The two library builds a package consumer may load side by side (issue 13 §4): an application that
 * both `import`s the package (dist/index.js) and `require`s it (dist/index.cjs), directly or through
 * its dependencies, gets two copies of every class. An `NvgreError` thrown by either must still be
 * recognised by the other, with `isNvgreError` and with `instanceof NvgreError`.
 *
 * Built here with the repository's tsup.config.ts into a private temporary directory (tsup's API), so
 * this file never races another test rebuilding dist/. .ci/pack-check.sh checks the same on the
 * installed tarball.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'tsup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Api from '../../src/index.js';

type Lib = typeof Api;

let out: string | undefined;
let esm: Lib;
let cjs: Lib;

beforeAll(async () => {
  out = mkdtempSync(path.join(os.tmpdir(), 'nvgre-dual-build-'));
  // The options of tsup.config.ts (read from the repository root, the cwd of vitest), into `out`.
  await build({ outDir: out, dts: false, silent: true });
  esm = (await import(pathToFileURL(path.join(out, 'index.js')).href)) as Lib;
  cjs = createRequire(import.meta.url)(path.join(out, 'index.cjs')) as Lib;
}, 180_000);

afterAll(() => {
  if (out !== undefined) rmSync(out, { recursive: true, force: true });
});

/** The error `decapsulate` of one build throws on 3 bytes. */
function thrownBy(lib: Lib): unknown {
  try {
    lib.decapsulate(new Uint8Array(3));
  } catch (e) {
    return e;
  }
  throw new Error('decapsulate accepted 3 bytes');
}

describe('one error identity across the ESM and CommonJS builds', () => {
  it('the two builds are separate copies (else this file would prove nothing)', () => {
    expect(esm.NvgreError).not.toBe(cjs.NvgreError);
    expect(esm.decapsulate).not.toBe(cjs.decapsulate);
  });

  for (const [from, by] of [
    ['CommonJS', 'ESM'],
    ['ESM', 'CommonJS'],
  ] as const) {
    it(`an NvgreError thrown by the ${from} build is recognised by the ${by} build`, () => {
      const [thrower, other] = from === 'ESM' ? [esm, cjs] : [cjs, esm];
      const e = thrownBy(thrower);
      expect(e).toBeInstanceOf(Error);
      expect(e instanceof other.NvgreError).toBe(true);
      expect(other.isNvgreError(e)).toBe(true);
      expect(e instanceof thrower.NvgreError).toBe(true);
      expect(thrower.isNvgreError(e)).toBe(true);
      if (!other.isNvgreError(e)) return;
      expect(e.code).toBe(other.NvgreErrorCode.TRUNCATED);
      expect(e.toInfo()).toMatchObject({ code: 'TRUNCATED', offset: 0 });
    });
  }

  it('look-alikes are not NvgreErrors', () => {
    const fakes: unknown[] = [
      new Error('TRUNCATED at gre offset 0: x'),
      Object.assign(new Error('x'), { name: 'NvgreError', code: 'TRUNCATED', layer: 'gre', offset: 0 }),
      { code: 'TRUNCATED', layer: 'gre', offset: 0, message: 'x' },
      { [Symbol('nvgre.NvgreError')]: true },
      Object.create(esm.NvgreError.prototype),
      null,
      undefined,
      'NvgreError',
      0,
    ];
    for (const lib of [esm, cjs]) {
      for (const f of fakes) {
        expect(lib.isNvgreError(f)).toBe(false);
        expect(f instanceof lib.NvgreError).toBe(false);
      }
    }
  });

  it('a subclass keeps the ordinary instanceof, and its instances are NvgreErrors of both builds', () => {
    class MyError extends esm.NvgreError {}
    const mine = new MyError(esm.NvgreErrorCode.INVALID_ARGUMENT, 'argument', 0, 'mine');
    const plain = thrownBy(esm);
    expect(mine instanceof MyError).toBe(true);
    expect(plain instanceof MyError).toBe(false);
    expect(thrownBy(cjs) instanceof MyError).toBe(false);
    for (const lib of [esm, cjs]) {
      expect(mine instanceof lib.NvgreError).toBe(true);
      expect(lib.isNvgreError(mine)).toBe(true);
    }
  });

  it('the brand is a read-only, non-enumerable own property (not in spreads, inspection or JSON)', () => {
    const e = thrownBy(esm);
    const brand = Symbol.for('nvgre.NvgreError');
    expect(Object.getOwnPropertyDescriptor(e, brand)).toEqual({ value: true, enumerable: false, writable: false, configurable: false });
    expect(Object.getOwnPropertySymbols({ ...(e as object) })).toEqual([]);
  });
});

describe('dist/cli.js', () => {
  it('imports the library build beside it instead of bundling a second copy', () => {
    const cli = readFileSync(path.join(out!, 'cli.js'), 'utf8');
    expect(cli).toMatch(/from\s*"\.\/index\.js"/);
    // The build is minified (no `// src/…` module comments to read), so look for the library's own
    // definitions instead: a bundled copy would define NvgreError and the decapsulator's fast path.
    for (const definition of [/class _?NvgreError\b/, /function decapsulateFast\b/, /function compileDisplayFilter\b/, /function onesComplementSum\b/]) {
      expect(cli).not.toMatch(definition);
    }
    const lib = readFileSync(path.join(out!, 'index.js'), 'utf8');
    for (const definition of [/class _?NvgreError\b/, /function decapsulateFast\b/]) expect(lib).toMatch(definition);
  });

  it('no source maps are built (they are not published: see tsup.config.ts)', () => {
    for (const file of ['index.js', 'index.cjs', 'cli.js']) expect(readFileSync(path.join(out!, file), 'utf8')).not.toMatch(/sourceMappingURL/);
  });
});
